#pragma once
// YAML in, immutable model out, with every problem reported as a diagnostic
// naming file:line:col. A model is returned only when there are no errors.

#include <cstdint>
#include <memory>
#include <string>

#include "faultline/diagnostics.hpp"
#include "faultline/model.hpp"

namespace faultline {

struct TopologyLoad {
  std::shared_ptr<const Topology> topology;  // null when there are errors
  Diagnostics diagnostics;
};

struct ScenarioLoad {
  std::shared_ptr<const Scenario> scenario;  // null when there are errors
  Diagnostics diagnostics;
};

// Faultline files are a few hundred kilobytes; a larger input is refused
// unless the limit is raised, so that a wrong path (a device, a log) cannot
// exhaust the memory. Parsed YAML takes tens of times its text.
inline constexpr std::uint64_t kDefaultMaxInputBytes = 64ULL << 20;

struct LoadOptions {
  std::uint64_t max_input_bytes = kDefaultMaxInputBytes;
};

// A path of "-" reads standard input (named <stdin> in diagnostics).
TopologyLoad load_topology(const std::string& path, const LoadOptions& options = {});
// Loads the scenario and the topology it names (relative to the scenario's folder).
ScenarioLoad load_scenario(const std::string& path, const LoadOptions& options = {});

// Checks a topology or a scenario, telling which by its top-level keys.
Diagnostics validate_file(const std::string& path, const LoadOptions& options = {});

}  // namespace faultline
