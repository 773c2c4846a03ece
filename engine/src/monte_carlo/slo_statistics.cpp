// SLO budgets tallied over Monte Carlo runs, merged exactly like the rest.

#include <algorithm>
#include <cmath>

#include "faultline/monte_carlo.hpp"

namespace faultline {

std::int64_t consumed_ppm(const ObjectiveBurn& burn) {
  constexpr double kMost = 1e15;  // a billion budgets
  return std::llround(std::min(burn.consumed() * 1e6, kMost));
}

double ObjectiveStatistics::exhausted_share() const {
  return runs() == 0 ? 0.0 : static_cast<double>(runs_exhausted) / static_cast<double>(runs());
}

std::vector<SloStatistics> empty_slo_statistics(std::span<const Slo> slos) {
  std::vector<SloStatistics> out(slos.size());
  for (std::size_t k = 0; k < slos.size(); ++k)
    out[k].objectives.resize(slos[k].objectives.size());
  return out;
}

void add_burns(std::vector<SloStatistics>& statistics, std::span<const SloBurn> burns) {
  for (std::size_t k = 0; k < burns.size(); ++k) {
    SloStatistics& slo = statistics[k];
    if (burns[k].run_outlasts_window)
      ++slo.runs_outlasting_window;
    if (burns[k].short_at_end)
      ++slo.runs_short_at_end;
    for (std::size_t o = 0; o < burns[k].objectives.size(); ++o) {
      const ObjectiveBurn& burn = burns[k].objectives[o];
      slo.objectives[o].consumed_ppm.add(consumed_ppm(burn));
      if (burn.exhausted())
        ++slo.objectives[o].runs_exhausted;
    }
  }
}

void merge_burns(std::vector<SloStatistics>& into, const std::vector<SloStatistics>& from) {
  for (std::size_t k = 0; k < into.size(); ++k) {
    into[k].runs_outlasting_window += from[k].runs_outlasting_window;
    into[k].runs_short_at_end += from[k].runs_short_at_end;
    for (std::size_t o = 0; o < into[k].objectives.size(); ++o) {
      into[k].objectives[o].consumed_ppm.merge(from[k].objectives[o].consumed_ppm);
      into[k].objectives[o].runs_exhausted += from[k].objectives[o].runs_exhausted;
    }
  }
}

}  // namespace faultline
