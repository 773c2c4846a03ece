#pragma once
// The requests of a network-fidelity run, as SimGrid carries them: inside
// the child process, the record of health inputs is played onto the
// platform while user groups' flows of requests go through it. What comes
// back is per step and per window, in numbers only.

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

struct FlowResult {
  std::vector<StepRun> steps;  // in time order, covering T0 to the end
  RequestMetrics metrics;
};

// Runs the flows from T0 until `end` on this process's engine. Call it in a
// child process (see isolated.hpp); the trace starts at T0.
FlowResult simulate_flows(const Topology& topology, const ActivityCalendar& calendar,
                          std::span<const HealthChange> trace, SimTime end,
                          const NetworkOptions& options);

// The result as text for the pipe, and back.
std::string serialize(const FlowResult& result);
FlowResult parse_flows(const std::string& text, const Topology& topology);

}  // namespace faultline::detail
