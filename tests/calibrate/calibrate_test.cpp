// calibrate against posteriors worked out by hand (each fixture's comments),
// and against parameters hidden from it in synthetic observations.

#include "faultline/calibrate.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "calibrate/abc_smc.hpp"
#include "calibrate/parameters.hpp"
#include "faultline/loader.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "replay/run.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::has_error;
using testing::scenario_fixture;
using testing::test_path;

constexpr double kHour = 3'600'000;
constexpr double kMinute = 60'000;

CalibrationOptions options_with(std::size_t particles, std::uint64_t seed = 1) {
  CalibrationOptions options;
  options.particles = particles;
  options.check_runs = 500;
  options.seed = seed;
  return options;
}

// The fitted scenario calibrate writes for tests/<fixture>, as loaded back
// from a file in another folder.
ScenarioLoad fitted_and_loaded(const std::string& fixture, const Scenario& scenario,
                               const Calibration& c) {
  const std::string source = test_path(fixture);
  std::ifstream in(source);
  std::stringstream text;
  text << in.rdbuf();
  const auto destination = std::filesystem::temp_directory_path() / "faultline_fitted" /
                           std::filesystem::path(fixture).filename();
  std::filesystem::create_directories(destination.parent_path());
  std::ofstream(destination) << fitted_scenario_yaml(scenario, c, text.str(), source,
                                                     destination.string());
  return load_scenario(destination.string());
}

TEST(Calibrate, AFixedDurationIsFoundWithinItsObservationsTolerance) {
  const auto scenario = scenario_fixture("calibrate/fixtures/fixed.yaml");
  const Calibration c = calibrate(*scenario, options_with(400));
  ASSERT_EQ(c.parameters.size(), 1u);
  EXPECT_EQ(c.ended, CalibrationEnd::within_tolerance);
  EXPECT_EQ(c.generations.back().tolerance, 1.0);
  const Spread& p = c.parameters[0].posterior;
  // Uniform on [5h, 7h] (fixed.yaml), to within the sampling error of 400
  // particles (about 3 minutes at the median).
  EXPECT_NEAR(p.median, 6 * kHour, 10 * kMinute);
  EXPECT_NEAR(p.low, 5.1 * kHour, 6 * kMinute);
  EXPECT_NEAR(p.high, 6.9 * kHour, 6 * kMinute);
  EXPECT_EQ(c.parameters[0].fitted, std::round(p.median / 1000) * 1000);
  // The prior's 5%, 50% and 95% points: 2h + 8h x (0.05, 0.5, 0.95).
  EXPECT_NEAR(c.parameters[0].prior.low, 2.4 * kHour, 1);
  EXPECT_NEAR(c.parameters[0].prior.median, 6 * kHour, 1);
  EXPECT_NEAR(c.parameters[0].prior.high, 9.6 * kHour, 1);
  // After fitting, every check run completes within the milestone's hour.
  EXPECT_EQ(c.milestones[0].after.met, 1.0);
  EXPECT_LT(c.milestones[0].before.met, 0.5);
}

TEST(Calibrate, ASuccessProbabilityHasTheExactBetaPosterior) {
  const auto scenario = scenario_fixture("calibrate/fixtures/attempts.yaml");
  const Calibration c = calibrate(*scenario, options_with(2000));
  ASSERT_EQ(c.parameters.size(), 1u);
  EXPECT_LT(c.generations.back().tolerance, 2.0);
  const Spread& p = c.parameters[0].posterior;
  // Beta(2, 3) cut to [0.1, 0.9] (attempts.yaml): 0.142, 0.400, 0.750. The
  // sampling error of a quantile of ~1,000 effective particles is about 0.015.
  EXPECT_NEAR(p.median, 0.400, 0.045);
  EXPECT_NEAR(p.low, 0.142, 0.045);
  EXPECT_NEAR(p.high, 0.750, 0.045);
  EXPECT_EQ(c.parameters[0].fitted, std::round(p.median * 1000) / 1000);
  // Uniform prior on [0.1, 0.9].
  EXPECT_NEAR(c.parameters[0].prior.median, 0.5, 1e-12);
  EXPECT_NEAR(c.parameters[0].prior.low, 0.14, 1e-12);
}

