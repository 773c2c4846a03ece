// Monte Carlo: reproducible whatever the thread count, stopping on a
// confidence target, and retries with the probabilities worked out by hand.

#include "faultline/monte_carlo.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/json.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::source_path;
using testing::test_path;

std::shared_ptr<const Scenario> load(const std::string& path) {
  const auto loaded = load_scenario(path);
  EXPECT_TRUE(loaded.scenario) << loaded.diagnostics.to_text();
  return loaded.scenario;
}

// 20,000 runs on 2 threads: what the standard errors the known answers
// quote are worked out for.
MonteCarloOptions many_runs() {
  MonteCarloOptions options;
  options.runs = 20'000;
  options.threads = 2;
  return options;
}

std::string json_of(const Scenario& scenario, MonteCarloOptions options) {
  return reports::simulation_json(scenario, simulate(scenario, options)).dump(2);
}

TEST(MonteCarlo, WebexJsonIsByteIdenticalWhateverTheThreadCount) {
  const auto scenario = load(source_path("scenarios/webex-2018-09-25.yaml"));
  MonteCarloOptions options;
  options.runs = 3000;  // not a multiple of the block size
  options.seed = 11;
  options.threads = 1;
  const std::string one = json_of(*scenario, options);
  options.threads = 2;
  EXPECT_EQ(json_of(*scenario, options), one);
  options.threads = 3;
  EXPECT_EQ(json_of(*scenario, options), one);
  EXPECT_EQ(json_of(*scenario, options), one) << "a second invocation";
  options.seed = 12;
  EXPECT_NE(json_of(*scenario, options), one) << "another seed, other draws";
}

TEST(MonteCarlo, StopsOnTheConfidenceTargetAtTheSameRunWhateverTheThreads) {
  const auto scenario = load(source_path("scenarios/webex-2018-09-25.yaml"));
  MonteCarloOptions options;
  options.runs = 200'000;
  options.until_ci = 0.02;
  options.threads = 1;
  const MonteCarloResult one = simulate(*scenario, options);
  options.threads = 2;
  const MonteCarloResult two = simulate(*scenario, options);
  EXPECT_EQ(one.runs, two.runs);
  EXPECT_EQ(one.runs % kRunsPerCheck, 0U);
  EXPECT_LT(one.runs, options.runs);
  EXPECT_TRUE(*one.reached_ci_target);
  const auto& lost = one.overall.user_seconds_lost;
  EXPECT_LE(*lost.ci95_half_width(), 0.02 * lost.mean());
  // One check earlier the target had not been reached: with the cap there,
  // the same runs end short of it.
  options.runs = one.runs - kRunsPerCheck;
  EXPECT_FALSE(*simulate(*scenario, options).reached_ci_target);
}

TEST(MonteCarlo, AFailoverThatWorksHalfTheTimeSplitsTheRunsInTwo) {
  const auto scenario = load(test_path("monte_carlo/fixtures/failover_coin.yaml"));
  MonteCarloOptions options;
  options.runs = 4000;
  options.threads = 2;
  const MonteCarloResult r = simulate(*scenario, options);
  const Summary down = r.services[0].downtime_ms.summary();
  EXPECT_EQ(down.min, Duration::minutes(15).ms) << "detection plus switch";
  EXPECT_EQ(down.max, Duration::minutes(150).ms) << "until the runbook at 3h30m";
  // Half the runs at 15m, half at 150m: mean 82.5m, and the standard error
  // of the share of long runs is sqrt(1/4/n) = 0.0079.
  const double long_share =
      (down.mean - Duration::minutes(15).ms) / static_cast<double>(Duration::minutes(135).ms);
  EXPECT_NEAR(long_share, 0.5, 4 * 0.0079);
  // The nominal replay takes the likelier outcome; at one half, success.
  EXPECT_EQ(replay(*scenario).services[0].down, Duration::minutes(15));
}

