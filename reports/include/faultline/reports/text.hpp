#pragma once
// Human-readable results for the terminal.

#include <string>

#include "faultline/analysis.hpp"
#include "faultline/calibrate.hpp"
#include "faultline/compare.hpp"
#include "faultline/forecast.hpp"
#include "faultline/imports.hpp"
#include "faultline/markov.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/optimize.hpp"
#include "faultline/rare.hpp"
#include "faultline/rehearsal.hpp"
#include "faultline/replay.hpp"

namespace faultline::reports {

// A share of a service's requests served, as a percentage: whole, or with
// as many decimals as it takes (up to 9) not to read 100% for what still
// fails some, 0% for what serves some, nor 50% for what serves under half,
// the line between a partial and a major outage: "25%", "49.95%",
// "99.99999%".
std::string served_percent(double fraction);
// What an outage does to its service, which it caps: "serves at most 25%",
// or "serves nothing". One already serving less serves no more.
std::string outage_cap_text(double served_fraction);

// The timeline in the scenario's time zone, then per service, per user group
// and observed-versus-simulated tables.
std::string replay_text(const Scenario& scenario, const RunResult& result);
// Requests at network fidelity: per service and user group, what was asked,
// the share served, and the worst window for success and for latency; and
// the state run's changes its steps saw late or not at all.
std::string network_text(const Scenario& scenario, const NetworkRunResult& result);
// Whether the platform carries its load with nothing failed: one line when
// it does, a warning naming each short service's bottleneck when not.
std::string baseline_text(const Scenario& scenario, const NetworkBaseline& baseline);
// Spread over the runs: overall impact, per service, per step, per user group,
// and how often each observed milestone was met.
std::string simulation_text(const Scenario& scenario, const MonteCarloResult& result);
// A topology's dependencies against traced calls: calls it does not
// declare, declared dependencies never called, trace names it does not
// have, and what the traces could not judge; a last line of totals.
std::string drift_text(const Topology& topology, const DependencyDrift& drift);
// Steady-state availability and expected downtime per year.
std::string markov_text(const Topology& topology, const MarkovResult& result);
std::string analysis_text(const Topology& topology, const TopologyAnalysis& analysis);
// The variants ranked by mean user-hours lost, then each metric's paired
// difference from the first variant with its 95% interval.
std::string compare_text(const Comparison& comparison);
// The timeline entries after `from` up to and including `to`, in columns
// as wide as every entry up to `to` needs: blocks shown one after another
// never narrow.
std::string events_text(const Scenario& scenario, const RunResult& result, SimTime from,
                        SimTime to);
// The status page at the rehearsal's current time: users cut off, every
// service's state, the runbook's steps by status, the crews' busy members.
std::string rehearsal_status_text(const Rehearsal& rehearsal);
// Where a change left the rehearsal's run: "the run now ends 2024-01-10
// 15:00 UTC with 2,232,000 user-hours lost".
std::string rehearsal_outcome_text(const Rehearsal& rehearsal);
// What the optimize search found, with the order as YAML to paste into the
// scenario.
std::string optimize_text(const Scenario& scenario, const OptimizedPriority& found);

// simulate --rare: the event, the stretch and its search, the estimate.
std::string rare_event_text(const Scenario& scenario, const RareEventEstimate& estimate);

// calibrate: the search generation by generation, each parameter's prior
// and posterior, and each milestone's simulated spread before and after.
std::string calibration_text(const Scenario& scenario, const Calibration& calibration);

// forecast: the past as observed, each event still ahead with its p10 / p50
// / p90, and with a history how the forecast moved.
std::string forecast_text(const Scenario& scenario, const Forecast& forecast);

}  // namespace faultline::reports
