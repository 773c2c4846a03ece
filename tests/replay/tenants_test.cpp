// Tenants, per-tenant services and restore-tenants batch pipelines, each
// on a fixture in replay/fixtures/tenants whose answer is worked out by
// hand in its comments.

#include <gtest/gtest.h>

#include <algorithm>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::string path(const std::string& name) {
  return testing::test_path("replay/fixtures/tenants/" + name);
}

std::shared_ptr<const Scenario> fixture(const std::string& name) {
  return testing::scenario_fixture("replay/fixtures/tenants/" + name);
}

SimTime at(Duration d) {
  return SimTime{} + d;
}

std::vector<TimelineEntry> of_kind(const RunResult& r, TimelineKind kind) {
  std::vector<TimelineEntry> out;
  std::copy_if(r.timeline.begin(), r.timeline.end(), std::back_inserter(out),
               [&](const TimelineEntry& e) { return e.kind == kind; });
  return out;
}

TEST(Tenants, APipelineRestoresBatchesTwoAtATimeAndHandsAFailingOneToTheNextMethod) {
  const auto scenario = fixture("pipeline.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 10'950);
  EXPECT_EQ(r.overall.peak_affected, UserCount{2100});
  EXPECT_EQ(r.user_groups[1].peak_affected, UserCount{}) << "staff are not made of tenants";
  const StepOutcome& step = r.steps[0];
  EXPECT_EQ(step.completed, at(Duration::minutes(570)));
  EXPECT_EQ(step.attempts, 6) << "two attempts at each of three batches";
  EXPECT_EQ(step.method, 1u) << "batch 3 reached by-hand";
  const auto done = of_kind(r, TimelineKind::batch_done);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0].at, at(Duration::minutes(270)));
  EXPECT_EQ(done[0].users, UserCount{1100}) << "largest first: f and e";
  EXPECT_EQ(done[1].at, at(Duration::minutes(270)));
  EXPECT_EQ(done[1].users, UserCount{700});
  EXPECT_EQ(done[2].at, at(Duration::minutes(570)));
  const auto handed = of_kind(r, TimelineKind::batch_next_method);
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0].at, at(Duration::minutes(390)));
  EXPECT_EQ(handed[0].batch, 3);
  // Two members for 4h30m, then one for 5h.
  EXPECT_EQ(r.crews[0].busy, Duration::hours(14));
  EXPECT_EQ(r.crews[0].peak_busy, 2);
  ASSERT_EQ(r.tenants_out.size(), 3u);
  EXPECT_EQ(r.tenants_out[0].tenants, 6);
  EXPECT_EQ(r.tenants_out[1].at, at(Duration::minutes(270)));
  EXPECT_EQ(r.tenants_out[1].tenants, 2);
  EXPECT_EQ(r.tenants_out[1].users, UserCount{300});
  EXPECT_DOUBLE_EQ(r.tenants_out[1].tenants_back, 4.0 / 6);
  EXPECT_DOUBLE_EQ(r.tenants_out[1].users_back, 1800.0 / 2100);
  EXPECT_EQ(r.tenants_out[2].tenants, 0);
  // The connector itself never lost anything, so every service served
  // everyone from T0; everything was back only with b and a, at 9h30m.
  EXPECT_EQ(r.services_restored, at(Duration{}));
  EXPECT_EQ(r.all_restored, at(Duration::minutes(570)));
  // The same for the one group made of tenants; staff never appear.
  ASSERT_EQ(r.group_tenants_out.size(), 3u);
  for (const GroupTenantsOut& g : r.group_tenants_out)
    EXPECT_EQ(g.group, UserGroupId{0});
  EXPECT_EQ(r.group_tenants_out[0].users, UserCount{2100});
  EXPECT_EQ(r.group_tenants_out[1].at, at(Duration::minutes(270)));
  EXPECT_EQ(r.group_tenants_out[1].users, UserCount{300});
  EXPECT_EQ(r.group_tenants_out[2].at, at(Duration::minutes(570)));
  EXPECT_EQ(r.group_tenants_out[2].users, UserCount{});
  ASSERT_EQ(r.observed.size(), 2u);
  EXPECT_EQ(r.observed[0].simulated, at(Duration::minutes(270)));
  EXPECT_TRUE(r.observed[0].met);
  EXPECT_EQ(r.observed[1].simulated, at(Duration::minutes(570)));
  EXPECT_EQ(r.observed[1].difference, Duration::minutes(30));
  EXPECT_FALSE(r.observed[1].met);
}

