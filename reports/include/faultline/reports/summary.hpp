#pragma once
// summary.md: a result written the way a post-incident review reads -
// impact, timeline, which restoration brought back whom and when, the
// slowest stage, and for simulations what the runs support with confidence.
// Text from the input is escaped so that it shows as written.

#include <span>
#include <string>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/slo.hpp"

namespace faultline::reports {

std::string replay_summary(const Scenario& scenario, const RunResult& result,
                           const RunBudgets* budgets = nullptr);
// The replay's summary with each user group's and service's requests.
std::string network_summary(const Scenario& scenario, const NetworkRunResult& result,
                            const RunBudgets* budgets = nullptr);
std::string simulation_summary(const Scenario& scenario, const MonteCarloResult& result);
std::string compare_summary(std::span<const Variant> variants, const Comparison& comparison);

}  // namespace faultline::reports
