#pragma once
// The loaders' shared insides: each reads an already parsed document.

#include <yaml-cpp/yaml.h>

#include "faultline/loader.hpp"

namespace faultline::loader {

std::shared_ptr<const Topology> read_topology(const std::string& path, const YAML::Node& root,
                                              Diagnostics& diagnostics);
std::shared_ptr<const Scenario> read_scenario(const std::string& path, const YAML::Node& root,
                                              Diagnostics& diagnostics);

}  // namespace faultline::loader
