#pragma once
// Streaming statistics over runs. Values are whole numbers (milliseconds,
// users, user-seconds) and every sum is kept exactly, so merging partial
// tallies in any order gives the same result: Monte Carlo output does not
// depend on how runs were spread over threads. Memory does not grow with the
// number of values, only (logarithmically) with the span between the smallest
// and the largest.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace faultline {

__extension__ using Uint128 = unsigned __int128;

struct HistogramBin {
  double from = 0;  // inclusive
  double to = 0;    // exclusive, except for the last bin
  std::uint64_t count = 0;
};

struct Histogram {
  std::vector<HistogramBin> bins;
  std::uint64_t below = 0;  // values under the first bin
  std::uint64_t above = 0;  // values over the last bin
};

struct Summary {
  std::uint64_t count = 0;
  double mean = 0;
  double sd = 0;
  // 95% confidence interval of the mean (Student's t); empty below 2 values.
  std::optional<double> ci_low;
  std::optional<double> ci_high;
  double p10 = 0;
  double p50 = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<HistogramBin> histogram;
};

// Moments' exact state, as a tally file (tally.hpp) keeps it.
struct MomentsState {
  std::uint64_t count = 0;
  Uint128 sum = 0;  // modulo 2^128, as Moments keeps them
  Uint128 sum_of_squares = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
};

// Count, mean and spread of whole numbers, negative ones included, kept as
// exact sums so that merging in any order gives the same result.
class Moments {
 public:
  Moments() = default;
  // Throws std::invalid_argument for a state no values give: min above
  // max, or extremes other than 0 without values.
  explicit Moments(const MomentsState& state);
  MomentsState state() const { return {count_, sum_, sum_of_squares_, min_, max_}; }

  // Inline, as Monte Carlo adds a few hundred values per run.
  void add(std::int64_t value) {
    if (count_ == 0 || value < min_)
      min_ = value;
    if (count_ == 0 || value > max_)
      max_ = value;
    ++count_;
    sum_ += static_cast<Uint128>(value);
    sum_of_squares_ += square(value);
  }
  // The same as adding each in turn.
  void add_all(std::span<const std::int64_t> values);
  // The same as adding 0 `count` times.
  void add_zeros(std::uint64_t count) {
    if (count == 0)
      return;
    min_ = count_ == 0 ? 0 : std::min<std::int64_t>(min_, 0);
    max_ = count_ == 0 ? 0 : std::max<std::int64_t>(max_, 0);
    count_ += count;
  }
  void merge(const Moments& other);

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return min_; }
  std::int64_t max() const { return max_; }
  double mean() const;
  // The sum of the values, rounded once to a double (0 for none).
  double sum() const;
  double standard_deviation() const;
  // Half the width of the 95% confidence interval of the mean (Student's t);
  // empty below 2 values.
  std::optional<double> ci95_half_width() const;
  // Two-sided p-value of Student's t-test that the mean is 0 (for paired
  // differences: that two variants do as well): none below 2 values, which
  // test nothing; without any spread, 0 when the mean is not 0 and 1 when
  // it is.
  std::optional<double> p_value_mean_zero() const;

 private:
  // value^2, exactly: the square of its magnitude, one 64 x 64-bit product
  // where value widened to 128 bits takes three.
  static Uint128 square(std::int64_t value) {
    const auto magnitude = value < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(value)
                                     : static_cast<std::uint64_t>(value);
    return static_cast<Uint128>(magnitude) * magnitude;
  }

  std::uint64_t count_ = 0;
  // Sums modulo 2^128, in two's complement: exact for the mean while the true
  // sum fits, and the spread is recovered exactly from them (see
  // standard_deviation).
  Uint128 sum_ = 0;
  Uint128 sum_of_squares_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
};

// Adds a sum of runs made elsewhere (a worker's, a shard's) to `into`;
// throws std::invalid_argument when the total passes 2^63, which no study
// of this engine's runs reaches but a crafted tally file can.
inline void add_sum(std::int64_t& into, std::int64_t from) {
  if (__builtin_add_overflow(into, from, &into))
    throw std::invalid_argument("a sum over the runs passes 2^63");
}

// Holm's step-down adjustment of p-values tested together (Holm 1979): the
// k-th smallest becomes the largest of (m - j + 1) p_(j) over j <= k, at
// most 1, so that rejecting where the adjusted value is below alpha keeps
// the chance of any false rejection below alpha. In the order given.
std::vector<double> holm_adjusted(std::span<const double> p_values);

// A proportion's 95% confidence interval: Wilson's score interval (Wilson
// 1927) for `successes` of `trials`, which stays within [0, 1] and is not
// empty at 0 or all successes; [0, 1] without trials.
struct ProportionInterval {
  double low = 0;
  double high = 1;
};
ProportionInterval wilson_interval(std::uint64_t successes, std::uint64_t trials);

namespace detail {

// Log-linear buckets: values below 128 each have their own; above, every
// power of two is split into 64 equal buckets.
inline constexpr std::int64_t kExactBelow = 128;
inline constexpr int kSubBucketBits = 6;

inline std::size_t bucket_of(std::int64_t value) {
  if (value < kExactBelow)
    return static_cast<std::size_t>(value);
  const auto v = static_cast<std::uint64_t>(value);
  const int shift = std::bit_width(v) - 1 - kSubBucketBits;
  const std::uint64_t sub = v >> shift;  // in [64, 128)
  return static_cast<std::size_t>(kExactBelow + (shift - 1) * 64 + (sub - 64));
}

}  // namespace detail

