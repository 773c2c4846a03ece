// forecast against closed forms (exponential.yaml's comments) and against
// the true completion times of synthetic runs it did not see.

#include "faultline/forecast.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

#include "calibrate/parameters.hpp"
#include "faultline/reports/json.hpp"
#include "replay/run.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::refusal_of;
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

TEST(Forecast, ARunInWhichItNeverHappensCountsAsLater) {
  const auto scenario = scenario_fixture("forecast/fixtures/gives_up.yaml");
  const Forecast f = forecast(*scenario, options_at(*scenario, Duration{}, "completed:rebuild-db"));
  const EventForecast& e = f.latest.events[0];
  EXPECT_EQ(e.at.low, static_cast<double>(Duration::hours(1).ms));
  EXPECT_EQ(e.at.median, std::numeric_limits<double>::infinity());
  EXPECT_EQ(e.at.high, std::numeric_limits<double>::infinity());
  EXPECT_NEAR(e.never, 0.6, 0.05);  // 1,000 runs: a standard error of 0.015
}

TEST(Forecast, RefusesAMilestoneAlreadyKnownAsAnEventAhead) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  EXPECT_THROW(
      forecast(*scenario, options_at(*scenario, Duration::hours(3), "milestone:diagnosed")),
      std::invalid_argument);
  // Found by a helper: the same event by another name, diagnose's
  // completion, was forecast after it was seen, landing after it.
  EXPECT_EQ(refusal_of([&] {
              forecast(*scenario, options_at(*scenario, Duration::hours(3), "completed:diagnose"));
            }),
            "completed:diagnose is the event of milestone diagnosed, observed at its time and "
            "known by then, not ahead: forecast an event still ahead");
  ForecastOptions before_t0 = options_at(*scenario, Duration{}, "completed:rebuild-db");
  before_t0.now = SimTime{} - Duration::hours(1);
  EXPECT_THROW(forecast(*scenario, before_t0), std::invalid_argument);
}

// Found by a helper: a history at T0, which has no earlier time, changed
// nothing without a word; and one generation, which brings no run nearer
// the milestones, was put down to too few particles.
TEST(Forecast, RefusesAHistoryAtT0AndSaysWhatOneGenerationCannotDo) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  ForecastOptions at_t0 = options_at(*scenario, Duration{}, "completed:rebuild-db", 100);
  at_t0.history = true;
  const auto at_t0_refused = refusal_of([&] { forecast(*scenario, at_t0); });
  ASSERT_TRUE(at_t0_refused) << "a history at T0 was made";
  EXPECT_NE(at_t0_refused->find("a forecast at T0 has none; leave --history out"),
            std::string::npos)
      << *at_t0_refused;
  ForecastOptions one = options_at(*scenario, Duration::minutes(135), "completed:rebuild-db", 100);
  one.smc.most_generations = 1;
  EXPECT_EQ(refusal_of([&] { forecast(*scenario, one); }),
            "at T+2h15m the runs could not be held to the milestone known by then: with one "
            "generation, the first runs drawn are not brought nearer; raise --generations");
}

// Found by a helper: an event asked for that every run had seen by the
// time of the forecast (a diagnosis of exactly 10m, asked for at T0+30m,
// with nothing observed) was refused as if a milestone's event never
// happened, "check the milestones" of a scenario without any.
TEST(Forecast, AnEventEveryRunSawAlreadyIsRefusedAsSuch) {
  auto scenario =
      std::make_shared<Scenario>(*scenario_fixture("forecast/fixtures/exponential.yaml"));
  scenario->steps.front().methods.front().duration = Distribution::fixed(Duration::minutes(10));
  scenario->observed.clear();
  EXPECT_EQ(refusal_of([&] {
              forecast(*scenario,
                       options_at(*scenario, Duration::minutes(30), "completed:diagnose", 100));
            }),
            "no run of the 100 drawn agrees with what was known: in each, an event asked for as "
            "still ahead had already happened by then; check the events asked for");
}

// Found by a helper: an event asked for twice was forecast twice, as
// compare refuses a variant given twice.
TEST(Forecast, RefusesAnEventAskedForTwice) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  ForecastOptions options = options_at(*scenario, Duration{}, "completed:rebuild-db", 100);
  options.events.push_back(options.events.front());
  EXPECT_THROW(forecast(*scenario, options), std::invalid_argument);
}

// Found by a helper: from a time at or past the horizon, where the runs
// stop, every event ahead read as never (the rebuild, exponential with a
// mean of 1h, will finish); such a forecast is refused.
TEST(Forecast, RefusesATimeAtOrPastTheHorizon) {
  auto scenario =
      std::make_shared<Scenario>(*scenario_fixture("forecast/fixtures/exponential.yaml"));
  scenario->horizon = SimTime{} + Duration::hours(3);
  for (const Duration now : {Duration::hours(3), Duration::hours(5)})
    EXPECT_THROW(forecast(*scenario, options_at(*scenario, now, "all-restored", 100)),
                 std::invalid_argument);
}