TEST(Tenants, ABatchThatGivesUpLeavesItsTenantsOutAndFailsTheStep) {
  const auto scenario = fixture("gives_up.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 11'700);
  EXPECT_TRUE(r.steps[0].failed);
  EXPECT_EQ(r.steps[0].crew_freed, at(Duration::minutes(390)));
  EXPECT_FALSE(r.steps[1].started) << "notify comes after a failed step";
  EXPECT_EQ(r.overall.cut_off_at_end, UserCount{300});
  ASSERT_EQ(of_kind(r, TimelineKind::batch_gave_up).size(), 1u);
  EXPECT_FALSE(r.tenants_peak.all_back) << "the batch that gave up leaves its tenants out";
  // Every service served everyone throughout, but not everything was back:
  // compare and the per-run rows read all_restored (they said T0).
  EXPECT_EQ(r.services_restored, at(Duration{}));
  EXPECT_FALSE(r.all_restored);
}

TEST(Tenants, AShareIsSpreadEvenlyAndBatchesSkipTenantsAlreadyBack) {
  const auto scenario = fixture("share_heals.yaml");
  const std::vector<TenantId>& out = scenario->faults[0].tenants;
  std::vector<std::string> ids;
  for (const TenantId t : out)
    ids.push_back(scenario->topology->tenant(t).id);
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "d", "f"}));
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1900);
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(2)));
  EXPECT_EQ(of_kind(r, TimelineKind::batch_skipped).size(), 2u);
  EXPECT_EQ(of_kind(r, TimelineKind::fault_healed).size(), 1u);
}

// Worked out in part_back.yaml: a batch whose tenants came back in part
// before it started restores the rest alone, in the time they take.
TEST(Tenants, ABatchStartingWithSomeTenantsBackKeepsThoseStillOut) {
  const auto scenario = fixture("part_back.yaml");
  const RunResult r = replay(*scenario);
  const auto done = of_kind(r, TimelineKind::batch_done);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0].at, at(Duration::hours(1)));
  EXPECT_EQ(done[1].at, at(Duration::minutes(105)));
  EXPECT_EQ(done[1].tenants, 1);
  EXPECT_EQ(done[1].users, UserCount{400});
  EXPECT_EQ(done[2].at, at(Duration::minutes(165)));
  EXPECT_EQ(done[2].tenants, 2);
  EXPECT_EQ(r.steps[0].completed, at(Duration::minutes(165)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 4175);
}

