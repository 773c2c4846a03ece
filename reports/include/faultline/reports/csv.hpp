#pragma once
// timeline.csv (RFC 4180, a header row first): what happened over time, for
// spreadsheets and notebooks. Input text is quoted where it must be, and a
// cell that a spreadsheet would take for a formula gets a leading quote.

#include <string>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"

namespace faultline::reports {

// Every timeline entry: local time, seconds since T0, kind, subject, what
// happened, and users cut off (registered, active) as of that entry.
std::string replay_timeline_csv(const Scenario& scenario, const RunResult& result);
// Each sampled time: active users cut off (mean, p10, p50, p90) and each
// crew's mean busy members.
std::string simulation_timeline_csv(const Scenario& scenario, const MonteCarloResult& result);
// Each variant's mean active users cut off at each of its sampled times.
std::string compare_timeline_csv(const Comparison& comparison);

}  // namespace faultline::reports