// Found by a helper: to three decimals, 0.000616 under a prior up to
// 0.0009 was written 0.001, past it, and 0.99951 was written 1, a step that
// never fails. Three significant digits of the distance from 0 or 1, and
// more where a narrow prior needs them.
TEST(Calibrate, AProbabilityIsWrittenWithinItsPriorAndShortOfOne) {
  EXPECT_EQ(detail::written_probability(0.400123, 0.1, 0.9), 0.4);
  EXPECT_EQ(detail::written_probability(0.000616123, 0.0001, 0.0009), 0.000616);
  EXPECT_EQ(detail::written_probability(0.99951234, 0.9991, 0.9999), 0.999512);
  EXPECT_EQ(detail::written_probability(0.12351, 0.1234, 0.1236), 0.1235);
  EXPECT_EQ(detail::written_probability(0.95, 0.5, 1.0), 0.95);
  EXPECT_EQ(detail::written_probability(1.0, 0.5, 1.0), 1.0) << "where the posterior is 1";
}

TEST(Calibrate, AMethodsArrivalIsFoundAndWrittenIn) {
  const auto scenario = scenario_fixture("calibrate/fixtures/arrival.yaml");
  const Calibration c = calibrate(*scenario, options_with(400));
  ASSERT_EQ(c.parameters.size(), 1u);
  EXPECT_EQ(c.ended, CalibrationEnd::within_tolerance);
  const Spread& p = c.parameters[0].posterior;
  // Uniform on [2h30m, 3h30m] (arrival.yaml).
  EXPECT_NEAR(p.median, 3 * kHour, 5 * kMinute);
  EXPECT_NEAR(p.low, 2.55 * kHour, 4 * kMinute);
  EXPECT_NEAR(p.high, 3.45 * kHour, 4 * kMinute);
  const auto load = fitted_and_loaded("calibrate/fixtures/arrival.yaml", *scenario, c);
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  EXPECT_EQ(load.scenario->steps[0].methods[0].available_from,
            SimTime{} + Duration::milliseconds(std::llround(c.parameters[0].fitted)));
}

// Observations drawn from run `trial` of the scenario as written (its true
// values), written in as its milestones' times.
Scenario observed_in_trial(const Scenario& truth, std::uint64_t trial) {
  detail::Run run(truth);
  RunResult result;
  detail::RunOptions options;
  options.sampling = detail::RunSampling{12345, trial, nullptr};
  run.execute(options, result);
  Scenario observed = truth;
  for (std::size_t m = 0; m < observed.observed.size(); ++m)
    observed.observed[m].time = *result.observed[m].simulated;
  return observed;
}

// Of `trials` seeded trials, in how many each hidden median (3h and 5h)
// lay in its 90% interval; each interval narrower than its prior's.
std::array<int, 2> medians_covered(int trials) {
  const auto truth = scenario_fixture("calibrate/fixtures/pair.yaml");
  const double true_medians[] = {3 * kHour, 5 * kHour};
  std::array<int, 2> covered{};
  for (std::uint64_t trial = 0; trial < static_cast<std::uint64_t>(trials); ++trial) {
    const Scenario observed = observed_in_trial(*truth, trial);
    const Calibration c = calibrate(observed, options_with(300, trial + 1));
    for (std::size_t k = 0; k < 2; ++k) {
      const Spread& p = c.parameters[k].posterior;
      covered[k] += p.low <= true_medians[k] && true_medians[k] <= p.high ? 1 : 0;
      // Informative: narrower than the prior's 90% interval (1.55h to 11.45h).
      EXPECT_LT(p.high - p.low, 0.7 * (c.parameters[k].prior.high - c.parameters[k].prior.low));
    }
  }
  std::printf("hidden medians in their 90%% intervals: %d and %d of %d trials\n", covered[0],
              covered[1], trials);
  return covered;
}

TEST(Calibrate, HiddenMediansLieInTheir90PercentIntervalsInNineOfTenTrials) {
  const auto covered = medians_covered(10);
  EXPECT_GE(covered[0], 9);
  EXPECT_GE(covered[1], 9);
}

// The README's figure, too slow for every run of the suite: run it with
// faultline_tests --gtest_also_run_disabled_tests --gtest_filter='*.DISABLED_*'
TEST(Calibrate, DISABLED_HiddenMediansOverAHundredTrials) {
  const auto covered = medians_covered(100);
  EXPECT_GE(covered[0], 80);
  EXPECT_GE(covered[1], 80);
}

