#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "calibrate/abc_smc.hpp"
#include "calibrate/parameters.hpp"
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
// The 95% point of the standard normal: a prior's 90% interval in z.
constexpr double kZ95 = 1.6448536269514722;

// A distance of 1 is a miss of one tolerance at one milestone: each
// observed time is taken as known to within its tolerance, so the
// tolerance comes down to 1 and no further. With one milestone, ABC at that
// tolerance is exact inference for an observation that may be off by as
// much either way (Wilkinson, 2013).
constexpr double kLeastTolerance = 1.0;

// The tolerance of the generation after `last`, made with `tolerance`:
// the quantile of its distances, or when that is no smaller (distances
// that take few values, as whole attempts do) the largest below it; at
// least kLeastTolerance. Nothing when no particle is closer than the
// tolerance: no generation can do better.
std::optional<double> next_tolerance(const detail::Population& last, double tolerance) {
  std::vector<double> d = last.distance;
  std::ranges::sort(d);
  const auto at = static_cast<std::size_t>(kKeptQuantile * static_cast<double>(d.size() - 1));
  if (d[at] < tolerance)
    return std::max(d[at], kLeastTolerance);
  const auto below = std::ranges::lower_bound(d, tolerance);
  if (below == d.begin())
    return std::nullopt;
  return std::max(*(below - 1), kLeastTolerance);
}

// Whether every particle that counts is within kLeastTolerance: the last
// generation's tolerance was, or the runs met the observations outright.
bool all_within_least_tolerance(const detail::Population& population) {
  for (std::size_t i = 0; i < population.size(); ++i) {
    if (population.weight[i] > 0 && !(population.distance[i] <= kLeastTolerance))
      return false;
  }
  return true;
}

// No run drawn agrees with the evidence at all: each missed an observed
// milestone's event, or had an event asked for as still ahead happen by
// the time of the forecast. Says which can be, and what to check (found
// by a helper: a forecast with no milestones was told to check them).
[[noreturn]] void refuse_disagreeing_runs(const detail::Evidence& evidence, std::size_t particles,
                                          const Scenario& scenario) {
  std::vector<std::string> why;
  std::vector<std::string> check;
  if (!evidence.milestones.empty()) {
    why.emplace_back("an observed milestone's event never happened");
    check.emplace_back("check the milestones");
  }
  if (evidence.now && std::ranges::count(evidence.ahead, 1) > 0) {
    why.emplace_back("an event asked for as still ahead had already happened by then");
    check.emplace_back("check the events asked for");
  }
  if (!scenario.unknowns.empty())
    check.emplace_back("widen the priors");
  throw std::invalid_argument(
      fmt::format("no run of the {} drawn{} agrees with what was known: in each, {}; {}", particles,
                  scenario.unknowns.empty() ? "" : " from the priors", fmt::join(why, ", or "),
                  fmt::join(check, ", or ")));
}

Spread prior_spread(const UnknownParameter& p) {
  return {detail::value_at(p, -kZ95), detail::value_at(p, 0.0), detail::value_at(p, kZ95)};
}

// The posterior median as written into a scenario: a probability as
// written_probability says, a duration to the second (to the millisecond
// below a minute).
double as_written(const UnknownParameter& p, double median) {
  if (p.kind == UnknownKind::success)
    return detail::written_probability(median, p.low, p.high);
  const double unit = median >= 60'000 ? 1000 : 1;
  return std::max(1.0, std::round(median / unit) * unit);
}

}  // namespace

