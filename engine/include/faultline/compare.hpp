#pragma once
// Paired comparison: variants of a scenario (strategies, runbooks, topology
// variants) run on the same random numbers, run i of every variant drawing
// from the streams of (seed, i), so their differences are measured run by
// run and much of the noise cancels.

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/statistics.hpp"

namespace faultline {

struct Variant {
  std::string name;
  std::shared_ptr<const Scenario> scenario;
};

// Run `run` of every variant (its random numbers are streams of (seed,
// run), the same for each): their records, by variant.
struct ComparedRun {
  std::uint64_t run = 0;
  std::vector<RunRecord> variants;
};

struct CompareOptions {
  std::uint64_t runs = 1000;
  // As MonteCarloOptions::first_run: the runs are first_run, first_run + 1,
  // ..., a shard of a study (tally.hpp).
  std::uint64_t first_run = 0;
  unsigned threads = 1;
  std::uint64_t seed = 1;
  // As MonteCarloOptions::stop: the runs made are [0, N), as `runs: N`.
  const std::atomic<bool>* stop = nullptr;
  // As MonteCarloOptions::on_run: each run, in run order, one call at a time.
  std::function<void(const ComparedRun&)> on_run;
  // As MonteCarloOptions::slos, for every variant: each must name a
  // service of every variant's topology.
  std::vector<Slo> slos;
};

enum class ComparedMetric {
  user_seconds_lost,  // active users cut off, over time
  peak_active,        // active users cut off at worst
  restored_ms,        // until all_restored, at most Comparison::restoration_cap
};
inline constexpr std::array kComparedMetrics = {
    ComparedMetric::user_seconds_lost, ComparedMetric::peak_active, ComparedMetric::restored_ms};
std::string_view to_string(ComparedMetric m);

// Variant b against variant a (a listed before b) on one metric, run by
// run: b's value less a's, in the metric's own unit (user-seconds, users,
// milliseconds). Every figure a report shows of a difference is here.
struct PairedDifference {
  std::size_t a = 0;
  std::size_t b = 0;
  ComparedMetric metric = ComparedMetric::user_seconds_lost;
  Moments differences;
  // The mean difference and its 95% confidence interval (Student's t);
  // no interval from fewer than two runs.
  double mean = 0;
  std::optional<double> ci_low;
  std::optional<double> ci_high;
  // The mean difference as a share of a's mean; empty when that is 0.
  std::optional<double> relative;
  // Cohen's d_z: the mean difference over the differences' standard
  // deviation; empty when they do not vary.
  std::optional<double> effect_size;
  // The paired t-test's, two-sided; none from fewer than two runs, which
  // support no test.
  std::optional<double> p_value;
  // Holm-adjusted over every pair of variants, metric by metric: the pair
  // differs significantly when it is below 0.05, which keeps the chance of
  // calling any pair different when none is below 5%.
  std::optional<double> p_holm;
  bool significant = false;
};

// A variant's runs counted over less time than the same run of another
// variant (see unequal_windows): those that ended with users still cut off,
// or before a fault, failure or rollback still to strike, while another
// variant's same run went on. How many ended each way (a run can end both
// ways), when they ended, and the latest end of the other variants' same
// runs, in ms since T0.
struct CountedShort {
  std::uint64_t cut_off = 0;
  std::uint64_t strikes_to_come = 0;
  Moments ended_ms;
  Moments others_ended_ms;
};

struct Comparison {
  std::uint64_t runs = 0;
  std::uint64_t first_run = 0;  // the runs are [first_run, first_run + runs)
  std::uint64_t seed = 0;
  bool interrupted = false;        // stopped before the runs asked for were made
  std::vector<std::string> names;  // by variant
  // Time to full restoration counts a run without it by then as this long:
  // the shortest horizon of the variants (kDefaultHorizon for one without),
  // so that runs never restored in either of a pair differ by nothing,
  // whatever their horizons.
  Duration restoration_cap;
  // metrics[v][m]: variant v's values of metric m, one per run.
  std::vector<std::array<Accumulator, kComparedMetrics.size()>> metrics;
  std::vector<CountedShort> counted_short;  // by variant
  // Every metric in turn, and for each every pair a < b in that order.
  std::vector<PairedDifference> pairs;
  // Each variant's grid from T0 to its horizon (see MonteCarloOptions) and the
  // active users cut off at those times summed over the runs (only the mean is
  // wanted): sample_times[v][i], sampled_active_sum[v][i].
  std::vector<std::vector<SimTime>> sample_times;
  std::vector<std::vector<std::int64_t>> sampled_active_sum;
  // The SLOs judged (CompareOptions::slos) and each variant's budgets:
  // slo_statistics[v][k].
  std::vector<Slo> slos;
  std::vector<std::vector<SloStatistics>> slo_statistics;
};

// Throws std::invalid_argument for fewer than two variants, two of one
// name, options out of range, or an SLO naming a service a variant lacks.
Comparison compare(std::span<const Variant> variants, const CompareOptions& options);

// The comparison of no runs yet, into which merge_comparisons adds the
// tallies of runs made elsewhere (compare's workers, or shards); throws as
// compare does.
Comparison empty_comparison(std::span<const Variant> variants, const CompareOptions& options);
// Adds `from`'s runs to `into`, exactly, and judges the pairs again; both
// of one study.
void merge_comparisons(Comparison& into, const Comparison& from);

// Why the variants' user-hours lost are not counted over the same time, if
// they are not: a run counts to its end, and a variant ended runs with
// users still cut off, or before a fault still to strike, before the same
// runs of another variant did (a horizon of 1h against none halved the
// loss of the same runbook, and ranked it first; one of 1d against 3d
// missed a fault at T0+2d; without horizons, a run cut off goes on to its
// last work when that is past the default horizon). Its ranking and
// differences say nothing then.
std::optional<std::string> unequal_windows(std::span<const Variant> variants,
                                           const Comparison& comparison);

// Variant b against variant a (a < b) on metric m.
const PairedDifference& pair_of(const Comparison& comparison, std::size_t a, std::size_t b,
                                ComparedMetric m);

}  // namespace faultline