TEST(Calibrate, IsTheSameForAnyThreadCount) {
  const Scenario observed = observed_in_trial(*scenario_fixture("calibrate/fixtures/pair.yaml"), 3);
  CalibrationOptions one = options_with(200, 7);
  CalibrationOptions two = one;
  two.threads = 2;
  const auto a = reports::calibration_json(observed, calibrate(observed, one));
  const auto b = reports::calibration_json(observed, calibrate(observed, two));
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(Calibrate, WritesAScenarioWithTheFittedValuesThatLoads) {
  const Scenario observed = observed_in_trial(*scenario_fixture("calibrate/fixtures/pair.yaml"), 0);
  const Calibration c = calibrate(observed, options_with(200));
  const auto load = fitted_and_loaded("calibrate/fixtures/pair.yaml", observed, c);
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  EXPECT_TRUE(load.scenario->unknowns.empty());
  for (std::size_t k = 0; k < 2; ++k) {
    const Distribution& d = load.scenario->steps[k].methods[0].duration;
    // The median to the second, the p95 still 1.5 times it (to the second).
    EXPECT_NEAR(static_cast<double>(d.median().ms), c.parameters[k].fitted, 1000);
    const double p95 = static_cast<double>(d.at_surprisal(-std::log(0.05)).ms);
    EXPECT_NEAR(p95 / static_cast<double>(d.median().ms), 1.5, 1e-3);
  }
}

TEST(Calibrate, ScalesADurationNamedTwiceOnlyWhereItIsUnknown) {
  const auto scenario = scenario_fixture("calibrate/fixtures/alias.yaml");
  const Calibration c = calibrate(*scenario, options_with(200));
  const auto load = fitted_and_loaded("calibrate/fixtures/alias.yaml", *scenario, c);
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  EXPECT_EQ(load.scenario->steps[0].methods[0].duration.median(), Duration::hours(1));
  EXPECT_NEAR(static_cast<double>(load.scenario->steps[1].methods[0].duration.median().ms),
              c.parameters[0].fitted, 1);
  EXPECT_GT(c.parameters[0].fitted, 2.5 * kHour);  // observed 5h after T0, 1h of it diagnosis
}

// The runs reuse one Run over a scenario whose values change in between,
// which holds only while a run reads them as it goes.
TEST(Calibrate, ARunReusedWithNewValuesIsAFreshRunOfThem) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  detail::ParameterizedRuns runs(*scenario);
  const double first[] = {1.2, -0.4};
  const double second[] = {-0.8, 0.9};
  runs.execute(first, 5, 17);
  const RunResult& reused = runs.execute(second, 5, 18);
  Scenario written = *scenario;
  for (std::size_t k = 0; k < 2; ++k) {
    const UnknownParameter& p = scenario->unknowns[k];
    const auto median = Duration::milliseconds(std::llround(detail::value_at(p, second[k])));
    Method& method = written.steps[p.step.value].methods[p.method];
    method.duration = method.duration.with_median(median);
  }
  detail::Run fresh(written);
  RunResult result;
  detail::RunOptions options;
  options.sampling = detail::RunSampling{5, 18, nullptr};
  fresh.execute(options, result);
  ASSERT_EQ(reused.observed.size(), 2u);
  for (std::size_t m = 0; m < 2; ++m)
    EXPECT_EQ(reused.observed[m].simulated, result.observed[m].simulated);
  EXPECT_EQ(reused.end, result.end);
}

TEST(Calibrate, MeasuresDistanceInUnitsOfEachMilestonesTolerance) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  RunResult run;
  run.observed.resize(2);
  // backup-restored at T0+3h (within 30m) seen at T0+4h: 2 units; db-rebuilt
  // at T0+8h seen at T0+6h30m: 3 units; the distance is sqrt(4 + 9).
  run.observed[0].simulated = SimTime{} + Duration::hours(4);
  run.observed[1].simulated = SimTime{} + Duration::minutes(390);
  EXPECT_DOUBLE_EQ(milestone_distance(*scenario, run), std::sqrt(13.0));
  run.observed[1].simulated.reset();
  EXPECT_EQ(milestone_distance(*scenario, run), std::numeric_limits<double>::infinity());
  // db-rebuilt as a deadline, by T0+8h within 30m, seen at T0+8h30m: one
  // tolerance late, still met, and a distance of exactly 1 with the backup
  // on time; on time or early, 0.
  Scenario deadline = *scenario;
  deadline.observed[1].timing = MilestoneTiming::by;
  run.observed[0].simulated = SimTime{} + Duration::hours(3);
  run.observed[1].simulated = SimTime{} + Duration::minutes(510);
  EXPECT_TRUE(milestone_met(deadline.observed[1], *run.observed[1].simulated));
  EXPECT_DOUBLE_EQ(milestone_distance(deadline, run), 1.0);
  run.observed[1].simulated = SimTime{} + Duration::hours(7);
  EXPECT_DOUBLE_EQ(milestone_distance(deadline, run), 0.0);
}