// The mean, by hand: a batch is over at 2h (p 0.4), 4h30m (0.24) or, by
// hand, 7h30m (0.36): E = 4.58h. Batch 3 starts as the first of 1 and 2 is
// over, at S: P(S > 2h) = 0.6^2 = 0.36 and P(S > 4h30m) = 0.36^2 =
// 0.1296, so S is 2h, 4h30m or 7h30m with 0.64, 0.2304, 0.1296. From 2h it is over
// at 4h (0.4), 6h30m (0.24) or 9h30m (0.36): 6.58h; from 4h30m its retry
// would pass the deadline: 6h30m (0.4) or 9h30m: 8.3h; from 7h30m, 11.3h.
// E[batch 3] = 0.64 x 6.58 + 0.2304 x 8.3 + 0.1296 x 11.3 = 7.588h.
// User-hours: 1100 x 4.58 + 700 x 4.58 + 300 x 7.588 = 10,520.4. The sd of
// a run's user-hours is about 3540 (measured over 200,000 runs), so the
// standard error over 20,000 is 25.
TEST(Tenants, MonteCarloMatchesTheMeanWorkedOutByHand) {
  const auto scenario = fixture("pipeline.yaml");
  MonteCarloOptions options;
  options.runs = 20'000;
  options.threads = 2;
  options.seed = 2;
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_NEAR(r.overall.user_seconds_lost.mean() / 3600, 10'520.4, 4 * 25);
  // Standard errors over 20,000 runs: sqrt(0.24 x 0.76 / n) = 0.0030 and
  // sqrt(0.5 x 0.5 / n) = 0.0035.
  const double n = static_cast<double>(r.runs);
  EXPECT_NEAR(static_cast<double>(r.milestones_met[0]) / n, 0.24, 4 * 0.0030);
  EXPECT_NEAR(static_cast<double>(r.milestones_met[1]) / n, 0.50176, 4 * 0.0035);
  options.threads = 1;
  EXPECT_EQ(simulate(*scenario, options).overall.user_seconds_lost.mean(),
            r.overall.user_seconds_lost.mean());
}

// At 2h, batches 1 (1100 users) and 2 (700) are each back with
// probability 0.4, independently: the share of the 2100 users back is 0
// (0.36), 1/3 (0.24), 11/21 (0.24) or 6/7 (0.16). So p10 = 0, p50 = 1/3,
// p90 = 6/7 and the mean 0.24/3 + 0.24 x 11/21 + 0.16 x 6/7 = 0.342857;
// its sd is 0.3287, a standard error of 0.0023 over 20,000 runs.
// Quantiles are within 0.8% (the accumulator's buckets).
TEST(Tenants, MonteCarloGivesTheShareOfTenantsUsersBackAtEachSampleTime) {
  const auto scenario = fixture("pipeline.yaml");
  MonteCarloOptions options;
  options.runs = 20'000;
  options.threads = 2;
  options.sample_every = Duration::hours(1);
  const MonteCarloResult r = simulate(*scenario, options);
  ASSERT_GT(r.sampled_tenant_users_back.size(), 2u);
  EXPECT_EQ(r.sample_times[2], at(Duration::hours(2)));
  const Accumulator& two_hours = r.sampled_tenant_users_back[2];
  EXPECT_EQ(two_hours.quantile(0.10), 0);
  EXPECT_NEAR(two_hours.quantile(0.50) / 10'000, 1.0 / 3, 0.008 / 3);
  EXPECT_NEAR(two_hours.quantile(0.90) / 10'000, 6.0 / 7, 0.008 * 6 / 7);
  EXPECT_NEAR(two_hours.mean() / 10'000, 0.342857, 4 * 0.0023);
  EXPECT_EQ(r.sampled_tenant_users_back[0].quantile(0.90), 0) << "all out at T0";
  EXPECT_EQ(r.sampled_tenant_users_back.back().quantile(0.10), 10'000) << "all back at the end";
}

TEST(Tenants, AFasterMethodArrivingMidIncidentTakesOverTheNextBatchesOrTheOneUnderWay) {
  const auto scenario = fixture("arrives.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 7450);
  const StepOutcome& step = r.steps[1];
  EXPECT_EQ(step.completed, at(Duration::minutes(330)));
  EXPECT_EQ(step.method, 0u) << "automated did the last batch";
  const auto handed = of_kind(r, TimelineKind::batch_handed_over);
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0].at, at(Duration::hours(3)));
  EXPECT_EQ(handed[0].batch, 2);
  EXPECT_EQ(handed[0].previous_method, 1u);
  EXPECT_EQ(handed[0].method, 0u);

  Scenario finishing = *scenario;
  finishing.steps[1].methods[0].in_flight = InFlight::finish;
  const RunResult f = replay(finishing);
  EXPECT_DOUBLE_EQ(f.overall.lost.in_user_hours(), 8200);
  EXPECT_TRUE(of_kind(f, TimelineKind::batch_handed_over).empty());
  EXPECT_EQ(f.steps[1].completed, at(Duration::hours(6)));

  Scenario at_a_time = *scenario;
  at_a_time.steps[1].methods[0].available_after.reset();
  at_a_time.steps[1].methods[0].available_from = at(Duration::hours(3));
  EXPECT_DOUBLE_EQ(replay(at_a_time).overall.lost.in_user_hours(), 7450);
}

// Found in review: a batch whose tenants came back meanwhile, as their
// outage healed, was said to bring them back ("1 tenant, 500 users:
// back"). Worked out in heals_mid_batch.yaml.
TEST(Tenants, ABatchNamesOnlyTheTenantsItBringsBack) {
  const auto scenario = fixture("heals_mid_batch.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 5700);
  const auto done = of_kind(r, TimelineKind::batch_done);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].tenants, 1);
  EXPECT_EQ(done[0].users, UserCount{600}) << "f, by 2h";
  EXPECT_EQ(done[1].at, at(Duration::hours(4)));
  EXPECT_EQ(done[1].tenants, 0) << "e was back at 3h";
  EXPECT_EQ(done[1].users, UserCount{});
  EXPECT_EQ(of_kind(r, TimelineKind::batch_skipped).size(), 4u);
  EXPECT_DOUBLE_EQ(r.steps[0].restored_loss.in_user_hours(), 1200);
}

// Found in review: a condition on a per-tenant service reads its state,
// which the outage of its tenants leaves operational, and skipped the
// step in silence. Worked out in condition_on_tenants.yaml.
TEST(Tenants, AConditionBlindToTenantOutagesIsWarnedOf) {
  const auto load = load_scenario(path("condition_on_tenants.yaml"));
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  EXPECT_TRUE(testing::has_diagnostic(load.diagnostics, Severity::warning, 16, 24,
                                      "reads the state of 'connector', which an outage of its "
                                      "tenants leaves unchanged"));
  const RunResult r = replay(*load.scenario);
  EXPECT_TRUE(r.steps[0].skipped);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 12'600);
  Scenario unconditional = *load.scenario;
  unconditional.steps[0].only_if.reset();
  EXPECT_DOUBLE_EQ(replay(unconditional).overall.lost.in_user_hours(), 2'100) << "back at 1h";
}

// Found in review: a method that takes over batches in flight took over
// the one whose attempt ended at that very instant, and started it again
// (7000 user-hours, not 5950), unless the step was listed first. Worked
// out in arrives_as_one_ends.yaml.
TEST(Tenants, AnAttemptEndingAsAMethodArrivesIsDoneNotHandedOver) {
  const auto scenario = fixture("arrives_as_one_ends.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 5950);
  EXPECT_TRUE(of_kind(r, TimelineKind::batch_handed_over).empty());
  EXPECT_EQ(r.steps[1].completed, at(Duration::minutes(270)));
  Scenario finishing = *scenario;
  finishing.steps[1].methods[0].in_flight = InFlight::finish;
  EXPECT_DOUBLE_EQ(replay(finishing).overall.lost.in_user_hours(), 5950);
  Scenario at_a_time = *scenario;
  at_a_time.steps[1].methods[0].available_after.reset();
  at_a_time.steps[1].methods[0].available_from = at(Duration::hours(2));
  EXPECT_DOUBLE_EQ(replay(at_a_time).overall.lost.in_user_hours(), 5950);
  const RunResult after = replay(*fixture("arrives_as_one_ends_listed_after.yaml"));
  EXPECT_DOUBLE_EQ(after.overall.lost.in_user_hours(), 5950);
  const auto handed = of_kind(after, TimelineKind::batch_handed_over);
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0].batch, 2) << "e's, started by hand as f's ended";
}

// An attempt that ends as the method arrives, and fails, is taken over
// then: manual works with probability 0.4, so the replay's median run
// takes two attempts (1 - 0.6^2 = 0.64), f's first fails at 2h, and
// automated takes f (2h-2h30m), then e to a, 30m each: 600 x 2.5 + 500 x
// 3 + 400 x 3.5 + 300 x 4 + 200 x 4.5 + 100 x 5 = 7000, listed either way
// while manual has a retry left. (Without one, listed after, f's batch
// gives up before automated arrives: a limit the README states.)
TEST(Tenants, AnAttemptFailingAsAMethodArrivesIsHandedOver) {
  for (const std::string name :
       {"arrives_as_one_ends.yaml", "arrives_as_one_ends_listed_after.yaml"}) {
    Scenario failing = *fixture(name);
    const StepId restore = testing::step_named(failing, "restore-sites");
    failing.steps[restore.value].methods[1].success = 0.4;
    failing.steps[restore.value].methods[1].retries = 1;
    const RunResult r = replay(failing);
    EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 7000) << name;
    const auto handed = of_kind(r, TimelineKind::batch_handed_over);
    ASSERT_EQ(handed.size(), 1u) << name;
    EXPECT_EQ(handed[0].at, at(Duration::hours(2))) << name;
    EXPECT_EQ(handed[0].batch, 1) << name;
  }
}

// Each of the following was found in review; each test would have caught it.
TEST(Tenants, AStepThatFinishesAsItStartsReleasesTheNextAtOnce) {
  const auto scenario = fixture("nothing_out.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].completed, at(Duration{}));
  EXPECT_EQ(r.steps[1].started, at(Duration{})) << "it waited for the fault at 5h";
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 2100);
}

TEST(Tenants, AMethodStillToArriveDoesNotStretchTheRun) {
  const auto scenario = fixture("arrives.yaml");
  Scenario late = *scenario;
  late.steps[1].methods[0].available_after.reset();
  late.steps[1].methods[0].available_from = at(Duration::hours(20));
  const RunResult r = replay(late);
  EXPECT_EQ(r.steps[1].completed, at(Duration::hours(12))) << "six batches by hand, 2h each";
  EXPECT_EQ(r.end, at(Duration::hours(12)));
}

// A batch whose method gives up goes on with an earlier-listed method that
// arrived meanwhile. Here build-automation takes 1h and manual works one
// time in 2.5: batch 1 (f) gives up manual at 2h and automated, there
// since 1h, takes it (2h-2h30m); the others are automated, 30m each.
// User-hours: 600 x 2.5 + 500 x 3 + 400 x 3.5 + 300 x 4 + 200 x 4.5 + 100
// x 5 = 7000.
TEST(Tenants, ABatchGivingUpTurnsToAMethodThatArrivedMeanwhile) {
  const auto scenario = fixture("arrives.yaml");
  Scenario quick = *scenario;
  quick.steps[0].methods[0].duration = Distribution::fixed(Duration::hours(1));
  quick.steps[1].methods[0].in_flight = InFlight::finish;
  quick.steps[1].methods[1].success = 0.4;
  const RunResult r = replay(quick);
  EXPECT_TRUE(of_kind(r, TimelineKind::batch_gave_up).empty());
  EXPECT_FALSE(r.steps[1].failed);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 7000);
}

TEST(Tenants, AFaultEndingDoesNotEndALaterOneOnTheSameTenant) {
  const auto scenario = fixture("out_again.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.overall.cut_off_at_end, UserCount{100});
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1100);
  const auto healed = of_kind(r, TimelineKind::fault_healed);
  ASSERT_EQ(healed.size(), 1u);
  EXPECT_EQ(healed[0].tenants, 0) << "a step had brought a back since first struck";
}

// Worked out in out_already.yaml: a fault's entry counts the tenants that
// lose the service by it, not those it names that had lost it already.
TEST(Tenants, AFaultCountsOnlyTheTenantsThatLoseTheServiceByIt) {
  const auto scenario = fixture("out_already.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 4300);
  const auto struck = of_kind(r, TimelineKind::fault);
  ASSERT_EQ(struck.size(), 3u);
  EXPECT_EQ(struck[0].tenants, 1);
  EXPECT_EQ(struck[0].users, UserCount{100});
  EXPECT_EQ(struck[1].tenants, 5) << "a had lost it already";
  EXPECT_EQ(struck[1].users, UserCount{2000});
  EXPECT_EQ(struck[2].tenants, 0);
  EXPECT_EQ(struck[2].users, UserCount{});
}

// Worked out in back_on_one.yaml: a healed entry counts those that got the
// service back, as a strike those that lost it, whatever another service
// still holds out (found in review: it counted only tenants out nowhere).
TEST(Tenants, AHealCountsTheTenantsThatGotTheServiceBack) {
  const auto scenario = fixture("back_on_one.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 300);
  const auto healed = of_kind(r, TimelineKind::fault_healed);
  ASSERT_EQ(healed.size(), 2u);
  EXPECT_EQ(healed[0].at, at(Duration::hours(1)));
  EXPECT_EQ(healed[0].tenants, 1) << "a has the connector back";
  EXPECT_EQ(healed[0].users, UserCount{100});
  EXPECT_EQ(healed[1].tenants, 1);
}

// Worked out in shared.yaml. The connector's batches are stretches of the
// order TenantStates keeps its tenants in (restore-connector's), which it
// takes at once; Monte Carlo, whose durations here are fixed, must give
// the replay's answer in every run.
TEST(Tenants, ATenantOutOnTwoServicesIsBackOnlyWhenBothAre) {
  const auto scenario = fixture("shared.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 5000);
  const std::vector<std::pair<Duration, int>> expected{
      {Duration{}, 4}, {Duration::hours(4), 2}, {Duration::hours(5), 1}, {Duration::hours(6), 0}};
  ASSERT_EQ(r.tenants_out.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.tenants_out[i].at, at(expected[i].first)) << i;
    EXPECT_EQ(r.tenants_out[i].tenants, expected[i].second) << i;
  }
  MonteCarloOptions options;
  options.runs = 3;
  const MonteCarloResult mc = simulate(*scenario, options);
  EXPECT_EQ(mc.overall.user_seconds_lost.count(), 3u);
  EXPECT_EQ(mc.overall.user_seconds_lost.mean(), 5000.0 * 3600);
}

TEST(Tenants, NothingCountsAsBackBeforeTheMostAreOut) {
  const auto scenario = fixture("phased.yaml");
  const RunResult r = replay(*scenario);
  ASSERT_EQ(r.tenants_out.size(), 4u);
  EXPECT_EQ(r.tenants_out[0].tenants_back, 0);
  EXPECT_EQ(r.tenants_out[0].users_back, 0) << "a alone is out at T0; more is to go out";
  EXPECT_DOUBLE_EQ(r.tenants_out[2].tenants_back, 0.5);
  EXPECT_DOUBLE_EQ(r.tenants_out[2].users_back, 600.0 / 2100);
  EXPECT_EQ(r.observed[0].simulated, at(Duration::hours(6)));
  EXPECT_EQ(r.observed[0].difference, Duration::minutes(330));
  EXPECT_EQ(r.observed[1].simulated, at(Duration::hours(6)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 9400);
  EXPECT_EQ(r.tenants_peak.tenants, 6);
  EXPECT_EQ(r.tenants_peak.users, UserCount{2100});
  EXPECT_EQ(r.tenants_peak.all_back, at(Duration::hours(6)));
}

// Worked out in group_milestones.yaml.
TEST(Tenants, AMilestoneCanCountOneGroupsTenantsBack) {
  const auto scenario = fixture("group_milestones.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 2450);
  ASSERT_EQ(r.observed.size(), 5u);
  const std::vector<std::pair<Duration, bool>> expected{{Duration::hours(2), true},
                                                        {Duration::hours(5), false},
                                                        {Duration::hours(4), true},
                                                        {Duration::hours(4), true},
                                                        {Duration::hours(2), true}};
  for (std::size_t m = 0; m < expected.size(); ++m) {
    EXPECT_EQ(r.observed[m].simulated, at(expected[m].first)) << scenario->observed[m].id;
    EXPECT_EQ(r.observed[m].met, expected[m].second) << scenario->observed[m].id;
  }
  EXPECT_EQ(r.observed[1].difference, Duration::hours(3));
  EXPECT_EQ(r.observed[3].difference, Duration::minutes(30));
  // Partners' entries: 3 tenants out, then 2, 1 and none.
  std::vector<int> partners;
  for (const GroupTenantsOut& g : r.group_tenants_out) {
    if (g.group == UserGroupId{1})
      partners.push_back(g.tenants);
  }
  EXPECT_EQ(partners, (std::vector<int>{3, 2, 1, 0}));
}

// Worked out in on_deployment.yaml and two_sites_topology.yaml.
TEST(Tenants, AnOutageCanTakeTheTenantsOnOneDeployment) {
  const auto scenario = fixture("on_deployment.yaml");
  const Topology& topology = *scenario->topology;
  std::vector<std::string> on_dr;
  for (const TenantId t : scenario->faults[0].tenants)
    on_dr.push_back(topology.tenant(t).id);
  EXPECT_EQ(on_dr, (std::vector<std::string>{"b", "d", "f"}))
      << "spread in turn: the 2nd, 4th, 6th";
  EXPECT_EQ(topology.tenants_on(*topology.find_deployment("connector@dc")).size(), 3u);
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.overall.peak_affected, UserCount{1200});
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 2400);
}

TEST(Tenants, TheTenantsOfADeploymentMustBeOfTheOutagesService) {
  using testing::has_error;
  const auto load = load_scenario(path("bad_on_deployment.yaml"));
  const auto& d = load.diagnostics;
  EXPECT_FALSE(load.scenario);
  EXPECT_TRUE(has_error(d, 5, 78,
                        "deployment 'app@dc' of fault 'f1' is not a deployment of "
                        "service 'connector'"));
  EXPECT_TRUE(has_error(d, 6, 78,
                        "unknown deployment 'connector@dx' (did you mean "
                        "'connector@dc'?)"));
  EXPECT_TRUE(has_error(d, 7, 65, "tenants of fault 'f3' need exactly one of 'share'"));
  EXPECT_TRUE(has_error(d, 8, 66, "unknown key 'region' in tenants of fault 'f4'"));
  EXPECT_EQ(d.error_count(), 5u) << d.to_text();
  const auto empty = load_scenario(path("bad_empty_deployment.yaml"));
  EXPECT_TRUE(has_error(empty.diagnostics, 5, 78, "no tenant is on deployment 'connector@dr'"));
}

TEST(Tenants, BatchesWhoseTenantsCameBackAreSkippedWithoutACrewOnShift) {
  const auto scenario = fixture("off_shift.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(9)));
  EXPECT_EQ(r.steps[1].started, at(Duration::hours(9)));
  EXPECT_EQ(r.end, at(Duration::hours(10))) << "no wake for the next shift is left behind";
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 18'300);
}

// Found by a helper: a batch that began with the next shift, its pipeline
// under way across the change, skipped the hand-over, so 2h batches ended
// the step before 1h59m ones did. Worked in the fixtures' comments.
TEST(Tenants, ABatchAfterItsStepsStartPaysTheHandOverAsAShiftBegins) {
  const RunResult two_hours = replay(*fixture("batches_at_shift_end.yaml"));
  EXPECT_EQ(two_hours.steps[0].completed, at(Duration::hours(28) + Duration::minutes(30)));
  const RunResult shorter = replay(*fixture("batches_before_shift_end.yaml"));
  EXPECT_EQ(shorter.steps[0].completed, at(Duration::hours(28) + Duration::minutes(24)));
}

// at_once_at_start.yaml, worked in its comments.
TEST(Tenants, ABatchStepFillsItsPipelineBeforeTheStepsAfterItStart) {
  const auto scenario = fixture("at_once_at_start.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(1)));
  EXPECT_EQ(r.steps[1].started, at(Duration::hours(1)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1'100);
}

// available_at_t0.yaml, worked in its comments.
TEST(Tenants, AMethodAvailableAtT0IsThereFromTheStart) {
  const auto scenario = fixture("available_at_t0.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].completed, at(Duration::minutes(30)));
  EXPECT_EQ(r.steps[0].method, 0u);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 300);
}

// fitted_arrival_at_t0.yaml, worked in its comments.
TEST(Tenants, AMethodWhoseArrivalIsFittedIsNotThereFromTheStart) {
  const auto load = load_scenario(path("fitted_arrival_at_t0.yaml"));
  EXPECT_FALSE(load.scenario);
  EXPECT_TRUE(testing::has_error(load.diagnostics, 19, 7,
                                 "every method of step 'restore-sites' arrives later"))
      << load.diagnostics.to_text();
}

TEST(Tenants, GeneratedTenantsTakeTheSizeDistributionsQuantiles) {
  const auto load = load_topology(path("generated.yaml"));
  ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
  const Topology& t = *load.topology;
  std::vector<std::int64_t> sizes;
  for (const Tenant& tenant : t.tenants_of(UserGroupId{0}))
    sizes.push_back(tenant.users.value);
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{38, 76, 131, 264}));
  EXPECT_EQ(t.user_group(UserGroupId{0}).users, UserCount{509});
  EXPECT_EQ(t.tenant(*t.find_tenant("sites/4")).users, UserCount{264});
  EXPECT_EQ(t.tenants_on(*t.find_service("connector")).size(), 4u);
}

TEST(Tenants, LoaderReportsEveryBadTenantKeyWhereItIs) {
  using testing::has_error;
  const auto topology = load_topology(path("bad_sites.yaml"));
  const auto& t = topology.diagnostics;
  EXPECT_TRUE(has_error(t, 3, 33, "per_tenant of service 'connector' must be true or false"));
  EXPECT_TRUE(has_error(t, 10, 41, "tenant 'a' is defined twice"));
  EXPECT_TRUE(has_error(t, 6, 12, "user group 'sites' gives 500 users, but its tenants have 100"));
  EXPECT_TRUE(has_error(t, 15, 56, "users_each of user group 'generated' has a p95 below"));
  EXPECT_EQ(t.error_count(), 4u) << t.to_text();

  const auto scenario = load_scenario(path("bad_tenants.yaml"));
  const auto& d = scenario.diagnostics;
  EXPECT_FALSE(scenario.scenario);
  EXPECT_TRUE(has_error(d, 5, 59, "service 'app' is not per-tenant, so fault 'f1'"));
  EXPECT_TRUE(has_error(d, 6, 69, "no tenant 'bb' has a share of the service (did you mean 'b'?)"));
  EXPECT_TRUE(has_error(d, 6, 73, "tenant 'a' is listed twice"));
  EXPECT_TRUE(has_error(d, 7, 73, "a share of 0.01 of the 6 tenants on the service is none"));
  EXPECT_TRUE(has_error(d, 8, 87, "'served_fraction' does not apply to fault 'f4'"));
  EXPECT_TRUE(has_error(d, 12, 48, "service 'app' is not per-tenant, so step 's1'"));
  EXPECT_TRUE(has_error(d, 13, 113,
                        "unknown order 'biggest-first' (did you mean 'largest-first'?); expected "
                        "as-listed, largest-first, smallest-first, oldest-first or random"));
  EXPECT_TRUE(has_error(d, 13, 93, "holds 3 members of crew 'ops', which never has more than 2"));
  EXPECT_TRUE(has_error(d, 14, 71, "'per_tenant' does not apply to restore steps"));
  EXPECT_TRUE(has_error(d, 15, 99, "gives both 'size' (tenants per batch) and 'users'"));
  EXPECT_TRUE(has_error(d, 15, 115, "'fails_at' does not apply to step 's4'"));
  EXPECT_TRUE(has_error(d, 16, 90, "'available' does not apply to methods of restore steps"));
  EXPECT_TRUE(has_error(d, 16, 54, "every method of step 's5' arrives later"));
  EXPECT_TRUE(has_error(d, 17, 68, "every method of step 's6' arrives later"));
  EXPECT_TRUE(has_error(d, 17, 128,
                        "unknown in_flight 'handover' (did you mean 'hand-over'?); expected "
                        "finish or hand-over"));
  EXPECT_TRUE(has_error(d, 19, 33,
                        "unknown event 'tenant-user-back' for a share milestone (did you mean "
                        "'tenant-users-back'?); expected tenants-back or tenant-users-back"));
  EXPECT_TRUE(has_error(d, 20, 21, "share of milestone 'm2' is 0"));
  EXPECT_TRUE(has_error(d, 21, 5, "milestone 'm3' needs exactly one of 'service', 'step' or "
                                  "'share'"));
  EXPECT_TRUE(has_error(d, 22, 33, "unknown user group 'stafff' (did you mean 'staff'?)"));
  EXPECT_TRUE(has_error(d, 23, 33, "user group 'staff' of milestone 'm5' is not made of tenants"));
  EXPECT_TRUE(has_error(d, 24, 35, "milestone 'm6' has a 'group', which only a 'share'"));
  EXPECT_EQ(d.error_count(), 21u) << d.to_text();

  const auto arrivals = load_scenario(path("bad_arrivals.yaml"));
  const auto& a = arrivals.diagnostics;
  EXPECT_TRUE(has_error(a, 5, 74, "the list of tenants is empty"));
  EXPECT_TRUE(has_error(a, 11, 55, "method 'auto' of step 's1' arrives after its own step"));
  EXPECT_TRUE(has_error(a, 14, 13, "unknown action 'restore-tenant'"));
  // Found in review: a method awaiting a step that waits for the method's
  // own step never arrives, and one arriving past the horizon never does
  // in a run; both were accepted in silence.
  EXPECT_TRUE(has_error(a, 22, 55,
                        "method 'auto' of step 's4' arrives after step 's5', which waits for "
                        "'s4' to complete first"));
  EXPECT_TRUE(
      testing::has_diagnostic(a, Severity::warning, 23, 9,
                              "method 'late' of step 's4' arrives at T0+2d, after the horizon"));
  EXPECT_EQ(a.error_count(), 4u) << "nothing of s2's methods is put down to s3: " << a.to_text();
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
