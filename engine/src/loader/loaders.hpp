#pragma once
// The loaders' shared insides: each reads an already parsed document.

#include "loader/yaml_tree.hpp"

#include "faultline/loader.hpp"

namespace faultline::loader {

std::shared_ptr<const Topology> read_topology(const std::string& path, const yaml::Node& root,
                                              Diagnostics& diagnostics);
// The scenario's topology is read within the same limits.
std::shared_ptr<const Scenario> read_scenario(const std::string& path, const yaml::Node& root,
                                              Diagnostics& diagnostics, const LoadOptions& options);

// The name diagnostics give a path: "<stdin>" for "-".
std::string shown_name(const std::string& path);

}  // namespace faultline::loader