TEST(Calibrate, RefusesAScenarioWithNothingToFitOrNothingObserved) {
  Scenario nothing_unknown = *scenario_fixture("calibrate/fixtures/pair.yaml");
  nothing_unknown.unknowns.clear();
  EXPECT_THROW(calibrate(nothing_unknown, options_with(100)), std::invalid_argument);
  Scenario nothing_observed = *scenario_fixture("calibrate/fixtures/pair.yaml");
  nothing_observed.observed.clear();
  EXPECT_THROW(calibrate(nothing_observed, options_with(100)), std::invalid_argument);
}

// Found by a helper: a search stopped at its first generation, every run
// kept within 1, was warned to be "within inf tolerances", the first
// generation's tolerance; the warning goes by how far the kept runs are.
TEST(Calibrate, AFirstGenerationWithinToleranceIsNoLooseFit) {
  const auto scenario = scenario_fixture("calibrate/fixtures/every_draw_meets.yaml");
  const Calibration c = calibrate(*scenario, options_with(400));
  EXPECT_EQ(c.ended, CalibrationEnd::within_tolerance);
  ASSERT_EQ(c.generations.size(), 1u);
  EXPECT_LE(c.generations[0].farthest, 0.5);
  EXPECT_NEAR(c.generations[0].effective_particles, 400.0, 1e-6) << "every particle alike";
  const Spread& p = c.parameters[0].posterior;  // the prior, uniform on [1h, 3h]
  EXPECT_NEAR(p.median, 2 * kHour, 10 * kMinute);
  EXPECT_NEAR(p.low, 1.1 * kHour, 6 * kMinute);
  EXPECT_NEAR(p.high, 2.9 * kHour, 6 * kMinute);
  const std::string text = reports::calibration_text(*scenario, c);
  EXPECT_EQ(text.find("warning"), std::string::npos) << text;
  EXPECT_EQ(reports::calibration_json(*scenario, c)["thin_sample"], false);
}

TEST(Calibrate, RunsKeptFarFromTheObservationsAreWarnedOfByHowFar) {
  const auto scenario = scenario_fixture("calibrate/fixtures/cannot_meet.yaml");
  const Calibration c = calibrate(*scenario, options_with(200));
  EXPECT_GE(c.generations.back().farthest, 7.0);
  const std::string text = reports::calibration_text(*scenario, c);
  EXPECT_NE(text.find(fmt::format("warning: the runs kept are within {:.3g} tolerances",
                                  c.generations.back().farthest)),
            std::string::npos)
      << text;
}

// Found by a helper: 998 of 1,000 first runs that never saw the event left
// a posterior of 2 particles, shown as any other.
TEST(Calibrate, APosteriorOnFewParticlesIsWarnedOf) {
  const auto scenario = scenario_fixture("calibrate/fixtures/rarely_done.yaml");
  const Calibration c = calibrate(*scenario, options_with(1000));
  const double effective = c.generations.back().effective_particles;
  EXPECT_GT(effective, 0.0);
  EXPECT_LT(effective, 30.0);
  const std::string text = reports::calibration_text(*scenario, c);
  EXPECT_NE(text.find(fmt::format("warning: the runs kept weigh as {} effective particles of the "
                                  "1,000 asked for: the posterior rests on them",
                                  std::llround(effective))),
            std::string::npos)
      << text;
  EXPECT_EQ(reports::calibration_json(*scenario, c)["thin_sample"], true);
}

// The line is drawn once, in the engine, for the text and the JSON: under
// 5 effective particles, or under a tenth of those asked for.
TEST(Calibrate, AThinSampleIsUnderFiveEffectiveParticlesOrATenthOfThoseAskedFor) {
  const auto last_weighs = [](double effective) {
    return std::vector<CalibrationGeneration>{{.effective_particles = 400},
                                              {.effective_particles = effective}};
  };
  EXPECT_FALSE(thin_sample({}, 100)) << "no generation, nothing kept to judge";
  EXPECT_TRUE(thin_sample(last_weighs(4.9), 10)) << "under 5, though half of the 10 asked for";
  EXPECT_FALSE(thin_sample(last_weighs(5), 50)) << "5 is a tenth of 50";
  EXPECT_TRUE(thin_sample(last_weighs(5), 51)) << "5 is under a tenth of 51";
  EXPECT_FALSE(thin_sample(last_weighs(100), 1000));
  EXPECT_TRUE(thin_sample(last_weighs(99.9), 1000));
}

