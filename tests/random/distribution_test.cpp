// Distributions: the YAML forms, their medians (what replay uses), and that
// samples follow them; bad parameters are diagnostics with a location.

#include "faultline/distribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "faultline/loader.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::has_error;
using testing::test_path;

std::string fixture(const std::string& name) {
  return test_path("random/fixtures/" + name);
}

const Distribution& duration_of(const Scenario& s, const std::string& id) {
  const auto it =
      std::find_if(s.steps.begin(), s.steps.end(), [&](const Step& step) { return step.id == id; });
  return it->methods[0].duration;
}

// Mean and median of many samples, in hours.
struct SampleFigures {
  double mean;
  double median;
};

SampleFigures sample(const Distribution& d, int n = 200'000) {
  RandomStream random(7, 0, StreamPurpose::step, 0);
  std::vector<double> hours;
  hours.reserve(static_cast<std::size_t>(n));
  double total = 0;
  for (int i = 0; i < n; ++i) {
    hours.push_back(d.sample(random).in_hours());
    total += hours.back();
  }
  std::nth_element(hours.begin(), hours.begin() + n / 2, hours.end());
  return {total / n, hours[static_cast<std::size_t>(n / 2)]};
}

TEST(Distribution, ReadsEveryDocumentedForm) {
  const auto load = load_scenario(fixture("every_distribution.yaml"));
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  const Scenario& s = *load.scenario;
  EXPECT_EQ(duration_of(s, "fixed-short").median(), Duration::minutes(90));
  EXPECT_EQ(duration_of(s, "fixed").median(), Duration::hours(2));
  EXPECT_EQ(duration_of(s, "uniform").median(), Duration::hours(2));
  EXPECT_EQ(duration_of(s, "lognormal").median(), Duration::hours(4));
  // exp(mu) hours.
  EXPECT_NEAR(duration_of(s, "lognormal-mu").median().in_hours(), std::exp(1.0), 1e-6);
  EXPECT_NEAR(duration_of(s, "exponential").median().in_hours(), 3 * std::log(2.0), 1e-6);
  EXPECT_NEAR(duration_of(s, "weibull").median().in_hours(), 10 * std::sqrt(std::log(2.0)), 1e-6);
  EXPECT_EQ(duration_of(s, "empirical").median(), Duration::hours(2));
  // triangular(1, 2, 6): the median lies right of the mode, 6 - sqrt(5 * 4 / 2).
  EXPECT_NEAR(duration_of(s, "triangular").median().in_hours(), 6 - std::sqrt(10.0), 1e-6);

  const Step& retried = s.steps.back();
  EXPECT_EQ(retried.methods[0].success, 0.5);
  EXPECT_EQ(retried.methods[0].retries, 3);
  EXPECT_EQ(retried.methods[0].retry_delay.median(), Duration::minutes(15));
}

TEST(Distribution, SamplesHaveTheDocumentedMeanAndMedian) {
  const auto load = load_scenario(fixture("every_distribution.yaml"));
  ASSERT_TRUE(load.scenario);
  for (const Step& step : load.scenario->steps) {
    const Distribution& duration = step.methods[0].duration;
    const SampleFigures f = sample(duration);
    // 200,000 samples put both within about 1% of the truth.
    EXPECT_NEAR(f.mean, duration.mean().in_hours(), 0.015 * duration.mean().in_hours())
        << step.id << " " << duration.describe();
    EXPECT_NEAR(f.median, duration.median().in_hours(), 0.015 * duration.median().in_hours() + 1e-3)
        << step.id << " " << duration.describe();
  }
}

