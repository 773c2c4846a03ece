// forecast against closed forms (exponential.yaml's comments) and against
// the true completion times of synthetic runs it did not see.

#include "faultline/forecast.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "calibrate/parameters.hpp"
#include "faultline/reports/json.hpp"
#include "replay/run.hpp"
#include "test_support.hpp"

namespace faultline {
namespace {

using testing::scenario_fixture;

constexpr double kMinute = 60'000;

ForecastOptions options_at(const Scenario& scenario, Duration now, const std::string& event,
                           std::size_t particles = 1000) {
  ForecastOptions options;
  options.now = SimTime{} + now;
  options.events = {parse_run_event(scenario, event)};
  options.smc.particles = particles;
  options.smc.seed = 3;
  return options;
}

// p10, p50 and p90 in minutes after T0, each within its sampling error
// (about 2, 2 and 6 minutes for 1,000 runs kept) and the tolerance's.
void expect_quantiles(const EventForecast& e, double p10, double p50, double p90) {
  ASSERT_TRUE(e.at);
  EXPECT_NEAR(e.at->low / kMinute, p10, 5);
  EXPECT_NEAR(e.at->median / kMinute, p50, 7);
  EXPECT_NEAR(e.at->high / kMinute, p90, 18);
  EXPECT_EQ(e.never, 0.0);
}

TEST(Forecast, AfterAnObservationIsTheExponentialFromNow) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  const Forecast f =
      forecast(*scenario, options_at(*scenario, Duration::minutes(135), "completed:rebuild-db"));
  EXPECT_EQ(f.latest.known, std::vector<std::size_t>{0});
  expect_quantiles(f.latest.events[0], 141.3, 176.6, 273.2);
}

TEST(Forecast, LaterIsTheExponentialFromNowWhatIsAheadNotYetDone) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  const Forecast f =
      forecast(*scenario, options_at(*scenario, Duration::hours(3), "completed:rebuild-db"));
  expect_quantiles(f.latest.events[0], 186.3, 221.6, 318.2);
}

TEST(Forecast, AtT0KnowingNothingIsTheErlangSum) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  const Forecast f = forecast(*scenario, options_at(*scenario, Duration{}, "completed:rebuild-db"));
  EXPECT_TRUE(f.latest.known.empty());
  expect_quantiles(f.latest.events[0], 31.9, 100.7, 233.4);
}

TEST(Forecast, WithHistoryForecastsFromT0AndEachObservation) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  ForecastOptions options = options_at(*scenario, Duration::hours(3), "completed:rebuild-db");
  options.history = true;
  const Forecast f = forecast(*scenario, options);
  ASSERT_EQ(f.history.size(), 2u);
  EXPECT_EQ(f.history[0].now, SimTime{});
  EXPECT_EQ(f.history[1].now, SimTime{} + Duration::hours(2));
  expect_quantiles(f.history[0].events[0], 31.9, 100.7, 233.4);
  EXPECT_EQ(f.history[1].known.size(), 1u);
  expect_quantiles(f.latest.events[0], 186.3, 221.6, 318.2);
}

TEST(Forecast, DefaultsToEveryServiceBackAndEachMilestoneNotYetKnown) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  ForecastOptions options;
  options.now = SimTime{} + Duration::hours(3);
  options.smc.particles = 100;
  const Forecast f = forecast(*scenario, options);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[0].kind, RunEventKind::all_restored);
  EXPECT_EQ(f.events[1].milestone, 1u);  // db-rebuilt, at T0+8h
}

TEST(Forecast, IsTheSameForAnyThreadCount) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  ForecastOptions one = options_at(*scenario, Duration::hours(3), "all-restored", 200);
  one.history = true;
  ForecastOptions two = one;
  two.smc.threads = 2;
  EXPECT_EQ(reports::forecast_json(*scenario, forecast(*scenario, one)).dump(),
            reports::forecast_json(*scenario, forecast(*scenario, two)).dump());
}

// A true run of the synthetic pair, its medians drawn from their priors
// (the band's rate is over them), and the scenario observing both steps
// completed when they were.
struct Trial {
  Scenario observed;
  SimTime backup_restored;
  SimTime db_rebuilt;
};

Trial trial(const Scenario& scenario, std::uint64_t t) {
  Scenario truth = scenario;
  RandomStream random(999, t, StreamPurpose::calibrate, 1);
  for (const UnknownParameter& p : scenario.unknowns) {
    Method& method = truth.steps[p.step.value].methods[p.method];
    const double median = detail::value_at(p, detail::standard_normal(random));
    method.duration = method.duration.with_median(Duration::milliseconds(std::llround(median)));
  }
  detail::Run run(truth);
  RunResult result;
  detail::RunOptions options;
  options.sampling = detail::RunSampling{999, t, nullptr};
  run.execute(options, result);
  Trial out{scenario, *result.observed[0].simulated, *result.observed[1].simulated};
  out.observed.observed[0].time = out.backup_restored;
  out.observed.observed[1].time = out.db_rebuilt;  // ahead: not known at the backup's time
  return out;
}

// The calibration test's synthetic runbook, its medians unknown: from the
// moment the backup is restored, the p10-p90 band of the rebuild's
// completion holds the true time in about 80% of trials (a little more:
// the backup's time is held only to its 30m), and is narrower than the
// band at T0.
TEST(Forecast, TheBandHoldsTheTrueTimeAtItsRateAndNarrowsAsObservationsComeIn) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  constexpr int kTrials = 40;
  int covered = 0;
  double width_at_t0 = 0;
  double width_later = 0;
  for (std::uint64_t t = 0; t < kTrials; ++t) {
    const Trial x = trial(*scenario, t);
    ForecastOptions options =
        options_at(x.observed, x.backup_restored.since_t0(), "completed:rebuild-db", 300);
    options.history = true;
    options.smc.seed = t + 1;
    const Forecast f = forecast(x.observed, options);
    const Spread& band = *f.latest.events[0].at;
    covered += band.low <= static_cast<double>(x.db_rebuilt.ms) &&
                       static_cast<double>(x.db_rebuilt.ms) <= band.high
                   ? 1
                   : 0;
    width_later += band.high - band.low;
    width_at_t0 += f.history.at(0).events[0].at->high - f.history.at(0).events[0].at->low;
  }
  std::printf("COVERED %d of %d; widths %.0f then %.0f minutes\n", covered, kTrials,
              width_at_t0 / kTrials / kMinute, width_later / kTrials / kMinute);
  EXPECT_GE(covered, 26) << covered << " of " << kTrials;
  EXPECT_LE(covered, 38) << covered << " of " << kTrials;
  EXPECT_LT(width_later, 0.8 * width_at_t0);
}

TEST(Forecast, RefusesAnEventTheScenarioLacks) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  EXPECT_THROW(parse_run_event(*scenario, "completed:nothing"), std::invalid_argument);
  EXPECT_THROW(parse_run_event(*scenario, "restored"), std::invalid_argument);
}

}  // namespace
}  // namespace faultline
