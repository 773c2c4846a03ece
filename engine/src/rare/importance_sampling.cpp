#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "faultline/rare.hpp"
#include "monte_carlo/parallel_runs.hpp"
#include "rare/draw_sites.hpp"
#include "replay/run.hpp"

namespace faultline {

namespace {

// The cross-entropy method's elite: the top tenth of each level's runs.
constexpr double kEliteShare = 0.1;
// The search's levels draw from runs far past any estimate's, so that no
// run of the estimate was also one the stretches were chosen on.
constexpr std::uint64_t kSearchRunsFrom = std::uint64_t{1} << 40;
constexpr std::uint64_t kSearchRunsPerLevel = std::uint64_t{1} << 32;
constexpr int kRefinements = 2;
// The estimate draws from a defensive mixture: most runs from the stretches
// chosen site by site, the rest from one stretch per kind of draw (what the
// same runs give when every site of a kind must share it). A long outage
// with several separate causes (either of two repair paths overrunning)
// has a site-by-site fit that favours the likelier cause, and would rarely
// draw the other's runs, understating the error; the shared stretch draws
// them all. Weighed against the mixture, each run's weight is at most
// 100/80 of what the site-by-site law alone would give it.
constexpr int kSiteBySitePercent = 80;

// What the search and the estimate keep of a level's runs, by position in
// it; the search alone keeps each run's draws site by site ([run x sites]).
struct LevelRuns {
  std::vector<std::int64_t> event_ms;  // after T0; kNeverMs when it never happened
  // The log likelihood ratio against each component of the plan:
  // [run x components].
  std::size_t components = 0;
  std::vector<double> log_ratios;
  std::size_t sites = 0;
  std::vector<std::uint32_t> draws;
  std::vector<double> surprisal_sums;
  std::vector<std::uint32_t> failures;
  std::uint64_t unplanned = 0;
  bool complete = true;  // false when stopped before its last run
};

struct Worker {
  explicit Worker(std::shared_ptr<const detail::RunTables> tables) : run(std::move(tables)) {}
  detail::Run run;
  RunResult result;
  std::uint64_t unplanned = 0;
};

void keep_run(const RareEvent& event, Worker& worker, std::size_t i, LevelRuns& runs) {
  runs.event_ms[i] = event_ms(event.what, worker.result);
  const detail::StretchedDraws& drawn = worker.run.stretched();
  std::ranges::copy(drawn.log_likelihood_ratios(),
                    runs.log_ratios.begin() + static_cast<std::ptrdiff_t>(i * runs.components));
  worker.unplanned += drawn.unplanned();
  if (runs.sites == 0)
    return;
  const auto row = static_cast<std::ptrdiff_t>(i * runs.sites);
  std::ranges::copy(drawn.draws(), runs.draws.begin() + row);
  std::ranges::copy(drawn.surprisal_sums(), runs.surprisal_sums.begin() + row);
  std::ranges::copy(drawn.failures(), runs.failures.begin() + row);
}

// Runs [first, first + count) drawn under the plan, in run order whatever
// the thread count; with their draws site by site when `by_site`.
LevelRuns sample_runs(const Scenario& scenario, const RareEvent& event,
                      const RareEventOptions& options, std::uint64_t first, std::uint64_t count,
                      const detail::StretchPlan& plan, bool by_site) {
  LevelRuns runs;
  runs.event_ms.resize(count);
  runs.components = plan.components();
  runs.log_ratios.resize(count * runs.components);
  if (by_site) {
    runs.sites = plan.size();
    runs.draws.resize(count * runs.sites);
    runs.surprisal_sums.resize(count * runs.sites);
    runs.failures.resize(count * runs.sites);
  }
  const auto workers = static_cast<std::size_t>(
      std::min<std::uint64_t>(options.threads, (count + detail::kBlock - 1) / detail::kBlock));
  detail::SharedRunTables tables(scenario);
  std::vector<std::unique_ptr<Worker>> pool;
  for (std::size_t w = 0; w < workers; ++w)
    pool.push_back(std::make_unique<Worker>(tables.for_worker()));
  const std::uint64_t made = detail::parallel_runs(
      first, first + count, workers,
      [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
        Worker& worker = *pool[w];
        detail::RunOptions run_options;
        for (std::uint64_t r = from; r < to; ++r) {
          run_options.sampling = detail::RunSampling{options.seed, r, &plan};
          worker.run.execute(run_options, worker.result);
          keep_run(event, worker, r - first, runs);
        }
      },
      options.stop);
  runs.complete = made == first + count;
  for (const auto& worker : pool)
    runs.unplanned += worker->unplanned;
  return runs;
}

// The level of a search step: the time at or past which the elite's runs
// had their event, no later than the threshold.
std::int64_t elite_level(std::vector<std::int64_t> times, std::int64_t threshold) {
  const auto elite = std::max<std::size_t>(
      1, static_cast<std::size_t>(kEliteShare * static_cast<double>(times.size())));
  const auto at = times.end() - static_cast<std::ptrdiff_t>(elite);
  std::nth_element(times.begin(), at, times.end());
  return std::min(*at, threshold);
}

// One site's stretch from its draws in the elite, weighed: for a duration,
// the mean surprisal (in the surprisal's coordinates a stretched duration
// is exponential of mean its stretch, whose best fit is the mean); for an
// outcome failing with probability e^-(a/k), the k giving the share that
// failed. A site the elite never drew keeps the scenario's law.
double site_stretch(const detail::DrawSite& site, double draws, double surprisals,
                    double failures) {
  if (!(draws > 0))
    return 1.0;
  if (site.kind == DrawKind::duration)
    return std::clamp(surprisals / draws, 1.0, kMostStretch);
  const double failed = failures / draws;
  if (!(failed > 0))
    return 1.0;
  if (failed >= 1)
    return kMostStretch;
  return std::clamp(site.failure_surprisal / -std::log(failed), 1.0, kMostStretch);
}

// The log likelihood ratio of run i against the plan's mixture: the
// scenario's law f over sum_c share_c g_c, from each log(f / g_c).
double mixture_log_ratio(const LevelRuns& runs, std::size_t i,
                         const std::vector<double>& log_shares) {
  const auto row = runs.log_ratios.begin() + static_cast<std::ptrdiff_t>(i * runs.components);
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < runs.components; ++c)
    top = std::max(top, log_shares[c] - row[c]);
  double sum = 0;
  for (std::size_t c = 0; c < runs.components; ++c)
    sum += std::exp(log_shares[c] - row[c] - top);
  return -(top + std::log(sum));
}

// What a level's runs at or past its level give the next: a stretch per
// site, and one per kind shared by all its sites.
struct StretchFit {
  std::vector<double> by_site;
  Stretch shared;
};

// The cross-entropy update: the stretches that bring the stretched law
// closest (in Kullback-Leibler divergence) to the law of the runs at or
// past the level, each run weighed by its likelihood ratio (the search
// draws from one component); site by site, and kind by kind with the
// outcomes' a averaged over their draws.
StretchFit next_stretches(const LevelRuns& runs, std::int64_t level,
                          const std::vector<detail::DrawSite>& sites) {
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < runs.event_ms.size(); ++i) {
    if (runs.event_ms[i] >= level)
      top = std::max(top, runs.log_ratios[i]);
  }
  std::vector<double> draws(sites.size());
  std::vector<double> surprisals(sites.size());
  std::vector<double> failures(sites.size());
  for (std::size_t i = 0; i < runs.event_ms.size(); ++i) {
    if (runs.event_ms[i] < level)
      continue;
    const double weight = std::exp(runs.log_ratios[i] - top);  // the common factor cancels
    for (std::size_t s = 0; s < sites.size(); ++s) {
      const std::size_t at = i * runs.sites + s;
      draws[s] += weight * runs.draws[at];
      surprisals[s] += weight * runs.surprisal_sums[at];
      failures[s] += weight * runs.failures[at];
    }
  }
  StretchFit fit;
  std::array<double, 2> kind_draws{};
  std::array<double, 2> kind_sums{};  // surprisals, or a per draw for outcomes
  std::array<double, 2> kind_failures{};
  for (std::size_t s = 0; s < sites.size(); ++s) {
    fit.by_site.push_back(site_stretch(sites[s], draws[s], surprisals[s], failures[s]));
    const auto k = static_cast<std::size_t>(sites[s].kind);
    kind_draws[k] += draws[s];
    kind_sums[k] +=
        sites[s].kind == DrawKind::duration ? surprisals[s] : draws[s] * sites[s].failure_surprisal;
    kind_failures[k] += failures[s];
  }
  const auto outcome = static_cast<std::size_t>(DrawKind::outcome);
  const detail::DrawSite mean_outcome{
      nullptr,
      DrawKind::outcome,
      {},
      kind_draws[outcome] > 0 ? kind_sums[outcome] / kind_draws[outcome] : 0};
  fit.shared = {site_stretch({}, kind_draws[0], kind_sums[0], 0),
                site_stretch(mean_outcome, kind_draws[outcome], 0, kind_failures[outcome])};
  return fit;
}

