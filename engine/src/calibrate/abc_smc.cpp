#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "calibrate/parameters.hpp"
#include "calibrate/population.hpp"
#include "faultline/calibrate.hpp"
#include "monte_carlo/parallel_runs.hpp"

namespace faultline {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Each generation's tolerance is this quantile of the last one's
// distances, so about this share of its particles would have been kept.
constexpr double kKeptQuantile = 0.5;
// A generation that would need more proposals than particles / this is
// given up: the tolerance has come down to the runs' own spread, and a
// smaller one buys little but cost.
constexpr double kLeastAcceptance = 0.02;
// Generation g's proposal i is run g * kRunsPerGeneration + i; the check
// runs come after every generation's.
constexpr std::uint64_t kRunsPerGeneration = std::uint64_t{1} << 32;
constexpr std::uint64_t kCheckRunsFrom = std::uint64_t{1} << 48;

void check(const Scenario& scenario, const CalibrationOptions& options) {
  if (scenario.unknowns.empty()) {
    throw std::invalid_argument(
        "the scenario marks no parameter unknown: give a step or method an 'unknown' entry, "
        "such as unknown: {median: {distribution: uniform, min: 2h, max: 12h}}");
  }
  if (scenario.observed.empty()) {
    throw std::invalid_argument(
        "the scenario observes no milestone to fit to: list what happened under 'observed'");
  }
  if (scenario.strategy == StrategyKind::optimize) {
    throw std::invalid_argument(
        "calibrate runs the scenario's own order of steps, and optimize is found by a search: "
        "find it first (simulate --strategy optimize prints it) and write it in as the "
        "priority strategy");
  }
  if (options.particles < 10 || options.particles > 20'000) {
    throw std::invalid_argument(
        fmt::format("particles must be between 10 and 20000, found {}", options.particles));
  }
  if (options.most_generations < 1 || options.most_generations > 100) {
    throw std::invalid_argument(
        fmt::format("generations must be between 1 and 100, found {}", options.most_generations));
  }
  detail::check_runs_and_threads(std::max<std::uint64_t>(options.check_runs, 1), options.threads);
}

// The tolerance of the generation after `last`, made with `tolerance`:
// the quantile of its distances, or when that is no smaller (distances
// that take few values, as whole attempts do) the largest below it.
// Nothing, when no particle is closer than the tolerance: every run then
// lands at it, often exactly on the observations, and no generation can
// do better.
std::optional<double> next_tolerance(const detail::Population& last, double tolerance) {
  std::vector<double> d = last.distance;
  std::ranges::sort(d);
  const auto at = static_cast<std::size_t>(kKeptQuantile * static_cast<double>(d.size() - 1));
  if (d[at] < tolerance)
    return d[at];
  const auto below = std::ranges::lower_bound(d, tolerance);
  if (below == d.begin())
    return std::nullopt;
  return *(below - 1);
}

Spread prior_spread(const UnknownParameter& p) {
  return {detail::value_at(p, -1.6448536269514722), detail::value_at(p, 0.0),
          detail::value_at(p, 1.6448536269514722)};
}

// The posterior median as written into a scenario.
double as_written(const UnknownParameter& p, double median) {
  if (p.kind == UnknownKind::success)
    return std::max(0.001, std::round(std::clamp(median, p.low, p.high) * 1000) / 1000);
  return std::max(1000.0, std::round(median / 1000) * 1000);
}

std::vector<ParameterFit> parameter_fits(const Scenario& scenario,
                                         const detail::Population& final) {
  std::vector<ParameterFit> out;
  for (std::size_t k = 0; k < scenario.unknowns.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    // value_at rises with z, so its quantiles are those of z.
    const auto at = [&](double q) { return detail::value_at(p, final.quantile_of(k, q)); };
    ParameterFit fit{.prior = prior_spread(p), .posterior = {at(0.05), at(0.5), at(0.95)}};
    fit.fitted = as_written(p, fit.posterior.median);
    out.push_back(fit);
  }
  return out;
}

struct Search {
  detail::Population population;
  std::vector<CalibrationGeneration> generations;
  CalibrationEnd ended = CalibrationEnd::most_generations;
  std::uint64_t runs = 0;
  detail::MilestoneRecord prior_runs;
};

// ABC-SMC: a first generation from the priors, then each from the last,
// moved by a normal kernel, with a tolerance shrinking to the median of
// the last's distances, until it settles, costs too much, or the
// generations run out.
Search search(const Scenario& scenario, const CalibrationOptions& options,
              detail::WorkerPool& pool) {
  Search s;
  const std::uint64_t most_proposals = static_cast<std::uint64_t>(
      std::ceil(static_cast<double>(options.particles) / kLeastAcceptance));
  detail::GenerationRuns first = detail::first_generation(scenario, options, pool, s.prior_runs);
  s.runs += first.proposals;
  if (!first.complete) {
    s.ended = CalibrationEnd::interrupted;
    return s;
  }
  s.population = std::move(first.population);
  if (std::ranges::none_of(s.population.distance, [](double d) { return std::isfinite(d); })) {
    throw std::invalid_argument(fmt::format(
        "none of the {} runs drawn from the priors met every observed milestone's event (some "
        "never happened): check the milestones, or widen the priors",
        options.particles));
  }
  s.generations.push_back({kInfinity, first.proposals, s.population.effective_size()});
  for (int g = 1; g < options.most_generations; ++g) {
    const auto tolerance = next_tolerance(s.population, s.generations.back().tolerance);
    if (!tolerance) {
      s.ended = CalibrationEnd::settled;
      return s;
    }
    const detail::Proposer proposer(s.population, options.seed,
                                    static_cast<std::uint64_t>(g) * kRunsPerGeneration);
    detail::GenerationRuns next =
        detail::next_generation(proposer, *tolerance, most_proposals, options, pool);
    s.runs += next.proposals;
    if (!next.complete) {
      s.ended = next.interrupted ? CalibrationEnd::interrupted : CalibrationEnd::acceptance_low;
      return s;
    }
    next.population.weigh_against(s.population, proposer.widths());
    s.population = std::move(next.population);
    s.generations.push_back({*tolerance, next.proposals, s.population.effective_size()});
  }
  return s;
}

}  // namespace

