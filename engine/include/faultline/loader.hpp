#pragma once
// YAML in, immutable model out, with every problem reported as a diagnostic
// naming file:line:col. A model is returned only when there are no errors.

#include <cstdint>
#include <map>
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

// Topologies read cleanly in this process, by path, so that
// `validate topology.yaml scenario.yaml` and scenarios sharing a topology
// read it once: on an estate of 10^5 services a read takes seconds. Only a
// topology read without a diagnostic is kept, under the name it was read
// by (a scenario's reference is its folder joined to the path it gives,
// normalised, as `scenarios/../topologies/x.yaml` is `topologies/x.yaml`),
// so a scenario that finds it has the same model and reports what a fresh
// read would: nothing.
class TopologyCache {
 public:
  std::shared_ptr<const Topology> find(const std::string& path) const;
  void add(std::shared_ptr<const Topology> topology);

 private:
  std::map<std::string, std::shared_ptr<const Topology>> topologies_;
};

struct LoadOptions {
  std::uint64_t max_input_bytes = kDefaultMaxInputBytes;
  // Where validate_file and load_scenario look for, and leave, topologies
  // they read; none by default.
  TopologyCache* topologies = nullptr;
};

// A path of "-" reads standard input (named <stdin> in diagnostics).
TopologyLoad load_topology(const std::string& path, const LoadOptions& options = {});
// Loads the scenario and the topology it names (relative to the scenario's folder).
ScenarioLoad load_scenario(const std::string& path, const LoadOptions& options = {});

// Checks a topology or a scenario, telling which by its top-level keys.
Diagnostics validate_file(const std::string& path, const LoadOptions& options = {});

}  // namespace faultline