std::vector<double> each_site(const std::vector<detail::DrawSite>& sites, const Stretch& k) {
  std::vector<double> stretches;
  for (const auto& site : sites)
    stretches.push_back(site.kind == DrawKind::duration ? k.durations : k.outcomes);
  return stretches;
}

std::vector<const void*> parameters(const std::vector<detail::DrawSite>& sites) {
  std::vector<const void*> p;
  for (const auto& site : sites)
    p.push_back(site.parameter);
  return p;
}

Stretch most_of(const std::vector<detail::DrawSite>& sites, const std::vector<double>& stretches) {
  Stretch most;
  for (std::size_t s = 0; s < sites.size(); ++s) {
    double& of_kind = sites[s].kind == DrawKind::duration ? most.durations : most.outcomes;
    of_kind = std::max(of_kind, stretches[s]);
  }
  return most;
}

// Levels of search runs, each drawn at the stretches the last one chose,
// until a level reaches the threshold (or the search stops climbing).
StretchFit search_stretches(const Scenario& scenario, const RareEventOptions& options,
                            const std::vector<detail::DrawSite>& sites,
                            RareEventEstimate& estimate) {
  // The estimate counts the runs past the threshold, so the search's last
  // level does too: it counts from a millisecond past. Counting those at
  // it, at a threshold most runs reach exactly, the search said it had got
  // there while no run of its was past it (point_mass.yaml).
  const std::int64_t later_than = estimate.event.later_than.ms;
  const std::int64_t threshold = later_than + 1;
  StretchFit fit{std::vector<double>(sites.size(), 1.0), Stretch{}};
  std::int64_t highest = -1;
  int stalled = 0;
  int refinements = 0;  // levels in a row at the threshold
  for (int l = 0; l < kMostSearchLevels && stalled < 3; ++l) {
    const detail::StretchPlan plan(parameters(sites), {fit.by_site}, {100});
    const LevelRuns runs =
        sample_runs(scenario, estimate.event, options,
                    kSearchRunsFrom + static_cast<std::uint64_t>(l) * kSearchRunsPerLevel,
                    options.search_runs, plan, true);
    if (!runs.complete) {
      estimate.interrupted = true;
      break;
    }
    estimate.search_runs += options.search_runs;
    const std::int64_t level = elite_level(runs.event_ms, threshold);
    const auto counted = std::ranges::count_if(runs.event_ms, [&](auto t) { return t >= level; });
    estimate.search.push_back({most_of(sites, fit.by_site), Duration{std::min(level, later_than)},
                               level == threshold, static_cast<std::uint64_t>(counted)});
    fit = next_stretches(runs, level, sites);
    estimate.search_reached = level == threshold;
    refinements = estimate.search_reached ? refinements + 1 : 0;
    if (refinements > kRefinements)
      break;
    stalled = level > highest ? 0 : stalled + 1;
    highest = std::max(highest, level);
  }
  return fit;
}