// Stopping mid-way (as Ctrl-C does) keeps the runs made, which are always
// runs [0, N): the result is the one `runs: N` gives, marked interrupted,
// on any number of threads.
TEST(MonteCarlo, AnInterruptedSimulationIsTheSimulationOfTheRunsItMade) {
  const auto scenario = load(source_path("scenarios/webex-2018-09-25.yaml"));
  std::atomic<bool> stop{false};
  MonteCarloOptions options;
  options.runs = kMostRuns;
  options.threads = 2;
  options.stop = &stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  const MonteCarloResult interrupted = simulate(*scenario, options);
  stopper.join();
  ASSERT_TRUE(interrupted.interrupted);
  ASSERT_GT(interrupted.runs, 0U);
  ASSERT_LT(interrupted.runs, kMostRuns);
  MonteCarloOptions again;
  again.runs = interrupted.runs;
  again.threads = 1;
  const MonteCarloResult whole = simulate(*scenario, again);
  EXPECT_FALSE(whole.interrupted);
  auto a = reports::simulation_json(*scenario, interrupted);
  auto b = reports::simulation_json(*scenario, whole);
  EXPECT_EQ(a["interrupted"], true);
  a.erase("interrupted");
  b.erase("interrupted");
  EXPECT_EQ(a.dump(), b.dump());
}

// The same fixture: db stays down for good in the 1/16 of runs in which its
// restore gives up, so 93.75% of runs restore it. Its restoration time's
// 50th and 90th percentiles over all runs are times; its 95th and 99th fall
// among the runs that never restored it, and say so, instead of coming from
// the 15/16 that did (which is all a summary of restoration times holds).
TEST(MonteCarlo, RestorationPercentilesCountTheRunsThatNeverRestored) {
  const auto scenario = load(test_path("monte_carlo/fixtures/retries.yaml"));
  const MonteCarloOptions options = many_runs();
  const MonteCarloResult r = simulate(*scenario, options);
  const EventTimes& db = r.services[scenario->topology->find_service("db")->value].restored_at;
  EXPECT_EQ(db.runs(), r.runs) << "db is out in every run";
  EXPECT_EQ(db.never(), r.steps[0].runs_failed) << "not restored exactly when the restore gave up";
  EXPECT_NEAR(static_cast<double>(db.never()) / static_cast<double>(r.runs), 1.0 / 16,
              4 * 0.0017);
  EXPECT_TRUE(db.quantile(0.5));
  EXPECT_TRUE(db.quantile(0.9));
  EXPECT_FALSE(db.quantile(0.95)) << "the 95th percentile is 'not restored'";
  EXPECT_FALSE(db.quantile(0.99));
  // The milestone app-back never happens where app was never rebuilt: the
  // runs whose restore gave up (a rebuild running past the 2-day horizon
  // has a chance of 2e-6 a run).
  const EventTimes& app_back = r.milestone_times[0];
  EXPECT_EQ(app_back.runs(), r.runs);
  EXPECT_GE(app_back.never(), r.steps[0].runs_failed);
  EXPECT_LE(app_back.never(), r.steps[0].runs_failed + 2);
}

// Each run's record, as the CLI's --per-run writes it, says what the tally
// counted: the same runs in run order on two threads, the same user-time
// (tallied to the second, run by run), the same runs meeting app-back.
TEST(MonteCarlo, RunRecordsComeInRunOrderAndAddUpToTheTally) {
  const auto scenario = load(test_path("monte_carlo/fixtures/retries.yaml"));
  MonteCarloOptions options = many_runs();
  options.runs = 3000;
  options.threads = 2;
  std::vector<RunRecord> records;
  options.on_run = [&](const RunRecord& r) { records.push_back(r); };
  const MonteCarloResult r = simulate(*scenario, options);
  ASSERT_EQ(records.size(), r.runs);
  double seconds = 0;
  std::uint64_t met = 0;
  for (std::uint64_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].run, i);
    seconds += static_cast<double>((records[i].lost.user_ms + 500) / 1000);
    met += records[i].milestones_met.at(0) ? 1 : 0;
    EXPECT_EQ(records[i].milestones_met[0],
              records[i].milestone_times[0] &&
                  *records[i].milestone_times[0] <= SimTime{} + Duration::hours(4));
  }
  EXPECT_DOUBLE_EQ(seconds / static_cast<double>(r.runs), r.overall.user_seconds_lost.mean());
  EXPECT_EQ(met, r.milestones_met[0]);
}

