#pragma once
// Writing an edited scenario back as YAML (rehearse's save, calibrate's
// fitted scenario): the same file, its topology path made relative to
// where the new one goes.

#include <yaml-cpp/yaml.h>

#include <string>

namespace faultline::detail {

// root, read from a scenario at `source`, as the text of a file at
// `destination`, headed by `comment`.
std::string scenario_text(YAML::Node root, const std::string& source,
                          const std::string& destination, const std::string& comment);

}  // namespace faultline::detail
