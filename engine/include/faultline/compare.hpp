#pragma once
// Paired comparison: variants of a scenario (strategies, runbooks, topology
// variants) run on the same random numbers, run i of every variant drawing
// from the streams of (seed, i), so their differences are measured run by
// run and much of the noise cancels.

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/statistics.hpp"

namespace faultline {

struct Variant {
  std::string name;
  std::shared_ptr<const Scenario> scenario;
};

struct CompareOptions {
  std::uint64_t runs = 1000;
  unsigned threads = 1;
  std::uint64_t seed = 1;
  // As MonteCarloOptions::stop: the runs made are [0, N), as `runs: N`.
  const std::atomic<bool>* stop = nullptr;
};

enum class ComparedMetric {
  user_seconds_lost,  // active users cut off, over time
  peak_active,        // active users cut off at worst
  restored_ms,        // until all_restored: every service serves everyone (or the end)
};
inline constexpr std::array kComparedMetrics = {
    ComparedMetric::user_seconds_lost, ComparedMetric::peak_active, ComparedMetric::restored_ms};
std::string_view to_string(ComparedMetric m);

struct Comparison {
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  bool interrupted = false;        // stopped before the runs asked for were made
  std::vector<std::string> names;  // by variant
  // metrics[v][m]: variant v's values of metric m, one per run.
  std::vector<std::array<Accumulator, kComparedMetrics.size()>> metrics;
  // differences[v][m]: variant v minus variant 0, run by run; zero for v = 0.
  std::vector<std::array<Moments, kComparedMetrics.size()>> differences;
  // Each variant's grid from T0 to its horizon (see MonteCarloOptions) and the
  // active users cut off at those times summed over the runs (only the mean is
  // wanted): sample_times[v][i], sampled_active_sum[v][i].
  std::vector<std::vector<SimTime>> sample_times;
  std::vector<std::vector<std::int64_t>> sampled_active_sum;
};

// Throws std::invalid_argument for fewer than two variants or options out of
// range.
Comparison compare(std::span<const Variant> variants, const CompareOptions& options);

}  // namespace faultline