// The weighted share of runs past the threshold, its standard error and
// the hits' effective number. The weights are summed as multiples of the
// largest, so that a product of many draws' ratios cannot overflow a sum;
// the relative error and the effective number do not depend on the scale.
void estimate_probability(const LevelRuns& runs, const detail::StretchPlan& plan,
                          RareEventEstimate& e) {
  // The mixture's shares are those of the runs made, so that the weighed
  // sum is unbiased (the balance heuristic).
  std::vector<double> log_shares(plan.components());
  for (std::uint64_t r = 0; r < runs.event_ms.size(); ++r)
    log_shares[plan.component_of(r)] += 1;
  for (double& share : log_shares)
    share = std::log(share / static_cast<double>(runs.event_ms.size()));
  const std::int64_t threshold = e.event.later_than.ms;
  std::vector<double> log_ratio(runs.event_ms.size());
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < runs.event_ms.size(); ++i) {
    if (runs.event_ms[i] > threshold) {
      log_ratio[i] = mixture_log_ratio(runs, i, log_shares);
      top = std::max(top, log_ratio[i]);
      ++e.hits;
    }
  }
  e.unplanned_draws = runs.unplanned;
  if (e.hits == 0)
    return;
  double sum = 0;
  double squares = 0;
  for (std::size_t i = 0; i < runs.event_ms.size(); ++i) {
    if (runs.event_ms[i] <= threshold)
      continue;
    const double weight = std::exp(log_ratio[i] - top);
    sum += weight;
    squares += weight * weight;
  }
  const auto n = static_cast<double>(runs.event_ms.size());
  const double mean = sum / n;
  const double variance = std::max(0.0, squares / n - mean * mean) * n / std::max(1.0, n - 1);
  e.probability = std::exp(top) * mean;
  e.relative_error = std::sqrt(variance / n) / mean;
  e.low = std::max(0.0, e.probability * (1 - 1.96 * e.relative_error));
  e.high = e.probability * (1 + 1.96 * e.relative_error);
  e.effective_hits = sum * sum / squares;
}