// Found by a helper: a milestone without `within` is fitted to within an
// hour, but met only exactly on time, and the report read "stopped within
// one tolerance" above "met in 0%" with nothing to say why. fixed.yaml's
// milestone without its hour: fitted as before, and the report says so.
TEST(Calibrate, AMilestoneWithoutWithinSaysHowItIsHeld) {
  auto scenario = std::make_shared<Scenario>(*scenario_fixture("calibrate/fixtures/fixed.yaml"));
  scenario->observed[0].within = Duration{};
  const Calibration c = calibrate(*scenario, options_with(200));
  EXPECT_EQ(c.ended, CalibrationEnd::within_tolerance);
  EXPECT_NEAR(c.parameters[0].posterior.median, 6 * kHour, 15 * kMinute);
  const std::string text = reports::calibration_text(*scenario, c);
  EXPECT_NE(text.find("db-rebuilt: observed at 2024-01-01 06:00 UTC (no within: the fit holds it "
                      "to 1h either side; met only exactly on it)"),
            std::string::npos)
      << text;
  scenario->observed[0].timing = MilestoneTiming::by;
  EXPECT_NE(reports::calibration_text(*scenario, c)
                .find("(no within: the fit holds it to 1h past it; met only by it)"),
            std::string::npos);
}

TEST(Calibrate, StopsWhenAskedAndSaysSo) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  std::atomic<bool> stop{true};
  CalibrationOptions options = options_with(200);
  options.stop = &stop;
  const Calibration c = calibrate(*scenario, options);
  EXPECT_EQ(c.ended, CalibrationEnd::interrupted);
  EXPECT_TRUE(c.parameters.empty());
}

TEST(Calibrate, BadPriorsAreLocatedAndSayWhatWouldDo) {
  const auto load = load_scenario(test_path("calibrate/fixtures/bad_unknowns.yaml"));
  const auto& d = load.diagnostics;
  EXPECT_FALSE(load.scenario);
  EXPECT_TRUE(has_error(d, 8, 59,
                        "the prior over the median of step 'a' is a fixed value, which leaves "
                        "nothing to fit"));
  EXPECT_TRUE(has_error(d, 9, 58, "the duration has no median above 0 to scale"));
  EXPECT_TRUE(has_error(d, 10, 60, "runs from 0.9 to 0.5; give 0 < min < max <= 1"));
  EXPECT_TRUE(has_error(d, 11, 60, "needs a method that arrives at a time"));
  EXPECT_TRUE(has_error(d, 12, 51, "(did you mean 'median'?)"));
  EXPECT_TRUE(has_error(d, 13, 60, "missing the required key 'max'"));
  EXPECT_EQ(d.error_count(), 6u) << d.to_text();
}

TEST(Distribution, WithMedianScalesTheWholeLaw) {
  const Distribution kinds[] = {
      Distribution::fixed(Duration::hours(2)),
      Distribution::uniform(Duration::hours(1), Duration::hours(3)),
      Distribution::triangular(Duration::hours(1), Duration::hours(2), Duration::hours(5)),
      Distribution::normal(Duration::hours(4), Duration::hours(1)),
      Distribution::lognormal_from_median_p95(Duration::hours(2), Duration::hours(5)),
      Distribution::exponential(Duration::hours(3)),
      Distribution::weibull(1.5, Duration::hours(2)),
      Distribution::pert(Duration::hours(1), Duration::hours(2), Duration::hours(6)),
      Distribution::empirical({Duration::hours(1), Duration::hours(2), Duration::hours(4)})};
  for (const Distribution& d : kinds) {
    const Distribution doubled = d.with_median(d.median() * 2);
    EXPECT_NEAR(static_cast<double>(doubled.median().ms), 2.0 * static_cast<double>(d.median().ms),
                2)
        << d.describe();
    // Every quantile doubles: the spread is kept in proportion.
    EXPECT_NEAR(static_cast<double>(doubled.at_surprisal(3).ms),
                2.0 * static_cast<double>(d.at_surprisal(3).ms), 2)
        << d.describe();
  }
  EXPECT_THROW(Distribution::fixed(Duration{}).with_median(Duration::hours(1)),
               std::invalid_argument);
  EXPECT_THROW(Distribution::exponential(Duration::hours(1)).with_median(Duration{}),
               std::invalid_argument);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
