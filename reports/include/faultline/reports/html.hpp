#pragma once
// The report page: one self-contained HTML file (inline style sheet and SVG
// charts; nothing fetched, no script) to open in a browser, print or attach
// to a design review. Every text from the input is escaped.

#include <span>
#include <string>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/slo.hpp"

namespace faultline::reports {

// Key figures; affected users over time; each service's status strip; the
// runbook as a Gantt chart with crew lanes and the critical path; crews'
// busy members; observed versus simulated milestones; tables.
std::string replay_html(const Scenario& scenario, const RunResult& result,
                        const RunBudgets* budgets = nullptr);
// The replay's page with each user group's requests served and latency p99
// over time.
std::string network_html(const Scenario& scenario, const NetworkRunResult& result,
                         const RunBudgets* budgets = nullptr);
// Key figures with confidence intervals; active users cut off over time
// (mean, median and the p10-p90 band); downtime histograms per service;
// milestones against the simulated spread; crews' mean busy members; tables.
std::string simulation_html(const Scenario& scenario, const MonteCarloResult& result);
// The ranking; each variant's paired differences from the first with their
// 95% intervals; each variant's means; mean active users cut off over time.
// variants are those the comparison was made of, in the same order.
std::string compare_html(std::span<const Variant> variants, const Comparison& comparison);

}  // namespace faultline::reports