void check_options(const RareEventOptions& options) {
  detail::check_runs_and_threads(options.runs, options.threads);
  if (!options.stretch) {
    detail::check_runs_and_threads(options.search_runs, options.threads);
    return;
  }
  for (const double k : {options.stretch->durations, options.stretch->outcomes}) {
    if (!(k >= 1 && k <= kMostStretch)) {
      throw std::invalid_argument(
          fmt::format("a stretch must be between 1 and {}, found {}", kMostStretch, k));
    }
  }
}

}  // namespace

std::optional<double> RareEventEstimate::plain_runs_for_same_error() const {
  if (hits == 0 || relative_error <= 0 || probability <= 0 || probability >= 1)
    return std::nullopt;
  return (1 - probability) / (probability * relative_error * relative_error);
}

std::optional<double> RareEventEstimate::speedup() const {
  const auto plain = plain_runs_for_same_error();
  if (!plain)
    return std::nullopt;
  return *plain / static_cast<double>(runs + search_runs);
}

RareEventEstimate estimate_rare_event(const Scenario& scenario, const RareEvent& event,
                                      const RareEventOptions& options) {
  check_options(options);
  RareEventEstimate estimate;
  estimate.event = event;
  estimate.seed = options.seed;
  const std::vector<detail::DrawSite> sites = detail::draw_sites(scenario);
  std::vector<std::vector<double>> components;
  std::vector<int> percent;
  if (options.stretch) {
    estimate.shared = *options.stretch;
    components = {each_site(sites, *options.stretch)};
    percent = {100};
  } else {
    const StretchFit fit = search_stretches(scenario, options, sites, estimate);
    if (estimate.interrupted)
      return estimate;
    estimate.shared = fit.shared;
    estimate.site_by_site_percent = kSiteBySitePercent;
    components = {fit.by_site, each_site(sites, fit.shared)};
    percent = {kSiteBySitePercent, 100 - kSiteBySitePercent};
  }
  for (std::size_t s = 0; s < sites.size(); ++s)
    estimate.sites.push_back({sites[s].name, sites[s].kind, components.front()[s]});
  estimate.runs = options.runs;
  const detail::StretchPlan plan(parameters(sites), std::move(components), std::move(percent));
  const LevelRuns runs = sample_runs(scenario, event, options, 0, options.runs, plan, false);
  if (!runs.complete) {
    estimate.interrupted = true;
    return estimate;
  }
  estimate_probability(runs, plan, estimate);
  return estimate;
}

}  // namespace faultline
