#pragma once
// YAML in, immutable model out, with every problem reported as a diagnostic
// naming file:line:col. A model is returned only when there are no errors.

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

TopologyLoad load_topology(const std::string& path);
// Loads the scenario and the topology it names (relative to the scenario's folder).
ScenarioLoad load_scenario(const std::string& path);

// Checks a topology or a scenario, telling which by its top-level keys.
Diagnostics validate_file(const std::string& path);

}  // namespace faultline