// Found by a helper: so do unlimited retries without a horizon, at T0+30d;
// from then on, every event waiting for a step still retrying read as
// never. The message names the step and the way out.
TEST(Forecast, RefusesATimeAtOrPastWhereRetriesStop) {
  auto scenario =
      std::make_shared<Scenario>(*scenario_fixture("forecast/fixtures/exponential.yaml"));
  scenario->steps.back().methods.front().retries = kUnlimitedRetries;
  const auto why = refusal_of(
      [&] { forecast(*scenario, options_at(*scenario, Duration::days(30), "all-restored", 100)); });
  ASSERT_TRUE(why) << "a forecast from where the retries stop was made";
  EXPECT_NE(why->find("T0+30d, is not before T0+30d"), std::string::npos) << *why;
  EXPECT_NE(why->find("retries of step " + scenario->steps.back().id), std::string::npos) << *why;
  EXPECT_NE(why->find("a horizon past T0+30d"), std::string::npos) << *why;
}

// p10, p50 and p90 in minutes after T0, each within its sampling error
// (about 2, 2 and 6 minutes for 1,000 runs kept) and the tolerance's.
void expect_quantiles(const EventForecast& e, double p10, double p50, double p90) {
  EXPECT_NEAR(e.at.low / kMinute, p10, 5);
  EXPECT_NEAR(e.at.median / kMinute, p50, 7);
  EXPECT_NEAR(e.at.high / kMinute, p90, 18);
  EXPECT_EQ(e.never, 0.0);
  EXPECT_EQ(e.by_now, 0.0) << "asked about, so known still ahead";
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
  // Nothing known: every particle weighs alike, 1,000 effective.
  EXPECT_NEAR(f.latest.generations.back().effective_particles, 1000, 1e-6);
  EXPECT_EQ(reports::forecast_json(*scenario, f)["forecast"]["thin_sample"], false);
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
  // Only the milestone seen after now is known still ahead then.
  EXPECT_EQ(f.ahead, (std::vector<char>{0, 1}));
}

// Found by review: without --event, every service back is not known still
// ahead, and its points fell before --now with nothing to say so. At
// T0+2h15m the runs kept have diagnose done at d, within 15m of 2h, with
// the exponential's density e^-d; db is back at d + R, R exponential of
// mean 1h, so by then in P(d + R <= 2.25h) = 1 - 0.5 e^-2.25 / (e^-1.75 -
// e^-2.25) = 22.9% of them (times in hours): about 1,000 runs kept, a
// standard error of some 0.015.
TEST(Forecast, SaysInWhatShareOfRunsAnEventNotKnownAheadHadHappenedByNow) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  ForecastOptions options;
  options.now = SimTime{} + Duration::minutes(135);
  options.smc.particles = 1000;
  options.smc.seed = 3;
  const Forecast f = forecast(*scenario, options);
  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_EQ(f.events[0].kind, RunEventKind::all_restored);
  EXPECT_EQ(f.ahead, std::vector<char>{0});
  EXPECT_NEAR(f.latest.events[0].by_now, 0.229, 0.05);
  EXPECT_LT(f.latest.events[0].at.low, static_cast<double>(Duration::minutes(135).ms))
      << "the runs' past is among the points";
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

struct Coverage {
  int covered = 0;
  double mean_width_at_t0 = 0;
  double mean_width_later = 0;
};

// The calibration test's synthetic runbook, its medians unknown: over
// `trials` seeded trials, how often the p10-p90 band of the rebuild's
// completion, from the moment the backup is restored, held the true time,
// and the bands' mean widths then and at T0.
Coverage forecast_coverage(int trials) {
  const auto scenario = scenario_fixture("calibrate/fixtures/pair.yaml");
  Coverage c;
  for (std::uint64_t t = 0; t < static_cast<std::uint64_t>(trials); ++t) {
    const Trial x = trial(*scenario, t);
    ForecastOptions options =
        options_at(x.observed, x.backup_restored.since_t0(), "completed:rebuild-db", 300);
    options.history = true;
    options.smc.seed = t + 1;
    const Forecast f = forecast(x.observed, options);
    const Spread& band = f.latest.events[0].at;
    const auto truth = static_cast<double>(x.db_rebuilt.ms);
    c.covered += band.low <= truth && truth <= band.high ? 1 : 0;
    c.mean_width_later += (band.high - band.low) / trials;
    const Spread& at_t0 = f.history.at(0).events[0].at;
    c.mean_width_at_t0 += (at_t0.high - at_t0.low) / trials;
  }
  std::printf(
      "p10-p90 band held the true time in %d of %d trials; mean width %.0f minutes from "
      "T0, %.0f once the backup was seen\n",
      c.covered, trials, c.mean_width_at_t0 / kMinute, c.mean_width_later / kMinute);
  return c;
}

// About 80% of trials (a little more: the backup's time is held only to
// its 30m), and narrower once the backup is seen than at T0.
TEST(Forecast, TheBandHoldsTheTrueTimeAtItsRateAndNarrowsAsObservationsComeIn) {
  const Coverage c = forecast_coverage(40);
  EXPECT_GE(c.covered, 26);
  EXPECT_LE(c.covered, 38);
  EXPECT_LT(c.mean_width_later, 0.8 * c.mean_width_at_t0);
}

// The README's figure (see Calibrate.DISABLED_HiddenMediansOverAHundredTrials).
TEST(Forecast, DISABLED_TheBandOverTwoHundredTrials) {
  const Coverage c = forecast_coverage(200);
  EXPECT_GE(c.covered, 150);
  EXPECT_LE(c.covered, 175);
}

TEST(Forecast, RefusesAnEventTheScenarioLacks) {
  const auto scenario = scenario_fixture("forecast/fixtures/exponential.yaml");
  EXPECT_THROW(parse_run_event(*scenario, "completed:nothing"), std::invalid_argument);
  EXPECT_THROW(parse_run_event(*scenario, "restored"), std::invalid_argument);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
