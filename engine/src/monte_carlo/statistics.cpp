#include "faultline/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace faultline {

namespace {

struct Range {
  std::int64_t low;
  std::int64_t high;  // inclusive
};

Range range_of(std::size_t bucket) {
  constexpr auto kExactBelow = detail::kExactBelow;
  if (bucket < kExactBelow) {
    const auto v = static_cast<std::int64_t>(bucket);
    return {v, v};
  }
  const auto offset = bucket - kExactBelow;
  const auto shift = static_cast<int>(offset / 64) + 1;
  const auto sub = static_cast<std::int64_t>(offset % 64 + 64);
  // The high end without forming (sub + 1) << shift, which for the last
  // bucket is 2^63.
  return {sub << shift, (sub << shift) + ((std::int64_t{1} << shift) - 1)};
}

long double to_long_double(Uint128 v) {
  return static_cast<long double>(static_cast<std::uint64_t>(v >> 64)) * 0x1.0p64L +
         static_cast<long double>(static_cast<std::uint64_t>(v));
}

}  // namespace

Moments::Moments(const MomentsState& state)
    : count_(state.count),
      sum_(state.sum),
      sum_of_squares_(state.sum_of_squares),
      min_(state.min),
      max_(state.max) {
  if (count_ > 0 && min_ > max_)
    throw std::invalid_argument("the smallest value is above the largest");
  if (count_ == 0 && (min_ != 0 || max_ != 0 || sum_ != 0 || sum_of_squares_ != 0))
    throw std::invalid_argument("there are sums or extremes without values");
}

// In locals: the values could be anywhere, the members among them, so
// adding to the members one value at a time would store and reload them.
void Moments::add_all(std::span<const std::int64_t> values) {
  if (values.empty())
    return;
  std::int64_t low = count_ == 0 ? values[0] : min_;
  std::int64_t high = count_ == 0 ? values[0] : max_;
  Uint128 sum = sum_;
  Uint128 squares = sum_of_squares_;
  for (const std::int64_t value : values) {
    low = std::min(low, value);
    high = std::max(high, value);
    sum += static_cast<Uint128>(value);
    squares += square(value);
  }
  min_ = low;
  max_ = high;
  count_ += values.size();
  sum_ = sum;
  sum_of_squares_ = squares;
}

void Moments::merge(const Moments& other) {
  if (other.count_ == 0)
    return;
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
  sum_of_squares_ += other.sum_of_squares_;
}

// Sums are taken shifted by the minimum, in wrap-around arithmetic:
// D = sum(x - m) and S = sum((x - m)^2) come out exact even where the raw
// sums wrapped or the values are negative, and the variance does not suffer
// the cancellation of sum(x^2) - sum(x)^2 / n.
double Moments::mean() const {
  if (count_ == 0)
    return 0;
  const auto n = static_cast<Uint128>(count_);
  const Uint128 shifted_sum = sum_ - n * static_cast<Uint128>(min_);
  return static_cast<double>(static_cast<long double>(min_) +
                             to_long_double(shifted_sum) / static_cast<long double>(count_));
}

double Moments::sum() const {
  const auto n = static_cast<Uint128>(count_);
  const Uint128 shifted_sum = sum_ - n * static_cast<Uint128>(min_);
  return static_cast<double>(static_cast<long double>(min_) * static_cast<long double>(count_) +
                             to_long_double(shifted_sum));
}

double Moments::standard_deviation() const {
  if (count_ < 2 || min_ == max_)
    return 0;
  const auto n = static_cast<Uint128>(count_);
  const auto m = static_cast<Uint128>(min_);
  const Uint128 shifted_squares = sum_of_squares_ - 2 * m * sum_ + n * m * m;
  const Uint128 shifted_sum = sum_ - n * m;
  const long double s = to_long_double(shifted_squares);
  const long double d = to_long_double(shifted_sum);
  const long double count = static_cast<long double>(count_);
  const long double variance = (s - d * d / count) / (count - 1);
  return variance > 0 ? static_cast<double>(std::sqrt(variance)) : 0.0;
}