TEST(MonteCarlo, RetriesGiveUpWithTheProbabilityOfFailingEveryAttempt) {
  const auto scenario = load(test_path("monte_carlo/fixtures/retries.yaml"));
  const MonteCarloOptions options = many_runs();
  const MonteCarloResult r = simulate(*scenario, options);
  const double n = static_cast<double>(r.runs);
  // P(four failures) = 1/16; standard error sqrt(p(1-p)/n) = 0.0017.
  const double p_failed = static_cast<double>(r.steps[0].runs_failed) / n;
  EXPECT_NEAR(p_failed, 1.0 / 16, 4 * 0.0017);
  // Attempts: 1 + Geometric, truncated at 4: E = 1 + 1/2 + 1/4 + 1/8 = 1.875.
  EXPECT_NEAR(r.steps[0].attempts.mean(), 1.875, 0.02);
  // The rebuild after it starts exactly when the restore completes.
  EXPECT_EQ(r.steps[1].attempts.count(), r.steps[0].completed_at.happened().count());
  EXPECT_EQ(r.steps[1].completed_at.happened().count(), r.runs - r.steps[0].runs_failed);
  EXPECT_EQ(r.steps[1].completed_at.never(), r.steps[0].runs_failed);
  // The restore completes after 1 h plus 1.5 h per failed attempt.
  EXPECT_EQ(r.steps[0].completed_at.happened().summary().min, Duration::hours(1).ms);
  EXPECT_EQ(r.steps[0].completed_at.happened().summary().max,
            Duration::hours(5).ms + Duration::minutes(30).ms);
  // The app is back by T0+4h when the restore worked first time (1/2, done
  // at 1 h) and the rebuild took at most 3 h, or on the second go (1/4, done
  // at 2 h 30 m) and the rebuild took at most 1 h 30 m. The rebuild is
  // lognormal with median 2 h and p95 6 h: sigma = ln(3) / z(0.95).
  const double sigma = std::log(3.0) / 1.6448536269514722;
  const auto within = [&](double hours) {
    return 0.5 * std::erfc(-std::log(hours / 2) / sigma / std::sqrt(2.0));
  };
  const double expected = 0.5 * within(3.0) + 0.25 * within(1.5);  // 0.4474
  // Standard error sqrt(p(1-p)/n) = 0.0035.
  EXPECT_NEAR(static_cast<double>(r.milestones_met[0]) / n, expected, 4 * 0.0035);
}

// heal.yaml (runbook/fixtures/semantics): the mean loss is 2491.67
// user-hours; only the tail past 2h30m varies, 500 x max(0, H - 2.5h) with
// H uniform on [1.5h, 3h]: mean 41.67, sd sqrt(250000/36 - 41.67^2) = 72.2
// user-hours, so the standard error over 20,000 runs is 0.51.
TEST(MonteCarlo, AnOutageThatLastsADistributionEndsWhenItsDrawSays) {
  const auto scenario = load(test_path("runbook/fixtures/semantics/heal.yaml"));
  const MonteCarloOptions options = many_runs();
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_NEAR(r.overall.user_seconds_lost.mean() / 3600, 2450 + 500.0 / 12, 4 * 0.51);
  const auto web = scenario->topology->find_service("web")->value;
  const auto& restored = r.services[web].restored_at.happened().summary();
  EXPECT_EQ(restored.min, Duration::minutes(150).ms) << "never before the second outage ends";
  EXPECT_LE(restored.max, Duration::hours(3).ms);
  EXPECT_EQ(json_of(*scenario, options), json_of(*scenario, [&] {
              MonteCarloOptions one = options;
              one.threads = 1;
              return one;
            }()))
      << "the draws of how long an outage lasts do not depend on the thread count";
}