namespace detail {

// A probability as written into a scenario: to three significant digits
// of its distance from 0 or 1, whichever is nearer, and to as many more
// as keep it within the prior [low, high] and short of 1 (found by a
// helper: three decimals wrote 0.000616 as 0.001, past a prior up to
// 0.0009, and 0.99951 as 1, a step that never fails).
double written_probability(double median, double low, double high) {
  const double p = std::clamp(median, low, high);
  const double nearer = std::min(p, 1 - p);
  int decimals = nearer > 0 ? 2 - static_cast<int>(std::floor(std::log10(nearer))) : 3;
  for (; decimals <= 17; ++decimals) {
    const double scale = std::pow(10.0, decimals);
    const double written = std::round(p * scale) / scale;
    if (written >= low && written <= high && written > 0 && (written < 1 || p == 1))
      return written;
  }
  return p;
}

void check_options(const Scenario& scenario, const CalibrationOptions& options) {
  if (scenario.strategy == StrategyKind::optimize) {
    throw std::invalid_argument(
        "the optimize strategy is found by a search, not run: find it first (simulate "
        "--strategy optimize prints it) and write it in as the priority strategy");
  }
  if (options.particles < 10 || options.particles > 20'000) {
    throw std::invalid_argument(
        fmt::format("particles must be between 10 and 20000, found {}", options.particles));
  }
  if (options.most_generations < 1 || options.most_generations > 100) {
    throw std::invalid_argument(
        fmt::format("generations must be between 1 and 100, found {}", options.most_generations));
  }
  detail::check_runs_and_threads(1, options.threads);
}

std::vector<ParameterFit> parameter_fits(const Scenario& scenario, const Population& final) {
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

// A first generation from the priors, then each from the last, moved by a
// normal kernel, with a tolerance shrinking to the median of the last's
// distances, until it settles, costs too much, or the generations run out.
SmcResult abc_smc(const Evidence& evidence, const CalibrationOptions& options, WorkerPool& pool) {
  SmcResult s;
  const std::uint64_t most_proposals = static_cast<std::uint64_t>(
      std::ceil(static_cast<double>(options.particles) / kLeastAcceptance));
  GenerationRuns first = first_generation(evidence, options, pool, s.prior_runs);
  s.runs += first.runs;
  if (!first.complete) {
    s.ended = CalibrationEnd::interrupted;
    return s;
  }
  s.population = std::move(first.population);
  if (std::ranges::none_of(s.population.distance, [](double d) { return std::isfinite(d); }))
    refuse_disagreeing_runs(evidence, options.particles, pool[0].scenario());
  s.population.drop_infinitely_far();
  s.generations.push_back(
      {kInfinity, first.proposals, s.population.effective_size(), s.population.farthest()});
  for (int g = 1; g < options.most_generations; ++g) {
    if (all_within_least_tolerance(s.population)) {
      s.ended = CalibrationEnd::within_tolerance;
      return s;
    }
    const auto tolerance = next_tolerance(s.population, s.generations.back().tolerance);
    if (!tolerance) {
      s.ended = CalibrationEnd::settled;
      return s;
    }
    const Proposer proposer(s.population, options.seed,
                            static_cast<std::uint64_t>(g) * kRunsPerGeneration);
    GenerationRuns next =
        next_generation(proposer, evidence, *tolerance, most_proposals, options, pool);
    s.runs += next.runs;
    if (!next.complete) {
      s.ended = next.interrupted ? CalibrationEnd::interrupted : CalibrationEnd::acceptance_low;
      return s;
    }
    next.population.weigh_against(s.population, proposer.widths());
    s.population = std::move(next.population);
    s.generations.push_back(
        {*tolerance, next.proposals, s.population.effective_size(), s.population.farthest()});
  }
  s.ended = all_within_least_tolerance(s.population) ? CalibrationEnd::within_tolerance
                                                     : CalibrationEnd::most_generations;
  return s;
}

}  // namespace detail

std::string_view to_string(CalibrationEnd e) {
  switch (e) {
    case CalibrationEnd::within_tolerance:
      return "within-tolerance";
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

bool thin_sample(std::span<const CalibrationGeneration> generations, std::size_t particles) {
  if (generations.empty())
    return false;
  const double effective = generations.back().effective_particles;
  return effective < 5 || effective < 0.1 * static_cast<double>(particles);
}

double milestone_distance(const Scenario& scenario, const RunResult& run) {
  return detail::distance(scenario, detail::Evidence::every_milestone(scenario), run);
}

Calibration calibrate(const Scenario& scenario, const CalibrationOptions& options) {
  if (scenario.unknowns.empty()) {
    throw std::invalid_argument(
        "the scenario marks no parameter unknown: give a step or method an 'unknown' entry, "
        "such as unknown: {median: {distribution: uniform, min: 2h, max: 12h}}");
  }
  if (scenario.observed.empty()) {
    throw std::invalid_argument(
        "the scenario observes no milestone to fit to: list what happened under 'observed'");
  }
  detail::check_options(scenario, options);
  detail::check_runs_and_threads(options.check_runs, options.threads);
  detail::WorkerPool pool(scenario, options.threads);
  detail::SmcResult s = detail::abc_smc(detail::Evidence::every_milestone(scenario), options, pool);
  Calibration out;
  out.generations = std::move(s.generations);
  out.ended = s.ended;
  out.seed = options.seed;
  out.particles = options.particles;
  out.runs = s.runs;
  if (s.ended == CalibrationEnd::interrupted)
    return out;
  out.parameters = detail::parameter_fits(scenario, s.population);
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