namespace {

// Student's t 97.5% quantile with n - 1 degrees of freedom. A study's
// report asks it for every statistic of every service, nearly always with
// the same n (the runs), and boost computes it in long double: at 10^5
// services that was a second and a half, so each thread keeps the last.
double t_quantile_975(std::uint64_t n) {
  thread_local std::uint64_t last_n = 0;
  thread_local double last_quantile = 0;
  if (n != last_n) {
    last_quantile =
        boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), 0.975);
    last_n = n;
  }
  return last_quantile;
}

}  // namespace

std::optional<double> Moments::ci95_half_width() const {
  if (count_ < 2)
    return std::nullopt;
  return t_quantile_975(count_) * standard_deviation() / std::sqrt(static_cast<double>(count_));
}

std::optional<double> Moments::p_value_mean_zero() const {
  if (count_ < 2)
    return std::nullopt;
  const double sd = standard_deviation();
  if (sd == 0)
    return mean() == 0 ? 1.0 : 0.0;
  const double t = mean() / (sd / std::sqrt(static_cast<double>(count_)));
  const boost::math::students_t law(static_cast<double>(count_ - 1));
  return std::min(1.0, 2 * boost::math::cdf(boost::math::complement(law, std::abs(t))));
}

ProportionInterval wilson_interval(std::uint64_t successes, std::uint64_t trials) {
  if (trials == 0)
    return {};
  constexpr double z = 1.959963984540054;  // the normal's 97.5% quantile
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::vector<double> holm_adjusted(std::span<const double> p_values) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m);
  double running = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const double scaled = static_cast<double>(m - k) * p_values[order[k]];
    running = std::max(running, std::min(1.0, scaled));
    adjusted[order[k]] = running;
  }
  return adjusted;
}

Accumulator::Accumulator(AccumulatorState state)
    : moments_(state.moments), first_(state.first_bucket), buckets_(std::move(state.buckets)) {
  const std::size_t past_last = detail::bucket_of(std::numeric_limits<std::int64_t>::max()) + 1;
  if (first_ > past_last || buckets_.size() > past_last - first_)
    throw std::invalid_argument("there are buckets past the last a value can fill");
  Uint128 counted = 0;
  for (const std::uint64_t count : buckets_)
    counted += count;
  if (counted != moments_.count())
    throw std::invalid_argument("the buckets do not count as many values as the moments");
  if (moments_.count() == 0)
    return;
  const auto within = [&](std::int64_t value) {
    return value >= 0 && detail::bucket_of(value) >= first_ &&
           detail::bucket_of(value) - first_ < buckets_.size();
  };
  if (!within(moments_.min()) || !within(moments_.max()))
    throw std::invalid_argument("the extremes are negative or outside the buckets");
}

void Accumulator::throw_negative() {
  throw std::invalid_argument("statistics take values of 0 or more");
}

// The buckets are widened once, to those of the smallest and the largest
// value, before any is counted.
void Accumulator::add_all(std::span<const std::int64_t> values) {
  if (values.empty())
    return;
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  if (*low < 0)
    throw_negative();
  moments_.add_all(values);
  const std::size_t first = detail::bucket_of(*low);
  const std::size_t last = detail::bucket_of(*high);
  if (first < first_ || last - first_ >= buckets_.size())
    widen_to(first, last);
  // Locals, which the counts' stores cannot be taken to change.
  std::uint64_t* const counts = buckets_.data();
  const std::size_t offset = first_;
  for (const std::int64_t value : values)
    ++counts[detail::bucket_of(value) - offset];
}

// To exactly the span, not the double a vector grows to: a new extreme is
// rare (about 2 ln n of n values in random order), and a study of an estate
// of 10^5 services keeps two accumulators per service in each thread, which
// the doubling left up to half empty (600 MB of 1.5 GB in 300 runs at 10^5).
void Accumulator::widen_to(std::size_t low, std::size_t high) {
  if (!buckets_.empty()) {
    low = std::min(low, first_);
    high = std::max(high, first_ + buckets_.size() - 1);
  }
  std::vector<std::uint64_t> wider(high - low + 1, 0);
  if (!buckets_.empty())
    std::copy(buckets_.begin(), buckets_.end(),
              wider.begin() + static_cast<std::ptrdiff_t>(first_ - low));
  buckets_ = std::move(wider);
  first_ = low;
}