// uneven.yaml (runbook/fixtures/semantics): worked out in its comments.
TEST(MonteCarlo, EachUnevenWaveDrawsItsOwnDuration) {
  const auto scenario = load(test_path("runbook/fixtures/semantics/uneven.yaml"));
  const MonteCarloOptions options = many_runs();
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_NEAR(r.overall.user_seconds_lost.mean() / 3600, 4700, 4 * 2.04);
  const auto web = scenario->topology->find_service("web")->value;
  const auto& restored = r.services[web].restored_at.happened().summary();
  EXPECT_GE(restored.min, Duration::hours(5).ms);
  EXPECT_LT(restored.min, Duration::hours(5).ms + Duration::minutes(5).ms);
  EXPECT_LE(restored.max, Duration::hours(9).ms);
  EXPECT_GT(restored.max, Duration::hours(9).ms - Duration::minutes(5).ms);
  const double n = static_cast<double>(r.runs);
  EXPECT_NEAR(static_cast<double>(r.milestones_met[0]) / n, 0.5, 4 * 0.0035)
      << "within 1h of 7h, either side";
  EXPECT_NEAR(static_cast<double>(r.milestones_met[1]) / n, 0.25, 4 * 0.0035);
  EXPECT_NEAR(static_cast<double>(r.milestones_met[2]) / n, 0.375, 4 * 0.0035);
  const auto hours = [&](std::size_t m, double q) {
    return milestone_difference(r, m, q)->in_hours();
  };
  EXPECT_NEAR(hours(0, 0.1), -1.6, 4 * 0.0085);
  EXPECT_NEAR(hours(0, 0.5), 0, 4 * 0.0141);
  EXPECT_NEAR(hours(0, 0.9), 1.6, 4 * 0.0085);
  EXPECT_NEAR(mean_milestone_difference(r, 0)->in_hours(), 0, 4 * 0.0082);
  EXPECT_NEAR(hours(1, 0.5), 1, 4 * 0.0141);
}

// until_it_works.yaml (runbook/fixtures/semantics): attempts until the
// first success are geometric with p = 0.2, mean 5, sd sqrt(0.8) / 0.2 =
// 4.47 (standard error 0.032 over 20,000 runs); with the deadline only
// three attempts fit, so the step fails with probability 0.8^3 = 0.512
// (standard error 0.0035).
TEST(MonteCarlo, RetryingWithoutALimitGoesOnUntilItWorks) {
  const auto scenario = load(test_path("runbook/fixtures/semantics/until_it_works.yaml"));
  const MonteCarloOptions options = many_runs();
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_NEAR(r.steps[0].attempts.mean(), 5.0, 4 * 0.032);
  EXPECT_EQ(r.steps[0].runs_failed, 0u);
  EXPECT_NEAR(static_cast<double>(r.steps[1].runs_failed) / static_cast<double>(r.runs), 0.512,
              4 * 0.0035);
  EXPECT_EQ(r.steps[1].attempts.summary().max, 3);
}

// methods.yaml (runbook/fixtures/semantics): worked out in its comments.
TEST(MonteCarlo, TheNextMethodCompletesTheStepWhenTheFirstGivesUp) {
  const auto scenario = load(test_path("runbook/fixtures/semantics/methods.yaml"));
  const MonteCarloOptions options = many_runs();
  const MonteCarloResult r = simulate(*scenario, options);
  const StepStatistics& db = r.steps[0];
  EXPECT_NEAR(db.completed_at.happened().mean() / 3.6e6, 4.76, 4 * 0.0167);
  const double n = static_cast<double>(r.runs);
  // Standard errors sqrt(p(1 - p)/n): 0.0034 for 0.36.
  EXPECT_NEAR(static_cast<double>(db.runs_completed_by[0]) / n, 0.36, 4 * 0.0034);
  EXPECT_EQ(db.runs_completed_by[0] + db.runs_completed_by[1], r.runs);
  EXPECT_EQ(db.completed_at.happened().summary().max, Duration::minutes(390).ms);
  const auto json = reports::simulation_json(*scenario, r);
  EXPECT_EQ(json["steps"][0]["methods"][1]["name"], "restore-backup");
  EXPECT_FALSE(json["steps"][1].contains("methods")) << "tidy-up lists none";
}

TEST(MonteCarlo, SamplesAffectedUsersOnAFixedGrid) {
  const auto scenario = load(test_path("monte_carlo/fixtures/retries.yaml"));
  MonteCarloOptions options;
  options.runs = 500;
  options.sample_every = Duration::hours(1);
  const MonteCarloResult r = simulate(*scenario, options);
  ASSERT_EQ(r.sample_times.size(), 49U);  // 0 h to 48 h
  // At T0 everyone is cut off in every run.
  EXPECT_EQ(r.sampled_active[0].mean(), 1000.0);
  // The restore takes at least an hour and the rebuild runs after it.
  EXPECT_EQ(r.sampled_active[1].quantile(0.1), 1000.0);
  // By the horizon only runs whose restore gave up are still down.
  EXPECT_NEAR(r.sampled_active.back().mean(), 1000.0 / 16, 25);
}