// Importance sampling draws through the inverse of the upper tail: at a
// surprisal drawn from an exponential of mean 1 it must be the law sample()
// draws from, kind by kind; at ln 2 it is the median, and at 0 the least.
TEST(Distribution, AtSurprisalIsTheSameLaw) {
  const auto load = load_scenario(fixture("every_distribution.yaml"));
  ASSERT_TRUE(load.scenario);
  for (const Step& step : load.scenario->steps) {
    const Distribution& d = step.methods[0].duration;
    RandomStream random(7, 0, StreamPurpose::step, 0);
    constexpr int n = 200'000;
    double total = 0;
    std::vector<double> at_surprisals;
    std::vector<double> samples;
    for (int i = 0; i < n; ++i) {
      at_surprisals.push_back(d.at_surprisal(-std::log1p(-random.uniform())).in_hours());
      samples.push_back(d.sample(random).in_hours());
      total += at_surprisals.back();
    }
    EXPECT_NEAR(total / n, d.mean().in_hours(), 0.015 * d.mean().in_hours()) << d.describe();
    // The tails' shape too: the 10th, 90th and 99th percentiles of both.
    std::sort(at_surprisals.begin(), at_surprisals.end());
    std::sort(samples.begin(), samples.end());
    for (const int q : {10, 90, 99}) {
      const auto at = static_cast<std::size_t>(n / 100 * q);
      EXPECT_NEAR(at_surprisals[at], samples[at], 0.03 * samples[at] + 1e-3)
          << d.describe() << " p" << q;
    }
    if (d.kind() != DistributionKind::empirical) {  // whose median is a sample, not a quantile
      EXPECT_NEAR(d.at_surprisal(std::log(2.0)).in_hours(), d.median().in_hours(), 1e-6)
          << d.describe();
    }
    EXPECT_LE(d.at_surprisal(0), d.at_surprisal(1)) << d.describe();
    EXPECT_LE(d.at_surprisal(1), d.at_surprisal(40)) << d.describe();
  }
  // Closed forms: an exponential's surprisal times its mean, a Weibull's
  // scale times its 1/shape-th power; past where e^-s underflows.
  EXPECT_EQ(Distribution::exponential(Duration::hours(3)).at_surprisal(2), Duration::hours(6));
  EXPECT_EQ(Distribution::weibull(2, Duration::hours(10)).at_surprisal(4), Duration::hours(20));
  EXPECT_EQ(Distribution::exponential(Duration::seconds(1)).at_surprisal(1000),
            Duration::seconds(1000));
  EXPECT_EQ(Distribution::uniform(Duration::hours(1), Duration::hours(3)).at_surprisal(1000),
            Duration::hours(3));
}

