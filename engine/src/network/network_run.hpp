#pragma once
// A run at network fidelity in three parts, so that Monte Carlo can keep
// several SimGrid processes going: the state run that records health inputs,
// the flows in a child process, and the run's result built from both.

#include <span>
#include <string>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/network.hpp"
#include "network/isolated.hpp"
#include "replay/run.hpp"

namespace faultline::detail {

// Throws std::invalid_argument for a step or window that is not positive,
// a window shorter than a step, or a scenario with a degradation or a deep
// health check.
void check(const Scenario& scenario, const NetworkOptions& network);

struct TracedRun {
  RunResult state;
  std::vector<HealthChange> trace;
};

// Executes the run with `options`, recording its health inputs. Without a
// horizon the state run ends with its last change, which requests see a
// step later: the run is given that step.
void run_traced(const Scenario& scenario, Run& run, RunOptions options,
                const NetworkOptions& network, TracedRun& traced);

// Starts the flows of a traced run in a child process.
IsolatedWork start_flows(const Topology& topology, const ActivityCalendar& calendar,
                         const TracedRun& traced, const NetworkOptions& network);

// The run's result from the state run and the flows' text; sampled_active
// at `sample_times` comes from the flows.
NetworkRunResult network_result(const Scenario& scenario, const ActivityCalendar& calendar,
                                const TracedRun& traced, const std::string& flows,
                                const NetworkOptions& network,
                                std::span<const SimTime> sample_times);

}  // namespace faultline::detail