// Known answer (outage_between.yaml): 1,000 active users cut off at 2, 3
// and 4 h of every run and nobody at 0, 1 and 5 to 8 h. The samples with
// nobody cut off, before the outage and after it, are counted apart and
// added at once: each sample's statistics are those of adding every run's
// value in turn, at one thread and two.
TEST(MonteCarlo, SamplesWithNobodyCutOffCountAsZeros) {
  const auto scenario = load(test_path("monte_carlo/fixtures/outage_between.yaml"));
  MonteCarloOptions options;
  options.runs = 300;
  options.sample_every = Duration::hours(1);
  for (const unsigned threads : {1u, 2u}) {
    options.threads = threads;
    const MonteCarloResult r = simulate(*scenario, options);
    ASSERT_EQ(r.sampled_active.size(), 9U);  // 0 h to 8 h
    for (std::size_t i = 0; i < r.sampled_active.size(); ++i) {
      const std::int64_t active = i >= 2 && i <= 4 ? 1000 : 0;
      Accumulator each;
      for (std::uint64_t run = 0; run < options.runs; ++run)
        each.add(active);
      EXPECT_TRUE(testing::same_state(r.sampled_active[i], each))
          << "at " << i << " h, " << threads << " threads";
    }
  }
}

// Known answer (busy_crews.yaml): at 0, 0.5, ..., 4 h the fixers' member
// is busy in every run before 2 h and in none from 2 h on; the checkers'
// in a share exp(-t / 1 h) of runs, to within four standard errors of
// 20,000 runs (at most sqrt(0.25 / 20,000) = 0.0035 each). The sums are
// the same on one thread, and when the tally is read after every block of
// runs on the way (a confidence target that is never reached).
TEST(MonteCarlo, SamplesBusyCrewMembersOnAFixedGrid) {
  const auto scenario = load(test_path("monte_carlo/fixtures/busy_crews.yaml"));
  MonteCarloOptions options = many_runs();
  options.sample_every = Duration::minutes(30);
  const MonteCarloResult r = simulate(*scenario, options);
  ASSERT_EQ(r.sample_times.size(), 9U);
  ASSERT_EQ(r.sampled_busy_sum.size(), 18U);  // [time x crews + crew]
  for (std::size_t i = 0; i < 9; ++i) {
    const double hours = 0.5 * static_cast<double>(i);
    EXPECT_EQ(r.sampled_busy_sum[2 * i], hours < 2 ? 20'000 : 0) << hours << " h";
    EXPECT_NEAR(static_cast<double>(r.sampled_busy_sum[2 * i + 1]) / 20'000, std::exp(-hours),
                0.014)
        << hours << " h";
  }
  options.threads = 1;
  EXPECT_EQ(simulate(*scenario, options).sampled_busy_sum, r.sampled_busy_sum);
  options.until_ci = 1e-9;
  const MonteCarloResult read_on_the_way = simulate(*scenario, options);
  EXPECT_FALSE(*read_on_the_way.reached_ci_target);
  EXPECT_EQ(read_on_the_way.runs, 20'000U);
  EXPECT_EQ(read_on_the_way.sampled_busy_sum, r.sampled_busy_sum);
}

TEST(MonteCarlo, TheNominalReplayIgnoresChanceAndUsesMedians) {
  const auto scenario = load(test_path("monte_carlo/fixtures/retries.yaml"));
  const RunResult nominal = replay(*scenario);
  EXPECT_EQ(nominal.steps[0].attempts, 1);
  EXPECT_EQ(nominal.steps[0].completed->since_t0(), Duration::hours(1));
  EXPECT_EQ(nominal.steps[1].completed->since_t0(), Duration::hours(3));
}

TEST(MonteCarlo, RejectsOptionsOutOfRange) {
  const auto scenario = load(test_path("monte_carlo/fixtures/retries.yaml"));
  MonteCarloOptions options;
  options.runs = 0;
  EXPECT_THROW(simulate(*scenario, options), std::invalid_argument);
  options.runs = 10;
  options.threads = 0;
  EXPECT_THROW(simulate(*scenario, options), std::invalid_argument);
  options.threads = 1;
  options.until_ci = 1.5;
  EXPECT_THROW(simulate(*scenario, options), std::invalid_argument);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