// An Accumulator's exact state: its moments and its buckets' counts from
// bucket first_bucket on.
struct AccumulatorState {
  MomentsState moments;
  std::size_t first_bucket = 0;
  std::vector<std::uint64_t> buckets;
};

// Moments of values of 0 or more, with a histogram for quantiles.
class Accumulator {
 public:
  Accumulator() = default;
  // Throws std::invalid_argument for a state no values give: buckets past
  // the last a value can fill, counts that do not add up to the moments'
  // count, or extremes negative or outside the buckets.
  explicit Accumulator(AccumulatorState state);
  AccumulatorState state() const { return {moments_.state(), first_, buckets_}; }

  // value must not be negative.
  void add(std::int64_t value) {
    if (value < 0)
      throw_negative();
    moments_.add(value);
    const std::size_t b = detail::bucket_of(value);
    if (b < first_ || b - first_ >= buckets_.size()) [[unlikely]]
      widen_to(b, b);
    ++buckets_[b - first_];
  }
  // The same as adding each in turn, a block of a study's runs at once;
  // a block with a value below 0 is refused whole.
  void add_all(std::span<const std::int64_t> values);
  // The same as adding 0 `count` times.
  void add_zeros(std::uint64_t count) {
    if (count == 0)
      return;
    moments_.add_zeros(count);
    if (first_ > 0 || buckets_.empty()) [[unlikely]]
      widen_to(0, 0);
    buckets_[0] += count;
  }
  void merge(const Accumulator& other);

  std::uint64_t count() const { return moments_.count(); }
  // The smallest and largest values added, exactly (0 without values).
  std::int64_t min() const { return moments_.min(); }
  std::int64_t max() const { return moments_.max(); }
  double mean() const { return moments_.mean(); }
  double sum() const { return moments_.sum(); }
  double standard_deviation() const { return moments_.standard_deviation(); }
  std::optional<double> ci95_half_width() const { return moments_.ci95_half_width(); }
  // Nearest-rank quantile, exact below 128 and otherwise within 0.8% (the
  // midpoint of a log-linear bucket 1/64 of a power of two wide).
  double quantile(double q) const;
  // The rank-th smallest value (from 1, at most count()), to the same
  // precision.
  double value_at_rank(std::uint64_t rank) const;
  // Equal-width bins over [low, high] (one bin when high <= low). A value is
  // known only to lie within its quantile bucket: each bucket's count is
  // spread evenly over the bins it overlaps, so a bin's count is exact
  // where its edges fall between buckets and an estimate otherwise.
  Histogram histogram(std::int64_t low, std::int64_t high, int bins) const;
  // With a histogram of histogram_bins bins over [min, max].
  Summary summary(int histogram_bins = 20) const;

 private:
  [[noreturn]] static void throw_negative();
  // Makes room for buckets low to high, at either end; never shrinks.
  void widen_to(std::size_t low, std::size_t high);

  Moments moments_;
  // Buckets first_, first_ + 1, ...: only the span between the smallest
  // and largest value seen, so that times clustered hours after T0 take a
  // few hundred counts, not two thousand (an estate of 10^5 services keeps
  // two for each service in each thread).
  std::size_t first_ = 0;
  std::vector<std::uint64_t> buckets_;
};

// When an event (a restoration, a completion, a milestone) happened in each
// run that could see it, and how many ended without it. Percentiles are over
// all those runs, the ones without it counting as +infinity, so a figure
// never comes from the lucky runs alone.
class EventTimes {
 public:
  EventTimes() = default;
  EventTimes(Accumulator happened, std::uint64_t never)
      : happened_(std::move(happened)), never_(never) {}
  void add(std::int64_t at_ms) { happened_.add(at_ms); }
  void add_all(std::span<const std::int64_t> at_ms) { happened_.add_all(at_ms); }
  void add_never(std::uint64_t runs = 1) { never_ += runs; }
  void merge(const EventTimes& other);

  std::uint64_t runs() const { return happened_.count() + never_; }
  std::uint64_t never() const { return never_; }
  // The times of the runs in which it happened.
  const Accumulator& happened() const { return happened_; }
  // Nearest-rank quantile over all runs; nothing when it falls among the
  // runs in which it never happened (or there are no runs).
  std::optional<double> quantile(double q) const;

 private:
  Accumulator happened_;
  std::uint64_t never_ = 0;
};

// EventTimes of a signed value, as a simulated time less an observed one:
// its quantiles are within 0.8% of the value's own size (not of the time
// since T0), and count the runs without it as +infinity.
class SignedTimes {
 public:
  SignedTimes() = default;
  // Throws std::invalid_argument unless `all` counts the values of the
  // two sides.
  SignedTimes(Moments all, Accumulator below_zero, Accumulator from_zero, std::uint64_t never);
  void add(std::int64_t ms) {
    all_.add(ms);
    if (ms < 0)
      below_zero_.add(-ms);
    else
      from_zero_.add(ms);
  }
  void add_never() { ++never_; }
  void merge(const SignedTimes& other);

  std::uint64_t runs() const { return all_.count() + never_; }
  std::uint64_t never() const { return never_; }
  // Nearest-rank quantile over all runs; nothing when it falls among the
  // runs without it (or there are no runs).
  std::optional<double> quantile(double q) const;
  // Over the runs with it; nothing without any.
  std::optional<double> mean() const;
  const Moments& all() const { return all_; }
  // The negative values negated, and the others.
  const Accumulator& below_zero() const { return below_zero_; }
  const Accumulator& from_zero() const { return from_zero_; }

 private:
  Moments all_;
  Accumulator below_zero_;  // each negative value, negated
  Accumulator from_zero_;
  std::uint64_t never_ = 0;
};

}  // namespace faultline
