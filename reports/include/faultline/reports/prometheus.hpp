#pragma once
// --prom FILE: the headline results in the Prometheus text exposition format
// (version 0.0.4), for node_exporter's textfile collector or a push gateway.
// Each family has its HELP and TYPE lines; labels name the scenario (its
// name, or its file when it has none), service, user group, step,
// milestone or variant; Monte Carlo figures are summaries with quantiles.
// Units are base units, as Prometheus names them: seconds (times since T0
// and durations), users, user-seconds (active users cut off, over time) and
// ratios (shares of runs). A time that never came is +Inf.
//
// The three commands' families have distinct prefixes (faultline_replay_,
// faultline_simulation_, faultline_compare_), so their files can sit side
// by side in one textfile directory.

#include <string>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"

namespace faultline::reports {

std::string replay_metrics(const Scenario& scenario, const RunResult& result);
std::string simulation_metrics(const Scenario& scenario, const MonteCarloResult& result);
std::string compare_metrics(const Comparison& comparison);

}  // namespace faultline::reports
