// Streaming statistics: exact moments, bounded quantile error, and merges
// that do not depend on order.

#include "faultline/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

TEST(Accumulator, MomentsOfKnownValues) {
  Accumulator a;
  for (const std::int64_t v : {2, 4, 4, 4, 5, 5, 7, 9})
    a.add(v);
  const Summary s = a.summary();
  EXPECT_EQ(s.count, 8U);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  // Sample standard deviation: sqrt(32 / 7).
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(32.0 / 7.0));
  EXPECT_EQ(s.min, 2);
  EXPECT_EQ(s.max, 9);
  // t(0.975, 7) = 2.364624252.
  EXPECT_NEAR(*s.ci_high - s.mean, 2.364624252 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0), 1e-8);
  EXPECT_EQ(s.p50, 4.0);  // nearest rank 4 of 8
}

TEST(Moments, SumIsExactBeforeItsOneRounding) {
  Moments none;
  EXPECT_EQ(none.sum(), 0.0);
  Moments m;
  for (const std::int64_t v : {-3, 10, 4})
    m.add(v);
  EXPECT_EQ(m.sum(), 11.0);
  // 2^62 + 1 three times is 3 x 2^62 + 3, past a double's 53 bits: rounded
  // once it is 3 x 2^62 exactly, where adding in doubles would drift.
  Moments large;
  for (int i = 0; i < 3; ++i)
    large.add((std::int64_t{1} << 62) + 1);
  EXPECT_EQ(large.sum(), 3.0 * 0x1.0p62);
  // A sum of 200 values of 0.1 million each is 2e7, where mean x count in
  // doubles need not be.
  Accumulator a;
  for (int i = 0; i < 200; ++i)
    a.add(100'000);
  EXPECT_EQ(a.sum(), 2e7);
}

TEST(Accumulator, ConstantValuesHaveNoSpreadEvenWhenHuge) {
  Accumulator a;
  for (int i = 0; i < 1000; ++i)
    a.add(4'000'000'000'000'000'000);
  EXPECT_EQ(a.standard_deviation(), 0.0);
  EXPECT_DOUBLE_EQ(a.mean(), 4e18);
}

TEST(Accumulator, SpreadOfLargeValuesIsExactDespiteWrapAround) {
  // Squares of 3e18 overflow 128 bits after a few dozen values; the shifted
  // computation still gives the spread of {x, x + 2}: sd = 1 (n even, sample).
  Accumulator a;
  for (int i = 0; i < 100; ++i)
    a.add(3'000'000'000'000'000'000 + 2 * (i % 2));
  EXPECT_NEAR(a.standard_deviation(), std::sqrt(100.0 / 99.0), 1e-9);
}

TEST(Accumulator, QuantilesAreWithinTheBucketWidth) {
  Accumulator a;
  for (std::int64_t v = 1; v <= 100'000; ++v)
    a.add(v * 1000);
  for (const double q : {0.5, 0.9, 0.95, 0.99}) {
    const double exact = q * 100'000 * 1000;
    EXPECT_NEAR(a.quantile(q), exact, 0.008 * exact) << q;
  }
  // Small values are exact.
  Accumulator small;
  for (std::int64_t v = 0; v < 100; ++v)
    small.add(v);
  EXPECT_EQ(small.quantile(0.9), 89.0);
}

TEST(Accumulator, MergeInAnyOrderGivesTheSameSummary) {
  Accumulator whole;
  Accumulator parts[3];
  for (std::int64_t i = 0; i < 3000; ++i) {
    const std::int64_t v = (i * 7919) % 100'003 * 1'000'003;
    whole.add(v);
    parts[i % 3].add(v);
  }
  Accumulator forward, backward;
  for (int p = 0; p < 3; ++p)
    forward.merge(parts[p]);
  for (int p = 2; p >= 0; --p)
    backward.merge(parts[p]);
  for (const Accumulator* a : {&forward, &backward}) {
    EXPECT_EQ(a->mean(), whole.mean());
    EXPECT_EQ(a->standard_deviation(), whole.standard_deviation());
    EXPECT_EQ(a->quantile(0.95), whole.quantile(0.95));
  }
}

// Buckets are kept only between the smallest and largest value seen, and
// widen at either end: values arriving from the middle outwards, and parts
// whose spans do not meet, merge to what the values in order give. By hand:
// the nearest-rank median of 1..9 hours in ms is 5h, in a bucket 1/64 of
// 2^24 ms wide (262,144 ms), so within 131,072 ms of 18,000,000.
TEST(Accumulator, BucketsWidenAtEitherEnd) {
  constexpr std::int64_t kHour = 3'600'000;
  Accumulator in_order, outwards, low, high;
  for (std::int64_t h = 1; h <= 9; ++h)
    in_order.add(h * kHour);
  for (const std::int64_t h : {5, 4, 6, 3, 7, 2, 8, 1, 9})
    outwards.add(h * kHour);
  for (std::int64_t h = 1; h <= 9; ++h)
    (h <= 3 ? low : high).add(h * kHour);
  Accumulator merged_up = low, merged_down = high;
  merged_up.merge(high);
  merged_down.merge(low);
  for (const Accumulator* a : {&outwards, &merged_up, &merged_down}) {
    for (const double q : {0.1, 0.5, 0.9, 1.0})
      EXPECT_EQ(a->quantile(q), in_order.quantile(q)) << q;
    const Histogram h = a->histogram(0, 10 * kHour, 10);
    const Histogram expected = in_order.histogram(0, 10 * kHour, 10);
    for (std::size_t i = 0; i < h.bins.size(); ++i)
      EXPECT_EQ(h.bins[i].count, expected.bins[i].count) << i;
  }
  EXPECT_NEAR(in_order.quantile(0.5), 5 * kHour, 131'072);
  // The buckets kept, as a tally file stores them, span exactly the values
  // seen however they arrived: widening copies the counts to their places.
  // (What a vector holds in reserve beyond them does not show here.)
  const std::size_t first = detail::bucket_of(kHour);
  const std::size_t span = detail::bucket_of(9 * kHour) - first + 1;
  for (const Accumulator* a : {&in_order, &outwards, &merged_up, &merged_down}) {
    EXPECT_EQ(a->state().first_bucket, first);
    EXPECT_EQ(a->state().buckets.size(), span);
  }
  Accumulator twice = in_order;
  twice.merge(in_order);
  EXPECT_EQ(twice.state().buckets.size(), span) << "a part within the span does not widen it";
  EXPECT_EQ(twice.count(), 18u);
  EXPECT_EQ(twice.quantile(0.5), in_order.quantile(0.5));
  Accumulator empty;
  merged_up.merge(empty);
  EXPECT_EQ(merged_up.quantile(0.5), in_order.quantile(0.5)) << "an empty part changes nothing";
}

TEST(Accumulator, HistogramCountsEveryValue) {
  Accumulator a;
  for (std::int64_t v = 0; v < 1000; ++v)
    a.add(v);
  const Summary s = a.summary(10);
  ASSERT_EQ(s.histogram.size(), 10U);
  std::uint64_t total = 0;
  for (const auto& bin : s.histogram)
    total += bin.count;
  EXPECT_EQ(total, 1000U);
  EXPECT_EQ(s.histogram.front().from, 0.0);
  EXPECT_EQ(s.histogram.back().to, 999.0);
}

// The t-test of -3, -1, 1, 7 (mean 1, standard deviation sqrt(56/3)):
// t = 1 / (sqrt(56/3) / 2) = 0.46291, 3 degrees of freedom. Student's law
// with 3 has the closed form F(x) = 1/2 + (atan(x / sqrt 3) + x / (sqrt 3
// (1 + x^2 / 3))) / pi, so p = 2 (1 - F(t)) = 0.674941157.
TEST(Moments, PValueOfAMeanOfZeroIsStudentsTwoSided) {
  Moments m;
  for (const std::int64_t v : {-3, -1, 1, 7})
    m.add(v);
  EXPECT_NEAR(m.p_value_mean_zero().value_or(-1), 0.674941157, 1e-8);
  Moments one;
  one.add(5);
  EXPECT_FALSE(one.p_value_mean_zero()) << "one value tests nothing";
  Moments same;
  same.add(2);
  same.add(2);
  EXPECT_EQ(same.p_value_mean_zero(), 0.0) << "a difference without spread is certain";
  Moments none;
  none.add(0);
  none.add(0);
  EXPECT_EQ(none.p_value_mean_zero(), 1.0);
}

// The 95% interval's half width is t(0.975, n - 1) sd / sqrt(n), and
// Student's quantile has closed forms for 1 and 2 degrees of freedom:
// tan(0.475 pi) = 12.7062047 (Cauchy's), and 0.95 sqrt(2 / (4 * 0.975 *
// 0.025)) = 4.30265273. 1, 3 (sd sqrt 2) give 12.7062047 sqrt 2 / sqrt 2;
// 1, 2, 3 (sd 1) give 4.30265273 / sqrt 3 = 2.48413771. The quantile is
// kept for the last n asked, so asking in turn checks it is not stale.
TEST(Moments, HalfWidthOfTheConfidenceIntervalIsStudents) {
  Moments two;
  two.add(1);
  two.add(3);
  Moments three;
  for (const std::int64_t v : {1, 2, 3})
    three.add(v);
  EXPECT_NEAR(*three.ci95_half_width(), 2.48413771, 1e-8);
  EXPECT_NEAR(*two.ci95_half_width(), 12.7062047, 1e-7);
  EXPECT_NEAR(*three.ci95_half_width(), 2.48413771, 1e-8);
  Moments one;
  one.add(5);
  EXPECT_FALSE(one.ci95_half_width()) << "one value has no interval";
}

// Holm (1979) by hand: sorted 0.01, 0.03, 0.04 of three are scaled by 3, 2
// and 1 to 0.03, 0.06 and 0.04, and each kept at least the one before:
// 0.03, 0.06, 0.06; a value scaled past 1 stays 1.
TEST(Holm, AdjustsStepDownAndKeepsTheOrderGiven) {
  const std::vector<double> p{0.01, 0.04, 0.03};
  const std::vector<double> adjusted = holm_adjusted(p);
  ASSERT_EQ(adjusted.size(), 3U);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_EQ(holm_adjusted(std::vector<double>{0.6, 0.5}), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(holm_adjusted(std::vector<double>{0.02}), (std::vector<double>{0.02}))
      << "one test is not adjusted";
}

// Paired differences are negative as often as not: -3, -1, 1, 7 have mean 1
// and sample variance (16 + 4 + 0 + 36) / 3.
TEST(Moments, NegativeValuesKeepAnExactMeanAndSpread) {
  Moments m;
  for (const std::int64_t v : {-3, -1, 1, 7})
    m.add(v);
  EXPECT_DOUBLE_EQ(m.mean(), 1.0);
  EXPECT_DOUBLE_EQ(m.standard_deviation(), std::sqrt(56.0 / 3));
  EXPECT_EQ(m.min(), -3);
  EXPECT_EQ(m.max(), 7);
  Moments first, second;
  first.add(-3);
  first.add(7);
  second.add(-1);
  second.add(1);
  second.merge(first);
  EXPECT_DOUBLE_EQ(second.mean(), m.mean());
  EXPECT_DOUBLE_EQ(second.standard_deviation(), m.standard_deviation());
}

// Squares are taken of the values' magnitudes: at the extremes of int64,
// (-2^63)^2 = 2^126 and (2^63 - 1)^2, each exact in the 128-bit sums, one
// at a time and in a block.
TEST(Moments, SquaresOfTheExtremesAreExact) {
  constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();
  const Uint128 squares = (Uint128{1} << 126) + static_cast<Uint128>(highest) * highest + 25;
  Moments one_by_one;
  for (const std::int64_t v : {lowest, highest, std::int64_t{-5}})
    one_by_one.add(v);
  Moments block;
  const std::vector<std::int64_t> values{lowest, highest, -5};
  block.add_all(values);
  for (const Moments& m : {one_by_one, block}) {
    EXPECT_EQ(m.state().sum_of_squares, squares);
    EXPECT_EQ(m.state().sum, static_cast<Uint128>(std::int64_t{-6}));
  }
}

TEST(Accumulator, RejectsNegativeValues) {
  Accumulator a;
  EXPECT_THROW(a.add(-1), std::invalid_argument);
  const std::vector<std::int64_t> some_negative{3, -1, 5};
  EXPECT_THROW(a.add_all(some_negative), std::invalid_argument);
  EXPECT_EQ(a.count(), 0u) << "nothing of a refused block is added";
}

// Blocks added at once, into an accumulator that already holds values on
// either side of them, below them and above them: the state is that of
// adding each value in turn, down to the bucket span. By hand for the
// first block: 7 + 200 + 7 + 1,000,000 = 1,000,214.
TEST(Accumulator, AddingABlockIsAddingEachValueInTurn) {
  const std::vector<std::vector<std::int64_t>> blocks{
      {7, 200, 7, 1'000'000}, {}, {50, 60}, {0, 3}, {5'000'000'000, 9}, {4'000'000'000'000}};
  Accumulator each, at_once;
  for (const auto& block : blocks) {
    for (const std::int64_t v : block)
      each.add(v);
    at_once.add_all(block);
    EXPECT_TRUE(testing::same_state(each, at_once)) << "after " << block.size() << " values";
  }
  Accumulator first;
  first.add_all(blocks[0]);
  EXPECT_DOUBLE_EQ(first.sum(), 1'000'214.0);
  EXPECT_EQ(first.state().moments.min, 7);
  EXPECT_EQ(first.state().buckets[0], 2u) << "the two 7s, bucket 7 of its own";
}

// Zeros counted and added at once, into an empty accumulator, one that
// holds values above 0 only (its buckets start at 7's and must reach down
// to 0's) and one with zeros already: the state is that of adding each 0
// in turn. By hand: 3 zeros, then 7 and 200, then 2 zeros give 5 zeros in
// bucket 0, minimum 0, maximum 200, sum 207 and sum of squares 40,049.
TEST(Accumulator, AddingZerosAtOnceIsAddingEachInTurn) {
  Accumulator each, at_once;
  const auto zeros = [&](std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i)
      each.add(0);
    at_once.add_zeros(n);
    EXPECT_TRUE(testing::same_state(each, at_once)) << "after " << n << " zeros";
  };
  zeros(0);
  zeros(3);
  Accumulator above_zero;
  above_zero.add(7);
  above_zero.add(200);
  each.merge(above_zero);
  at_once.merge(above_zero);
  zeros(2);
  EXPECT_EQ(at_once.count(), 7u);
  EXPECT_EQ(at_once.state().buckets[0], 5u);
  EXPECT_EQ(at_once.min(), 0);
  EXPECT_EQ(at_once.max(), 200);
  EXPECT_EQ(at_once.state().moments.sum_of_squares, Uint128{40'049});
  Accumulator from_seven;
  from_seven.add(7);
  from_seven.add_zeros(1);
  EXPECT_EQ(from_seven.state().first_bucket, 0u) << "the buckets reach down to 0's";
  EXPECT_EQ(from_seven.state().buckets.size(), 8u);
  EXPECT_EQ(from_seven.state().buckets[0], 1u);
  EXPECT_EQ(from_seven.min(), 0);
}

TEST(Accumulator, HistogramOverARangeCountsWhatLiesBeyondIt) {
  Accumulator a;
  for (std::int64_t v = 0; v < 100; ++v)
    a.add(v);
  a.add(10'000);
  const Histogram h = a.histogram(20, 59, 4);
  ASSERT_EQ(h.bins.size(), 4u);
  EXPECT_EQ(h.below, 20u);
  EXPECT_EQ(h.above, 41u);
  for (const HistogramBin& bin : h.bins)
    EXPECT_EQ(bin.count, 10u) << bin.from;
  EXPECT_DOUBLE_EQ(h.bins.back().to, 59);
}

// Found by a helper: a uniform duration's histogram dipped and spiked by
// up to a third. 20,000 values evenly 360 ms apart over [1h, 3h): each of
// 20 bins of 6 minutes holds 1,000 of them. Buckets there are 2^15 to
// 2^17 ms (33 to 131 s) wide and the bins' edges cut them anywhere; spread
// evenly over the bins they overlap, every bin comes within a bucket's
// share of 1,000 (a bucket holds at most 365 values, and only the two at
// a bin's edges are split), here within 1%.
TEST(Accumulator, HistogramOfEvenlySpreadValuesIsFlat) {
  Accumulator a;
  constexpr std::int64_t kHourMs = 3'600'000;
  for (std::int64_t i = 0; i < 20'000; ++i)
    a.add(kHourMs + i * 360);
  const Histogram h = a.histogram(kHourMs, 3 * kHourMs, 20);
  std::uint64_t total = h.below + h.above;
  for (const HistogramBin& bin : h.bins) {
    EXPECT_NEAR(static_cast<double>(bin.count), 1'000, 10) << bin.from;
    total += bin.count;
  }
  EXPECT_EQ(total, 20'000u) << "every value counted once";
  EXPECT_EQ(h.below, 0u);
  EXPECT_EQ(h.above, 0u);
}

// Ten runs: restored at 1..7 hours in seven, never in three. Nearest rank
// over all ten: p10 is rank 1 (1 h), p50 rank 5 (5 h), p70 rank 7 (7 h);
// p80 is rank 8, which falls among the three that never restored. Times
// are within the histogram's 0.8%.
TEST(EventTimes, PercentilesAreOverAllRunsWithNeverAsInfinity) {
  EventTimes t;
  for (int h = 1; h <= 7; ++h)
    t.add(h * 3'600'000);
  for (int i = 0; i < 3; ++i)
    t.add_never();
  EXPECT_EQ(t.runs(), 10U);
  EXPECT_EQ(t.never(), 3U);
  EXPECT_NEAR(t.quantile(0.1).value(), 3'600'000.0, 0.008 * 3'600'000.0);
  EXPECT_NEAR(t.quantile(0.5).value(), 5 * 3'600'000.0, 0.008 * 5 * 3'600'000.0);
  EXPECT_NEAR(t.quantile(0.7).value(), 7 * 3'600'000.0, 0.008 * 7 * 3'600'000.0);
  EXPECT_FALSE(t.quantile(0.8));
  EXPECT_FALSE(t.quantile(0.9));
  EXPECT_NEAR(t.happened().quantile(0.9), 7 * 3'600'000.0, 0.008 * 7 * 3'600'000.0)
      << "over the restored runs alone the 90th percentile looks like a time";
  EventTimes none;
  EXPECT_FALSE(none.quantile(0.5));
  EventTimes merged;
  merged.merge(t);
  merged.merge(t);
  EXPECT_EQ(merged.never(), 6U);
  EXPECT_NEAR(merged.quantile(0.7).value(), 7 * 3'600'000.0, 0.008 * 7 * 3'600'000.0);
  EXPECT_FALSE(merged.quantile(0.71));
}

// Differences of -3, -1, 0, 2 and 5 minutes, then a run without the event:
// ranks 1..6 over the six runs are -3m, -1m, 0, 2m, 5m, never. Each value
// is exact below 128 ms and otherwise within 0.8% of its own size, so a
// difference of a minute days after T0 stays within half a second.
TEST(SignedTimes, QuantilesRunFromTheMostNegativeToNever) {
  constexpr std::int64_t minute = 60'000;
  SignedTimes t;
  for (const std::int64_t m : {2, -1, 5, 0, -3})
    t.add(m * minute);
  t.add_never();
  EXPECT_EQ(t.runs(), 6U);
  EXPECT_EQ(t.never(), 1U);
  const auto near = [&](double q, double minutes) {
    return std::abs(t.quantile(q).value() - minutes * minute) <= 0.008 * std::abs(minutes) * minute;
  };
  EXPECT_TRUE(near(0.1, -3));  // rank 1
  EXPECT_TRUE(near(0.3, -1));  // rank 2
  EXPECT_TRUE(near(0.5, 0));   // rank 3
  EXPECT_TRUE(near(0.6, 2));   // rank 4
  EXPECT_TRUE(near(0.8, 5));   // rank 5
  EXPECT_FALSE(t.quantile(0.9)) << "rank 6 is the run without it";
  EXPECT_DOUBLE_EQ(t.mean().value(), 0.6 * minute) << "over the five runs with it";
  SignedTimes merged;
  merged.merge(t);
  merged.merge(t);
  EXPECT_EQ(merged.runs(), 12U);
  EXPECT_TRUE(std::abs(merged.quantile(0.1).value() + 3 * minute) <= 0.008 * 3 * minute);
  EXPECT_DOUBLE_EQ(merged.mean().value(), 0.6 * minute);
  EXPECT_FALSE(SignedTimes{}.quantile(0.5));
  EXPECT_FALSE(SignedTimes{}.mean());
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
