#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "faultline/rare.hpp"
#include "monte_carlo/parallel_runs.hpp"
#include "rare/event_time.hpp"
#include "replay/run.hpp"

namespace faultline {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
// The cross-entropy method's elite: the top tenth of each level's runs.
constexpr double kEliteShare = 0.1;
// The search's levels draw from runs far past any estimate's, so that no
// run of the estimate was also one the stretch was chosen on.
constexpr std::uint64_t kSearchRunsFrom = std::uint64_t{1} << 40;
constexpr std::uint64_t kSearchRunsPerLevel = std::uint64_t{1} << 32;

// What the search and the estimate keep of each run.
struct RunSample {
  std::int64_t event_ms = kNever;  // after T0; kNever when it never happened
  double log_ratio = 0;
  // See StretchedDraws.
  double durations = 0;
  double surprisal_sum = 0;
  double outcomes = 0;
  double failures = 0;
  double failure_surprisal_sum = 0;
};

// Runs [first, first + count) drawn at `stretch`, in run order whatever the
// thread count.
std::vector<RunSample> sample_runs(const Scenario& scenario, const RareEvent& event,
                                   const RareEventOptions& options, std::uint64_t first,
                                   std::uint64_t count, const Stretch& stretch) {
  std::vector<RunSample> samples(count);
  const auto workers = static_cast<std::size_t>(
      std::min<std::uint64_t>(options.threads, (count + detail::kBlock - 1) / detail::kBlock));
  struct Worker {
    explicit Worker(const Scenario& scenario) : run(scenario) {}
    detail::Run run;
    RunResult result;
  };
  std::vector<std::unique_ptr<Worker>> pool;
  for (std::size_t w = 0; w < workers; ++w)
    pool.push_back(std::make_unique<Worker>(scenario));
  detail::parallel_runs(first, first + count, workers,
                        [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
                          Worker& worker = *pool[w];
                          detail::RunOptions run_options;
                          for (std::uint64_t r = from; r < to; ++r) {
                            run_options.sampling = detail::RunSampling{options.seed, r, stretch};
                            worker.run.execute(run_options, worker.result);
                            const auto at = detail::event_time(event, worker.result);
                            RunSample& sample = samples[r - first];
                            sample.event_ms = at ? at->since_t0().ms : kNever;
                            const detail::StretchedDraws& drawn = worker.run.stretched();
                            sample.log_ratio = drawn.log_likelihood_ratio();
                            sample.durations = static_cast<double>(drawn.durations());
                            sample.surprisal_sum = drawn.surprisal_sum();
                            sample.outcomes = static_cast<double>(drawn.outcomes());
                            sample.failures = static_cast<double>(drawn.failures());
                            sample.failure_surprisal_sum = drawn.failure_surprisal_sum();
                          }
                        });
  return samples;
}

// The level of a search step: the time at or past which the elite's runs
// had their event, no later than the threshold.
std::int64_t elite_level(const std::vector<RunSample>& samples, std::int64_t threshold) {
  std::vector<std::int64_t> times;
  times.reserve(samples.size());
  for (const RunSample& s : samples)
    times.push_back(s.event_ms);
  const auto elite = std::max<std::size_t>(
      1, static_cast<std::size_t>(kEliteShare * static_cast<double>(times.size())));
  const auto at = times.end() - static_cast<std::ptrdiff_t>(elite);
  std::nth_element(times.begin(), at, times.end());
  return std::min(*at, threshold);
}

// The cross-entropy update: the stretches that bring the stretched law
// closest (in Kullback-Leibler divergence) to the law of the runs at or
// past the level, each run weighed by its likelihood ratio. In the
// surprisal's coordinates every stretched duration is exponential, of mean
// its stretch: the durations' stretch is their weighted mean surprisal. An
// outcome fails with probability e^-(a/k): with one a for all, k is
// a / -ln(the weighted share failed); with several, the weighted mean a
// stands for them (still unbiased; only the stretch's fit is approximate).
// A kind they never drew keeps the scenario's own law; empty when they
// drew nothing at all.
std::optional<Stretch> next_stretch(const std::vector<RunSample>& samples, std::int64_t level) {
  double top = -std::numeric_limits<double>::infinity();
  for (const RunSample& s : samples) {
    if (s.event_ms >= level)
      top = std::max(top, s.log_ratio);
  }
  RunSample sum;  // weighted sums over the runs at or past the level
  for (const RunSample& s : samples) {
    if (s.event_ms < level)
      continue;
    const double weight = std::exp(s.log_ratio - top);  // the common factor cancels
    sum.durations += weight * s.durations;
    sum.surprisal_sum += weight * s.surprisal_sum;
    sum.outcomes += weight * s.outcomes;
    sum.failures += weight * s.failures;
    sum.failure_surprisal_sum += weight * s.failure_surprisal_sum;
  }
  if (!(sum.durations > 0) && !(sum.outcomes > 0))
    return std::nullopt;
  Stretch next;
  if (sum.durations > 0)
    next.durations = std::clamp(sum.surprisal_sum / sum.durations, 1.0, kMostStretch);
  if (sum.outcomes > 0 && sum.failures > 0) {
    const double failed = sum.failures / sum.outcomes;
    const double a = sum.failure_surprisal_sum / sum.outcomes;
    next.outcomes =
        failed >= 1 ? kMostStretch : std::clamp(a / -std::log(failed), 1.0, kMostStretch);
  }
  return next;
}

// Levels of search runs, each drawn at the stretch the last one chose,
// until a level reaches the threshold (or the search stops climbing).
void search_stretch(const Scenario& scenario, const RareEventOptions& options,
                    RareEventEstimate& estimate) {
  const std::int64_t threshold = estimate.event.later_than.ms;
  std::int64_t highest = -1;
  int stalled = 0;
  estimate.search_reached = false;
  for (int l = 0; l < kMostSearchLevels && stalled < 3; ++l) {
    const auto samples =
        sample_runs(scenario, estimate.event, options,
                    kSearchRunsFrom + static_cast<std::uint64_t>(l) * kSearchRunsPerLevel,
                    options.search_runs, estimate.stretch);
    estimate.search_runs += options.search_runs;
    const std::int64_t level = elite_level(samples, threshold);
    const auto past = std::count_if(samples.begin(), samples.end(),
                                    [&](const RunSample& s) { return s.event_ms >= level; });
    estimate.search.push_back(
        {estimate.stretch, Duration{level}, static_cast<std::uint64_t>(past)});
    const auto stretch = next_stretch(samples, level);
    if (!stretch)
      return;
    estimate.stretch = *stretch;
    if (level == threshold) {
      estimate.search_reached = true;
      return;
    }
    stalled = level > highest ? 0 : stalled + 1;
    highest = std::max(highest, level);
  }
}

// The weighted share of runs past the threshold, its standard error and
// the hits' effective number. The weights are summed as multiples of the
// largest, so that a product of many draws' ratios cannot overflow a sum;
// the relative error and the effective number do not depend on the scale.
void estimate_probability(const std::vector<RunSample>& samples, RareEventEstimate& e) {
  const std::int64_t threshold = e.event.later_than.ms;
  double top = -std::numeric_limits<double>::infinity();
  for (const RunSample& s : samples) {
    if (s.event_ms > threshold) {
      top = std::max(top, s.log_ratio);
      ++e.hits;
    }
  }
  if (e.hits == 0)
    return;
  double sum = 0;
  double squares = 0;
  for (const RunSample& s : samples) {
    if (s.event_ms <= threshold)
      continue;
    const double weight = std::exp(s.log_ratio - top);
    sum += weight;
    squares += weight * weight;
  }
  const auto n = static_cast<double>(samples.size());
  const double mean = sum / n;
  const double variance = std::max(0.0, squares / n - mean * mean) * n / std::max(1.0, n - 1);
  e.probability = std::exp(top) * mean;
  e.relative_error = std::sqrt(variance / n) / mean;
  e.low = std::max(0.0, e.probability * (1 - 1.96 * e.relative_error));
  e.high = e.probability * (1 + 1.96 * e.relative_error);
  e.effective_hits = sum * sum / squares;
}

}  // namespace

