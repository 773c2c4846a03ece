#include "monte_carlo/run_records.hpp"

namespace faultline::detail {

RunRecord record_of(const Scenario& scenario, const RunResult& run, std::uint64_t index) {
  RunRecord r{index,
              run.overall.lost,
              run.overall.peak_affected,
              run.overall.peak_active,
              run.overall.cut_off_at_end,
              run.all_restored,
              run.end,
              {},
              {}};
  for (std::size_t m = 0; m < run.observed.size(); ++m) {
    const auto& simulated = run.observed[m].simulated;
    r.milestone_times.push_back(simulated);
    r.milestones_met.push_back(simulated && milestone_met(scenario.observed[m], *simulated));
  }
  return r;
}

}  // namespace faultline::detail