void Accumulator::merge(const Accumulator& other) {
  moments_.merge(other.moments_);
  if (other.buckets_.empty())
    return;
  const std::size_t last = other.first_ + other.buckets_.size() - 1;
  if (buckets_.empty() || other.first_ < first_ || last >= first_ + buckets_.size())
    widen_to(other.first_, last);
  for (std::size_t i = 0; i < other.buckets_.size(); ++i)
    buckets_[other.first_ + i - first_] += other.buckets_[i];
}

namespace {

// The nearest rank of quantile q among n values, from 1.
std::uint64_t nearest_rank(double q, std::uint64_t n) {
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n))));
}

}  // namespace

double Accumulator::quantile(double q) const {
  if (moments_.count() == 0)
    return 0;
  return value_at_rank(nearest_rank(q, moments_.count()));
}

double Accumulator::value_at_rank(std::uint64_t rank) const {
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const Range r = range_of(first_ + i);
      const std::int64_t low = std::max(r.low, moments_.min());
      const std::int64_t high = std::min(r.high, moments_.max());
      return (static_cast<double>(low) + static_cast<double>(high)) / 2;
    }
  }
  return static_cast<double>(moments_.max());
}

namespace {

__extension__ using Int128 = __int128;

// How many of the whole numbers lo..hi lie in from..to (both inclusive).
std::uint64_t overlap(std::int64_t lo, std::int64_t hi, Int128 from, Int128 to) {
  const Int128 first = std::max<Int128>(lo, from);
  const Int128 last = std::min<Int128>(hi, to);
  return last < first ? 0 : static_cast<std::uint64_t>(last - first + 1);
}

// The segments a histogram cuts the whole numbers into: below its first
// bin, each bin, above its last. starts[k] is the first value of bin k, and
// starts[bins] the first above the last, high + 1.
class Segments {
 public:
  Segments(std::int64_t low, std::int64_t high, int bins, double width) {
    // A range upside down holds nothing: its one bin is empty.
    const Int128 past_high = std::max<Int128>(Int128{high} + 1, low);
    starts_.push_back(low);
    for (int k = 1; k < bins; ++k) {
      const double edge = std::ceil(static_cast<double>(low) + width * k);
      starts_.push_back(std::clamp<Int128>(static_cast<Int128>(edge), low, past_high));
    }
    starts_.push_back(past_high);
  }
  // Segment s: 0 below, 1 + k bin k, bins() + 1 above.
  std::size_t count() const { return starts_.size() + 1; }
  Int128 first(std::size_t s) const {
    return s == 0 ? std::numeric_limits<std::int64_t>::min() : starts_[s - 1];
  }
  Int128 last(std::size_t s) const {
    return s == count() - 1 ? std::numeric_limits<std::int64_t>::max() : starts_[s] - 1;
  }
  // The segment holding value v.
  std::size_t of(std::int64_t v) const {
    return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), Int128{v}) -
                                    starts_.begin());
  }

 private:
  std::vector<Int128> starts_;
};

// Spreads `count` values, taken to lie evenly over lo..hi, over the
// segments they overlap, in whole counts by largest remainder (ties to
// the lower segment), so that the counts add up to `count` exactly.
// `remainders` is scratch.
void spread(std::uint64_t count, std::int64_t lo, std::int64_t hi, const Segments& segments,
            std::vector<std::uint64_t>& into,
            std::vector<std::pair<Uint128, std::size_t>>& remainders) {
  const std::size_t first = segments.of(lo);
  const std::size_t last = segments.of(hi);
  if (first == last) {
    into[first] += count;
    return;
  }
  const auto values = static_cast<Uint128>(Int128{hi} - lo + 1);
  remainders.clear();
  std::uint64_t given = 0;
  for (std::size_t s = first; s <= last; ++s) {
    const Uint128 share = Uint128{count} * overlap(lo, hi, segments.first(s), segments.last(s));
    into[s] += static_cast<std::uint64_t>(share / values);
    given += static_cast<std::uint64_t>(share / values);
    remainders.emplace_back(share % values, s);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < count; ++i, ++given)
    ++into[remainders[i].second];
}

}  // namespace