TEST(Distribution, TruncatedNormalNeverGoesNegative) {
  const Distribution d = Distribution::normal(Duration::hours(1), Duration::hours(2));
  RandomStream random(1, 0, StreamPurpose::step, 0);
  for (int i = 0; i < 10'000; ++i)
    ASSERT_GE(d.sample(random).ms, 0);
  // Truncation moves the mean above the untruncated one.
  EXPECT_GT(d.mean(), Duration::hours(1));
}

TEST(Distribution, PertMedianLiesBetweenModeAndMean) {
  const Distribution d =
      Distribution::pert(Duration::hours(1), Duration::hours(2), Duration::hours(9));
  EXPECT_EQ(d.mean(), Duration::hours(3));  // (1 + 4 * 2 + 9) / 6
  EXPECT_GT(d.median(), Duration::hours(2));
  EXPECT_LT(d.median(), Duration::hours(3));
}

TEST(Distribution, StreamsDependOnSeedRunAndPurposeOnly) {
  RandomStream a(1, 5, StreamPurpose::step, 3);
  RandomStream b(1, 5, StreamPurpose::step, 3);
  RandomStream other_run(1, 6, StreamPurpose::step, 3);
  RandomStream other_step(1, 5, StreamPurpose::step, 4);
  RandomStream other_purpose(1, 5, StreamPurpose::failure, 3);
  const auto first = a();
  EXPECT_EQ(first, b());
  EXPECT_NE(first, other_run());
  EXPECT_NE(first, other_step());
  EXPECT_NE(first, other_purpose());
}

// A run's streams open when first drawn from, and each starts where the
// stream (seed, run, purpose, subject) starts, however late it opens; the
// next run's open() starts every subject afresh.
TEST(RandomStreams, EachOpensAsItsOwnStreamWhenFirstDrawnFrom) {
  RandomStreams streams;
  streams.open(1, 5, StreamPurpose::failover, 10);
  RandomStream expected(1, 5, StreamPurpose::failover, 7);
  EXPECT_EQ(streams[7](), expected());
  EXPECT_EQ(streams[7](), expected()) << "drawing on, not opening again";
  EXPECT_EQ(streams[2](), RandomStream(1, 5, StreamPurpose::failover, 2)());

  streams.open(1, 6, StreamPurpose::failover, 10);
  RandomStream next_run(1, 6, StreamPurpose::failover, 7);
  EXPECT_EQ(streams[7](), next_run());
  streams.open(1, 6, StreamPurpose::failover, 10);
  EXPECT_EQ(streams[7](), RandomStream(1, 6, StreamPurpose::failover, 7)()) << "the same run again";

  streams.open(2, 0, StreamPurpose::restart, 20);
  EXPECT_EQ(streams[19](), RandomStream(2, 0, StreamPurpose::restart, 19)());
  EXPECT_EQ(streams[7](), RandomStream(2, 0, StreamPurpose::restart, 7)());
}

TEST(Distribution, BadParametersAreDiagnosticsWithTheirLocation) {
  const auto load = load_scenario(fixture("bad_distributions.yaml"));
  EXPECT_FALSE(load.scenario);
  const auto& d = load.diagnostics;
  EXPECT_TRUE(has_error(d, 6, 52, "unknown distribution 'lognormel' (did you mean 'lognormal'?)"));
  EXPECT_TRUE(has_error(d, 7, 37, "needs median and p95, or mu and sigma; 'p95' is missing"));
  EXPECT_TRUE(has_error(d, 8, 37, "the median (4h) must be below p95 (2h)"));
  EXPECT_TRUE(has_error(d, 9, 85, "'mode' does not apply to a uniform distribution"));
  EXPECT_TRUE(has_error(d, 10, 68, "shape of duration of step 'e' must be a number"));
  EXPECT_TRUE(has_error(d, 11, 37, "mode (5h) must lie between min (1h) and max (2h)"));
  EXPECT_TRUE(has_error(d, 12, 37, "must be a duration (90m) or a distribution"));
  EXPECT_TRUE(has_error(d, 13, 50, "success probability of step 'h' is 0"));
  EXPECT_TRUE(has_error(d, 14, 37, "needs at least one sample"));
  EXPECT_EQ(d.error_count(), 9U);
}

// every_distribution.yaml's laws, by their closed forms: the uniform's
// (3h - 2h30m) / 2h, the triangular's (max - x)^2 / ((max - min)(max -
// mode)) above its mode, the truncated normal's 1/2 / Phi(4) at its mean,
// the lognormal's 1/2 and 5% at its median and p95, the exponential's and
// the Weibull's e^-1 at their mean and scale, the empirical's 1 of 3.
TEST(Distribution, ProbabilityBeyondIsTheUpperTail) {
  const auto load = load_scenario(fixture("every_distribution.yaml"));
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  const Scenario& s = *load.scenario;
  const auto beyond = [&](const std::string& id, Duration d) {
    return duration_of(s, id).probability_beyond(d);
  };
  EXPECT_EQ(beyond("fixed", Duration::hours(2)), 0);
  EXPECT_EQ(beyond("fixed", Duration::minutes(119)), 1);
  EXPECT_DOUBLE_EQ(beyond("uniform", Duration::minutes(150)), 0.25);
  EXPECT_DOUBLE_EQ(beyond("triangular", Duration::hours(2)), 0.8);
  EXPECT_DOUBLE_EQ(beyond("triangular", Duration::hours(4)), 0.2);
  EXPECT_NEAR(beyond("normal", Duration::hours(4)), 0.5000158361, 1e-9);
  EXPECT_NEAR(beyond("lognormal", Duration::hours(4)), 0.5, 1e-12);
  EXPECT_NEAR(beyond("lognormal", Duration::hours(12)), 0.05, 1e-12);
  EXPECT_NEAR(beyond("exponential", Duration::hours(3)), std::exp(-1.0), 1e-12);
  EXPECT_NEAR(beyond("weibull", Duration::hours(20)), std::exp(-4.0), 1e-12);
  EXPECT_NEAR(beyond("empirical", Duration::hours(2)), 1.0 / 3, 1e-12);
  // The inverse of at_surprisal, whose quantiles are another of Boost's
  // functions: e^-2 beyond the draw of surprisal 2, within its rounding to
  // the millisecond.
  for (const char* id : {"normal", "lognormal", "exponential", "weibull", "pert", "triangular"}) {
    SCOPED_TRACE(id);
    EXPECT_NEAR(beyond(id, duration_of(s, id).at_surprisal(2)), std::exp(-2.0), 1e-6);
  }
}

// beyond_the_bound.yaml, worked in its comments.
TEST(Distribution, ALawLikelyToReachTheLongestDurationIsWarnedOf) {
  const auto load = load_scenario(fixture("beyond_the_bound.yaml"));
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  EXPECT_TRUE(testing::has_diagnostic(
      load.diagnostics, Severity::warning, 15, 56,
      "duration of step 'fix' (lognormal(median 4h, sigma 8.09)) draws more than 365000d, the "
      "longest a duration can be, with probability 0.036; such draws are cut to 365000d, which a "
      "run without a horizon shows"))
      << load.diagnostics.to_text();
  EXPECT_EQ(load.diagnostics.all().size(), 1u) << load.diagnostics.to_text();
  EXPECT_NEAR(duration_of(*load.scenario, "fix").probability_beyond(kLongestDuration), 0.0355436,
              1e-6);
  // With a horizon the run ends first, and the cut never shows.
  const auto with_horizon = load_scenario(fixture("beyond_the_horizon.yaml"));
  ASSERT_TRUE(with_horizon.scenario) << with_horizon.diagnostics.to_text();
  EXPECT_TRUE(with_horizon.diagnostics.all().empty()) << with_horizon.diagnostics.to_text();
}

TEST(FailureModels, BadFailureModelsAndQuorumsAreDiagnostics) {
  const auto load = load_topology(fixture("bad_failures.yaml"));
  EXPECT_FALSE(load.topology);
  const auto& d = load.diagnostics;
  EXPECT_TRUE(has_error(d, 9, 31, "missing the required key 'time_to_repair'"));
  EXPECT_TRUE(has_error(d, 6, 13, "quorum of service 'app' must be between 1 and 2, found 3"));
  EXPECT_TRUE(has_error(d, 12, 13, "'quorum' applies only to k-of-n services"));
}

TEST(FailureModels, NeedAHorizon) {
  const auto load = load_scenario(fixture("failures_without_horizon.yaml"));
  EXPECT_FALSE(load.scenario);
  EXPECT_TRUE(has_error(load.diagnostics, 1, 1, "give the scenario a 'horizon'"));
}

// The draws of the distributions whose transforms are not ours (normal,
// lognormal, PERT through gamma, empirical through a uniform integer) come
// from Boost.Random, whose algorithms are the same everywhere, so a seed
// gives the same milliseconds under any standard library. These values are
// what that gives for one stream; they change only if the draws do.
TEST(Distribution, TheSameSeedGivesTheSameDrawsOnEveryStandardLibrary) {
  const Duration hour = Duration::hours(1);
  const std::vector<Distribution> shapes = {
      Distribution::normal(hour * 2, hour / 2),
      Distribution::lognormal_from_median_p95(hour, hour * 3),
      Distribution::pert(hour, hour * 2, hour * 6),
      Distribution::empirical({hour, hour * 2, hour * 3, hour * 4, hour * 5})};
  RandomStream random(42, 0, StreamPurpose::step, 0);
  std::vector<std::int64_t> drawn;
  for (const Distribution& d : shapes) {
    for (int i = 0; i < 3; ++i)
      drawn.push_back(d.sample(random).ms);
  }
  const std::vector<std::int64_t> expected = {
      5'730'234,  7'681'731, 9'978'650,    // normal, mean 2h, sd 30m
      1'507'732,  2'725'381, 1'295'575,    // lognormal, median 1h, p95 3h
      7'850'660,  6'370'401, 6'260'599,    // PERT 1h, 2h, 6h
      14'400'000, 7'200'000, 10'800'000};  // one of 1h .. 5h
  EXPECT_EQ(drawn, expected);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