std::string_view to_string(CalibrationEnd e) {
  switch (e) {
    case CalibrationEnd::settled:
      return "settled";
    case CalibrationEnd::acceptance_low:
      return "acceptance-low";
    case CalibrationEnd::most_generations:
      return "most-generations";
    case CalibrationEnd::interrupted:
      return "interrupted";
  }
  return "settled";
}

double milestone_distance(const Scenario& scenario, const RunResult& run) {
  double sum = 0;
  for (std::size_t i = 0; i < scenario.observed.size(); ++i) {
    const Milestone& m = scenario.observed[i];
    const std::optional<SimTime>& at = run.observed[i].simulated;
    if (!at)
      return kInfinity;
    const double unit = static_cast<double>(m.within.ms > 0 ? m.within.ms : Duration::hours(1).ms);
    const auto off = static_cast<double>((*at - m.time).ms);
    const double miss = m.timing == MilestoneTiming::at
                            ? std::abs(off)
                            : std::max(0.0, off - static_cast<double>(m.within.ms));
    sum += (miss / unit) * (miss / unit);
  }
  return std::sqrt(sum);
}

Calibration calibrate(const Scenario& scenario, const CalibrationOptions& options) {
  check(scenario, options);
  detail::WorkerPool pool(scenario, options.threads);
  Search s = search(scenario, options, pool);
  Calibration out;
  out.generations = std::move(s.generations);
  out.ended = s.ended;
  out.seed = options.seed;
  out.particles = options.particles;
  out.runs = s.runs;
  if (s.ended == CalibrationEnd::interrupted)
    return out;
  out.parameters = parameter_fits(scenario, s.population);
  detail::MilestoneRecord check_runs;
  if (!detail::posterior_runs(s.population, options, kCheckRunsFrom, pool, check_runs)) {
    out.ended = CalibrationEnd::interrupted;
    return out;
  }
  out.check_runs = options.check_runs;
  out.runs += options.check_runs;
  for (std::size_t m = 0; m < scenario.observed.size(); ++m)
    out.milestones.push_back({s.prior_runs.spread(m), check_runs.spread(m)});
  return out;
}

}  // namespace faultline