Histogram Accumulator::histogram(std::int64_t low, std::int64_t high, int bins) const {
  Histogram h;
  if (high <= low)
    bins = 1;
  const double width = static_cast<double>(high - low) / bins;
  for (int i = 0; i < bins; ++i) {
    h.bins.push_back(
        {static_cast<double>(low) + width * i,
         i + 1 == bins ? static_cast<double>(high) : static_cast<double>(low) + width * (i + 1),
         0});
  }
  // A fine bucket's values are known only to lie within it (and within
  // the values seen): its count is spread over the bins it overlaps. Put
  // whole by its midpoint, a uniform's histogram dipped and spiked by a
  // bucket's worth where the bins' edges cut the buckets unevenly.
  const Segments segments(low, high, bins, width);
  std::vector<std::uint64_t> counts(segments.count(), 0);
  std::vector<std::pair<Uint128, std::size_t>> remainders;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i] == 0)
      continue;
    const Range r = range_of(first_ + i);
    spread(buckets_[i], std::max(r.low, moments_.min()), std::min(r.high, moments_.max()), segments,
           counts, remainders);
  }
  h.below = counts.front();
  h.above = counts.back();
  for (int i = 0; i < bins; ++i)
    h.bins[static_cast<std::size_t>(i)].count = counts[static_cast<std::size_t>(i) + 1];
  return h;
}

Summary Accumulator::summary(int histogram_bins) const {
  Summary s;
  s.count = moments_.count();
  if (moments_.count() == 0)
    return s;
  s.mean = mean();
  s.sd = standard_deviation();
  if (const auto half = ci95_half_width()) {
    s.ci_low = s.mean - *half;
    s.ci_high = s.mean + *half;
  }
  s.p10 = quantile(0.10);
  s.p50 = quantile(0.50);
  s.p90 = quantile(0.90);
  s.p95 = quantile(0.95);
  s.p99 = quantile(0.99);
  s.min = moments_.min();
  s.max = moments_.max();

  s.histogram = histogram(moments_.min(), moments_.max(), histogram_bins).bins;
  return s;
}

void EventTimes::merge(const EventTimes& other) {
  happened_.merge(other.happened_);
  never_ += other.never_;
}

std::optional<double> EventTimes::quantile(double q) const {
  if (runs() == 0)
    return std::nullopt;
  const std::uint64_t rank = nearest_rank(q, runs());
  if (rank > happened_.count())
    return std::nullopt;
  return happened_.value_at_rank(rank);
}

SignedTimes::SignedTimes(Moments all, Accumulator below_zero, Accumulator from_zero,
                         std::uint64_t never)
    : all_(std::move(all)),
      below_zero_(std::move(below_zero)),
      from_zero_(std::move(from_zero)),
      never_(never) {
  if (all_.count() != below_zero_.count() + from_zero_.count())
    throw std::invalid_argument("the values below and from zero do not add up to all of them");
}

void SignedTimes::merge(const SignedTimes& other) {
  all_.merge(other.all_);
  below_zero_.merge(other.below_zero_);
  from_zero_.merge(other.from_zero_);
  never_ += other.never_;
}

// Ranks 1 to n of the negative values are the largest negations first.
std::optional<double> SignedTimes::quantile(double q) const {
  if (runs() == 0)
    return std::nullopt;
  const std::uint64_t rank = nearest_rank(q, runs());
  const std::uint64_t below = below_zero_.count();
  if (rank <= below)
    return -below_zero_.value_at_rank(below - rank + 1);
  if (rank - below > from_zero_.count())
    return std::nullopt;
  return from_zero_.value_at_rank(rank - below);
}

std::optional<double> SignedTimes::mean() const {
  if (all_.count() == 0)
    return std::nullopt;
  return all_.mean();
}

}  // namespace faultline