double RareEventEstimate::plain_runs_for_same_error() const {
  if (hits == 0 || relative_error <= 0)
    return 0;
  return (1 - probability) / (probability * relative_error * relative_error);
}

double RareEventEstimate::speedup() const {
  return plain_runs_for_same_error() / static_cast<double>(runs + search_runs);
}

RareEventEstimate estimate_rare_event(const Scenario& scenario, const RareEvent& event,
                                      const RareEventOptions& options) {
  detail::check_runs_and_threads(options.runs, options.threads);
  if (!options.stretch)
    detail::check_runs_and_threads(options.search_runs, options.threads);
  if (options.stretch) {
    for (const double k : {options.stretch->durations, options.stretch->outcomes}) {
      if (!(k >= 1 && k <= kMostStretch)) {
        throw std::invalid_argument(
            fmt::format("a stretch must be between 1 and {}, found {}", kMostStretch, k));
      }
    }
  }
  RareEventEstimate estimate;
  estimate.event = event;
  estimate.seed = options.seed;
  if (options.stretch)
    estimate.stretch = *options.stretch;
  else
    search_stretch(scenario, options, estimate);
  estimate.runs = options.runs;
  estimate_probability(sample_runs(scenario, event, options, 0, options.runs, estimate.stretch),
                       estimate);
  return estimate;
}

}  // namespace faultline
