#pragma once
// The requests of a network-fidelity run, as SimGrid carries them: inside
// the child process, the record of health inputs is played onto the
// platform while user groups' flows of requests go through it. What comes
// back is per step and per window, in numbers only.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/health.hpp"
#include "faultline/network.hpp"

namespace faultline::detail {

// What one step of requests did.
struct StepFlows {
  // By ServiceId: calls that reached the service (through dependencies,
  // retries and probes too), those it answered in time, and those of them
  // that went without a soft dependency.
  std::vector<double> requests;
  std::vector<double> served;
  std::vector<double> degraded;
  // By UserGroupId: the share of the group's users cut off - the requests
  // not served, of the service it uses that served the fewest.
  std::vector<double> cut_off;
};

// Consecutive steps with the same flows.
struct StepRun {
  std::int64_t first = 0;  // step index; step k starts at T0 + k * step
  std::int64_t count = 1;
  StepFlows flows;
};

// What the requests asked of each resource (see network_resources), per
// second of a step: bits for a link, requests for a host.
struct ResourceDemand {
  std::vector<double> capacity;
  std::vector<double> peak;  // the most any step asked
  std::vector<std::int64_t> peak_step;  // the first step that asked it; -1 for none
  // Services x windows: of the resources the service's requests (or those
  // it made to its dependencies) crossed in a step of the window, the one
  // with the highest utilisation (asked over capacity); -1 when none.
  std::vector<std::int64_t> busiest;
  std::vector<double> busiest_utilisation;
};

struct FlowResult {
  std::vector<StepRun> steps;  // in time order, covering T0 to the end
  RequestMetrics metrics;
  std::optional<ResourceDemand> demand;  // when asked for
};

// Runs the flows from T0 until `end` on this process's engine. Call it in a
// child process (see isolated.hpp); the trace starts at T0.
FlowResult simulate_flows(const Topology& topology, const ActivityCalendar& calendar,
                          std::span<const HealthChange> trace, SimTime end,
                          const NetworkOptions& options, bool measure_demand = false);

// The result as text for the pipe, and back.
std::string serialize(const FlowResult& result);
FlowResult parse_flows(const std::string& text, const Topology& topology);

}  // namespace faultline::detail
