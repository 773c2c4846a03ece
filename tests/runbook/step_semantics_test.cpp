// Verification gates, conditions, rollback, scripted failures and crew
// shifts, each on a fixture whose answer is worked out by hand in its
// comments; and what the runbook's analytics make of them.

#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/runbook.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::shared_ptr<const Scenario> fixture(const std::string& name) {
  const auto load = load_scenario(testing::test_path("runbook/fixtures/semantics/" + name));
  if (!load.scenario)
    throw std::runtime_error(load.diagnostics.to_text());
  return load.scenario;
}

SimTime at(Duration d) {
  return SimTime{} + d;
}

std::vector<std::pair<std::int64_t, std::int64_t>> users_lines(const RunResult& r) {
  std::vector<std::pair<std::int64_t, std::int64_t>> cut_off;  // (minute, users)
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::users)
      cut_off.emplace_back(e.at.since_t0().ms / 60'000, e.affected.value);
  }
  return cut_off;
}

std::vector<std::string> ids(const Scenario& scenario, const std::vector<StepId>& steps) {
  std::vector<std::string> out;
  for (const StepId s : steps)
    out.push_back(scenario.steps[s.value].id);
  return out;
}

TEST(StepSemantics, AGateHoldsTheStepUntilItsServicesAreOperational) {
  const auto scenario = fixture("gate.yaml");
  const RunResult r = replay(*scenario);
  const StepOutcome& fix_app = r.steps[testing::step_named(*scenario, "fix-app").value];
  EXPECT_EQ(fix_app.crew_freed, at(Duration::hours(1))) << "the work is done at 1h";
  EXPECT_EQ(fix_app.completed, at(Duration::hours(3))) << "app is operational only with db";
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "cleanup").value].started,
            at(Duration::hours(1)))
      << "the crew is free while the gate is shut";
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "announce").value].started,
            at(Duration::hours(3)));
  EXPECT_EQ(r.end, at(Duration::hours(3) + Duration::minutes(30)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 600 * 3);
  EXPECT_EQ(ids(*scenario, critical_path(*scenario, r)),
            (std::vector<std::string>{"fix-db", "fix-app", "announce"}))
      << "the gate waited for fix-db";
  const auto work_done = std::count_if(r.timeline.begin(), r.timeline.end(), [](const auto& e) {
    return e.kind == TimelineKind::step_work_done;
  });
  EXPECT_EQ(work_done, 1);
}

// gate_ends_last.yaml, worked in its comments (found in review: the two
// steps ending at 3h read as two paths, "speeding up one alone ends it no
// sooner").
TEST(StepSemantics, AStepEndingOnAnothersPathIsNoEndOfItsOwn) {
  const auto scenario = fixture("gate_ends_last.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(3)));
  EXPECT_EQ(r.steps[1].completed, at(Duration::hours(3)));
  const auto paths = critical_paths(*scenario, r);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(ids(*scenario, paths[0]), (std::vector<std::string>{"fix-db", "fix-app"}));
}

// gate_opened_by_a_heal.yaml: the critical path is check alone; fix, skipped
// as the gate opened, is no cause of it (the path was once fix -> check,
// a step before the one it came after).
TEST(StepSemantics, AGateThatAnOutageEndingOpenedWaitedForNoStep) {
  const auto scenario = fixture("gate_opened_by_a_heal.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].crew_freed, at(Duration::minutes(30)));
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(2)));
  EXPECT_EQ(r.steps[1].skipped, at(Duration::hours(2)));
  EXPECT_EQ(ids(*scenario, critical_path(*scenario, r)), (std::vector<std::string>{"check"}));
}

TEST(StepSemantics, AStepThatRequiresServicesStartsOnceTheyAreAsItNeeds) {
  const auto scenario = fixture("requires.yaml");
  const auto step = [&](const char* id) {
    return testing::step_named(*scenario, id).value;
  };
  EXPECT_EQ(scenario->steps[step("post-status")].requirements[0].at_least,
            ServiceState::partial_outage);
  EXPECT_EQ(scenario->steps[step("all-clear")].requirements[0].at_least,
            ServiceState::degraded_performance);
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[step("cleanup")].started, SimTime{})
      << "a step awaiting db holds no member of its crew";
  EXPECT_EQ(r.steps[step("restore-app")].started, at(Duration::hours(3))) << "db is back at 3h";
  EXPECT_EQ(r.steps[step("tune-web")].started, at(Duration::hours(4)))
      << "web fell at 1h, while app-team was busy; at 3h restore-app comes first";
  EXPECT_EQ(r.steps[step("post-status")].started, at(Duration::minutes(90)))
      << "web in partial outage is at least in partial outage";
  EXPECT_EQ(r.steps[step("all-clear")].started, at(Duration::hours(3)));
  EXPECT_EQ(r.end, at(Duration::hours(4) + Duration::minutes(30)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 2400 + 1000);
  EXPECT_EQ(ids(*scenario, critical_path(*scenario, r)),
            (std::vector<std::string>{"fix-db", "restore-app", "tune-web"}))
      << "restore-app waited for db, which fix-db brought back";
}

TEST(StepSemantics, AnOutageThatLastsEndsByItselfAndOverlappingOnesEndWithTheLast) {
  const auto scenario = fixture("heal.yaml");
  const RunResult r = replay(*scenario);
  const auto service = [&](const char* id) {
    return r.services[scenario->topology->find_service(id)->value];
  };
  EXPECT_EQ(service("app").restored_at, at(Duration::hours(2))) << "db's partition healed";
  EXPECT_EQ(service("web").restored_at, at(Duration::minutes(150)))
      << "not at 2h15m, when the halving ended under the second outage";
  std::vector<std::pair<SimTime, double>> healed;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::fault_healed)
      healed.emplace_back(e.at, e.served_fraction);
  }
  EXPECT_EQ(healed, (std::vector<std::pair<SimTime, double>>{{at(Duration::hours(2)), 1.0},
                                                             {at(Duration::minutes(135)), 0.0},
                                                             {at(Duration::minutes(150)), 1.0}}));
  EXPECT_EQ(r.end, at(Duration::minutes(150)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1200 + 1250);
  EXPECT_DOUBLE_EQ(r.restored_loss_otherwise.in_user_hours(), 1200 + 1250)
      << "no step brought anyone back";
}

TEST(StepSemantics, UnevenWavesEnableTheirSharesAndRestoresCanAddUp) {
  const auto scenario = fixture("uneven.yaml");
  const RunResult r = replay(*scenario);
  const auto& enable = scenario->steps[testing::step_named(*scenario, "enable-web").value];
  EXPECT_EQ(enable.waves, 3);
  EXPECT_EQ(enable.methods[0].duration.median(), Duration::hours(7))
      << "the sum of the waves' medians";
  // Users cut off: web-users 1000, 750, 250, 0 and app-users 600, 300, 0.
  std::vector<std::pair<SimTime, std::int64_t>> cut_off;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::users)
      cut_off.emplace_back(e.at, e.affected.value);
  }
  EXPECT_EQ(cut_off, (std::vector<std::pair<SimTime, std::int64_t>>{{SimTime{}, 1600},
                                                                    {at(Duration::hours(1)), 1050},
                                                                    {at(Duration::hours(3)), 250},
                                                                    {at(Duration::hours(7)), 0}}));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 3500 + 1200);
  ASSERT_EQ(r.observed.size(), 3u);
  EXPECT_TRUE(r.observed[0].met) << "at 7h, within 1h";
  EXPECT_FALSE(r.observed[1].met) << "1h past the deadline";
  EXPECT_EQ(r.observed[1].difference, Duration::hours(1));
  EXPECT_FALSE(r.observed[2].met) << "30m past the deadline and its tolerance";
}

TEST(StepSemantics, RetryingUntilItWorksTakesTheMedianAttemptsAndADeadlineGivesUp) {
  const auto scenario = fixture("until_it_works.yaml");
  EXPECT_EQ(scenario->steps[0].methods[0].retries, kUnlimitedRetries);
  const RunResult r = replay(*scenario);
  const StepOutcome& db = r.steps[testing::step_named(*scenario, "restore-db").value];
  EXPECT_EQ(db.attempts, 4);
  EXPECT_EQ(db.completed, at(Duration::hours(5) + Duration::minutes(30)));
  const StepOutcome& web = r.steps[testing::step_named(*scenario, "restore-web").value];
  EXPECT_EQ(web.attempts, 3) << "no retry starts after 3h";
  EXPECT_TRUE(web.failed);
  EXPECT_FALSE(web.completed);
}

TEST(StepSemantics, AMethodThatGivesUpHandsOverToTheNext) {
  const auto scenario = fixture("methods.yaml");
  const RunResult r = replay(*scenario);
  const StepOutcome& db = r.steps[testing::step_named(*scenario, "restore-db").value];
  EXPECT_EQ(db.completed, at(Duration::hours(6) + Duration::minutes(30)));
  EXPECT_EQ(db.method, 1u) << "restore-backup completed it";
  EXPECT_EQ(db.attempts, 3);
  EXPECT_FALSE(db.failed);
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "tidy-up").value].started, db.completed)
      << "the crew stayed on the step from one method to the next";
  const auto handed_over =
      std::find_if(r.timeline.begin(), r.timeline.end(),
                   [](const TimelineEntry& e) { return e.kind == TimelineKind::step_next_method; });
  ASSERT_NE(handed_over, r.timeline.end());
  EXPECT_EQ(handed_over->at, at(Duration::minutes(150)));
  EXPECT_EQ(handed_over->method, 1u);
}

TEST(StepSemantics, AnOutageReachesAndLeavesItsConsumersAsTheirCachesExpire) {
  const auto scenario = fixture("cache_ttl.yaml");
  const RunResult r = replay(*scenario);
  // db's cohorts (60 app-users each) and web's (100 web-users each) turn
  // together until 27m; web's five come back from 63m, db's ten from 183m.
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {
      {3, 160},   {9, 320},   {15, 480},  {21, 640},  {27, 800},  {33, 860},  {39, 920},
      {45, 980},  {51, 1040}, {57, 1100}, {63, 1000}, {69, 900},  {75, 800},  {81, 700},
      {87, 600},  {183, 540}, {189, 480}, {195, 420}, {201, 360}, {207, 300}, {213, 240},
      {219, 180}, {225, 120}, {231, 60},  {237, 0}};
  EXPECT_EQ(users_lines(r), expected);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1800 + 500);
  EXPECT_EQ(r.end, at(Duration::minutes(237)));
  std::vector<SimTime> healed;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::fault_healed)
      healed.push_back(e.at);
  }
  // app's blip, seen by nobody, ends at 2m (found by review: it never
  // ended); the others at their source when they last, 30m and 3h, as
  // they struck at T0 (found by review: dated when their last cohort was
  // back, 87m and 237m, a fault of 3h read as one of 3h57m).
  EXPECT_EQ(healed, (std::vector<SimTime>{at(Duration::minutes(2)), at(Duration::minutes(30)),
                                          at(Duration::minutes(180))}));
}

// web's blip made to last 63m, serving 45%, ends at its source at 63m, the
// very time its first cohort (3m past the hour) refreshes and comes back:
// with all ten cohorts reached web serves 45% (a major outage), with nine
// 1 - 0.9 x 0.55 = 50.5% (a partial one). The heal is recorded before that
// change of state, cause before effect.
TEST(StepSemantics, ACachedOutageEndsAtItsSourceBeforeACohortRefreshingThen) {
  auto scenario = std::make_shared<Scenario>(*fixture("cache_ttl.yaml"));
  scenario->faults[1].lasts = Distribution::fixed(Duration::minutes(63));
  scenario->faults[1].served_fraction = 0.45;
  const RunResult r = replay(*scenario);
  const auto first = [&](auto pred) {
    return std::find_if(r.timeline.begin(), r.timeline.end(), pred) - r.timeline.begin();
  };
  const auto healed = first([&](const TimelineEntry& e) {
    return e.kind == TimelineKind::fault_healed && e.subject == TimelineSubject{FaultId{1}};
  });
  const ServiceId web = *scenario->topology->find_service("web");
  const auto back = first([&](const TimelineEntry& e) {
    return e.at == at(Duration::minutes(63)) && e.kind == TimelineKind::service_state &&
           e.subject == TimelineSubject{web};
  });
  ASSERT_LT(back, static_cast<std::ptrdiff_t>(r.timeline.size()));
  EXPECT_EQ(r.timeline[healed].at, at(Duration::minutes(63)));
  EXPECT_LT(healed, back);
}

// held_up_while_idle.yaml, worked in its comments.
TEST(StepSemantics, AHoldUpWhileNoAttemptIsUnderWayLengthensTheNext) {
  const auto scenario = fixture("held_up_while_idle.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[0].attempts, 2);
  EXPECT_EQ(r.steps[0].completed, at(Duration::minutes(415)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 4'150);
}

TEST(StepSemantics, AScriptedFailureWhileNoAttemptIsUnderWayFailsTheNext) {
  const auto scenario = fixture("scripted_while_idle.yaml");
  const RunResult r = replay(*scenario);
  std::vector<SimTime> failed;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::step_attempt_failed) {
      EXPECT_TRUE(e.scripted);
      failed.push_back(e.at);
    }
  }
  EXPECT_EQ(failed, (std::vector<SimTime>{at(Duration::hours(3)), at(Duration::minutes(250))}));
  EXPECT_EQ(r.steps[1].attempts, 3);
  EXPECT_EQ(r.steps[1].completed, at(Duration::minutes(320)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 3'200);
}

// Found by two helpers: a step that gave up was left off the critical
// path, which named announce; and one on it counted as lasting until the
// run's end (10h of a 10h horizon for 2h of work).
TEST(StepSemantics, AStepThatGaveUpEndsWhenItGaveUp) {
  auto scenario = std::make_shared<Scenario>(*fixture("gave_up_last.yaml"));
  scenario->horizon = at(Duration::hours(10));
  const RunResult r = replay(*scenario);
  const StepId fix_db{1};
  ASSERT_TRUE(r.steps[fix_db.value].failed);
  EXPECT_EQ(step_ended(r, fix_db), at(Duration::hours(2)));
  EXPECT_EQ(step_span(r, fix_db), Duration::hours(2));
  EXPECT_EQ(ids(*scenario, critical_path(*scenario, r)), (std::vector<std::string>{"fix-db"}));
}

// Found by a helper: the users a fault healing at the same instant brought
// back were counted as the step's too (1,600 back for fix-web).
TEST(StepSemantics, UsersAHealBringsBackWithAStepAreNotTheSteps) {
  const RunResult r = replay(*fixture("heal_with_step.yaml"));
  EXPECT_EQ(r.steps[0].users_back, UserCount{1000});
  EXPECT_DOUBLE_EQ(r.steps[0].restored_loss.in_user_hours(), 2'000);
  EXPECT_DOUBLE_EQ(r.restored_loss_otherwise.in_user_hours(), 1'200);
}

// cache_ttl_restored.yaml's users lines (minutes, users cut off) until fix
// restores db at 1h, 150 user-hours.
const std::vector<std::pair<std::int64_t, std::int64_t>> kCutOffUntilTheRestore = {
    {6, 60}, {18, 120}, {30, 180}, {42, 240}, {54, 300}, {60, 0}};

// Found by review: after a step restored the service, the refreshes still
// to come changed nothing but kept the run going, to T0+9d12h for a TTL of
// 10 days restored in an hour. Found by review too: made to last 3h, the
// outage ended at its source at 3h, but the refreshes leaving it, one for
// each cohort from 186m to 294m, each counted as work and ran the run on
// to 4h54m. With the service restored whole they change nothing: the run
// ends at the heal, as an outage without caches lasting 3h does.
TEST(StepSemantics, CacheRefreshesAfterARestoreDoNotKeepTheRunGoing) {
  auto scenario = std::make_shared<Scenario>(*fixture("cache_ttl_restored.yaml"));
  for (const auto& [lasts, end] :
       {std::pair{std::optional<Duration>{}, Duration::hours(1)},
        std::pair{std::optional{Duration::hours(3)}, Duration::hours(3)}}) {
    if (lasts)
      scenario->faults[0].lasts = Distribution::fixed(*lasts);
    const RunResult r = replay(*scenario);
    EXPECT_EQ(users_lines(r), kCutOffUntilTheRestore);
    EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 150);
    EXPECT_EQ(r.end, at(end));
  }
}

// Made to add 0.5, fix brings everyone back at 1h and each later first
// refresh cuts 60 app-users off again (see the fixture).
std::vector<std::pair<std::int64_t, std::int64_t>> cut_off_again_after_the_addition() {
  auto lines = kCutOffUntilTheRestore;
  for (const std::int64_t minute : {66, 78, 90, 102, 114})
    lines.emplace_back(minute, lines.back().second + 60);
  return lines;
}

TEST(StepSemantics, CacheRefreshesThatCutUsersOffAgainKeepTheRunGoing) {
  auto scenario = std::make_shared<Scenario>(*fixture("cache_ttl_restored.yaml"));
  scenario->steps[0].adds = 0.5;
  const RunResult r = replay(*scenario);
  EXPECT_EQ(users_lines(r), cut_off_again_after_the_addition());
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 215'700);
  EXPECT_EQ(r.end, at(Duration::days(30)));
  EXPECT_EQ(r.overall.cut_off_at_end, UserCount{300});
}

// Adding 0.5 masks neither end: the cohorts that first refresh after the
// restore cut 60 app-users off each (66m to 114m, to 300), and after the
// heal at 3h each cohort's next refresh (cohort i at 6 + 12i minutes, then
// every 2h) brings a tenth back: 186m (cohort 5), 198m, 210m, 222m, and at
// 234m (cohort 9) the service serves 0.5 + 0.5 = all; the refreshes of
// cohorts 0-4 at 246m to 294m change nothing, and the run ends at 234m.
// User-minutes after 1h: 12 x (60 + 120 + 180 + 240) + 72 x 300 +
// 12 x (240 + 180 + 120 + 60) = 36,000, 600 user-hours, 750 with the 150
// before.
TEST(StepSemantics, RefreshesLeavingAnOutageAnAdditionDoesNotMaskKeepTheRunGoing) {
  auto scenario = std::make_shared<Scenario>(*fixture("cache_ttl_restored.yaml"));
  scenario->faults[0].lasts = Distribution::fixed(Duration::hours(3));
  scenario->steps[0].adds = 0.5;
  const RunResult r = replay(*scenario);
  auto expected = cut_off_again_after_the_addition();
  for (const std::int64_t minute : {186, 198, 210, 222, 234})
    expected.emplace_back(minute, expected.back().second - 60);
  EXPECT_EQ(users_lines(r), expected);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 750);
  EXPECT_EQ(r.end, at(Duration::minutes(234)));
}

// Found by review: the critical path took the first step completing as a
// step that required a service started, whatever it acted on. all-clear,
// made to end last, starts at 3h when both fix-db and fix-web complete; it
// waited for web.
TEST(StepSemantics, AStepThatAwaitedAServiceWaitedForTheStepActingOnIt) {
  auto scenario = std::make_shared<Scenario>(*fixture("requires.yaml"));
  scenario->steps[testing::step_named(*scenario, "all-clear").value].methods[0].duration =
      Distribution::fixed(Duration::hours(3));
  const RunResult r = replay(*scenario);
  EXPECT_EQ(ids(*scenario, critical_path(*scenario, r)),
            (std::vector<std::string>{"fix-web", "all-clear"}));
}

TEST(StepSemantics, AStepWhoseConditionNoLongerHoldsIsSkipped) {
  const auto scenario = fixture("condition.yaml");
  const RunResult r = replay(*scenario);
  const StepOutcome& escalate = r.steps[testing::step_named(*scenario, "escalate-web").value];
  EXPECT_TRUE(escalate.skipped) << "web came back at 1h, before the 2h check";
  EXPECT_FALSE(escalate.started);
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "tell-customers").value].started,
            at(Duration::hours(2)))
      << "a skipped step releases its successors";
  const StepOutcome& fallback = r.steps[testing::step_named(*scenario, "db-fallback").value];
  EXPECT_FALSE(fallback.skipped) << "db is still down at 30m";
  EXPECT_EQ(fallback.completed, at(Duration::hours(2) + Duration::minutes(30)));
  // web-users 1000 x 1h; app-users 600 x 2h30m.
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1000 + 1500);
}

TEST(StepSemantics, ASkipNeedsNoCrewAndTheCriticalPathGoesThroughIt) {
  const auto scenario = fixture("skip_without_crew.yaml");
  const RunResult r = replay(*scenario);
  const StepOutcome& check = r.steps[testing::step_named(*scenario, "check-web").value];
  EXPECT_EQ(check.skipped, at(Duration::hours(1))) << "not when ops is free at 2h";
  EXPECT_FALSE(check.started);
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "announce").value].started,
            at(Duration::hours(1)));
  EXPECT_EQ(r.end, at(Duration::hours(3)));
  EXPECT_EQ(ids(*scenario, critical_path(*scenario, r)),
            (std::vector<std::string>{"fix-web", "check-web", "announce"}));
}

TEST(StepSemantics, StepsFinishingTogetherShareTheUsersTheyBringBack) {
  const auto scenario = fixture("together.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(
      r.steps[testing::step_named(*scenario, "fix-db").value].restored_loss.in_user_hours(), 600);
  EXPECT_DOUBLE_EQ(
      r.steps[testing::step_named(*scenario, "fix-app").value].restored_loss.in_user_hours(), 600);
  EXPECT_DOUBLE_EQ(
      r.steps[testing::step_named(*scenario, "fix-web").value].restored_loss.in_user_hours(), 2000);
  EXPECT_EQ(r.restored_loss_otherwise, UserTime{});
}

TEST(StepSemantics, RollingBackAFailedStepUndoesItsWavesAndHoldsTheCrew) {
  const auto scenario = fixture("rollback.yaml");
  const RunResult r = replay(*scenario);
  const StepOutcome& enable = r.steps[testing::step_named(*scenario, "enable-web").value];
  EXPECT_TRUE(enable.failed);
  EXPECT_TRUE(enable.rolled_back);
  EXPECT_EQ(enable.attempts, 3) << "waves 1 and 2, and the third that failed";
  EXPECT_EQ(enable.crew_freed, at(Duration::hours(3))) << "failed at 2h30m, rolled back by 3h";
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "write-up").value].started,
            at(Duration::hours(3)));
  EXPECT_EQ(r.services[0].final_state, ServiceState::operational) << "db was never touched";
  EXPECT_EQ(r.services[2].final_state, ServiceState::major_outage) << "both sites disabled again";
  // web-users: 1000 for 1h, 750 for 1h, 500 for 1h, 1000 again for the last hour.
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1000 + 750 + 500 + 1000);
}

TEST(StepSemantics, WithoutARollbackAFailedStepKeepsWhatItDid) {
  auto scenario = std::make_shared<Scenario>(*fixture("rollback.yaml"));
  scenario->steps[0].rollback.reset();
  const RunResult r = replay(*scenario);
  EXPECT_TRUE(r.steps[0].failed);
  EXPECT_FALSE(r.steps[0].rolled_back);
  EXPECT_EQ(r.steps[0].crew_freed, at(Duration::hours(2) + Duration::minutes(30)));
  EXPECT_EQ(r.steps[1].started, at(Duration::hours(2) + Duration::minutes(30)));
  EXPECT_EQ(r.services[2].final_state, ServiceState::partial_outage);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1000 + 750 + 500 * 2);
}

// A second team restores web to 75% by 2h15m, beyond the 50% the two
// waves enabled: rolling back at 3h must not take that away.
TEST(StepSemantics, ARollbackLeavesWhatAnotherStepDidSince) {
  auto scenario = std::make_shared<Scenario>(*fixture("rollback.yaml"));
  Step other;
  other.id = "second-team";
  other.action = ActionKind::restore;
  other.service = scenario->steps[0].service;
  other.to_fraction = 0.75;
  Method in_one_go;
  in_one_go.duration = Distribution::fixed(Duration::hours(2) + Duration::minutes(15));
  other.methods.push_back(in_one_go);
  scenario->steps.push_back(other);
  scenario->successors.emplace_back();
  const RunResult r = replay(*scenario);
  EXPECT_TRUE(r.steps[0].rolled_back);
  EXPECT_EQ(r.services[2].final_state, ServiceState::partial_outage);
  // web-users: 1000 for 1h, 750 for 1h, 500 for 15m, then 250 to the end.
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1000 + 750 + 125 + 250 * 1.75);
}

// web is lost at 30m, not at T0, while the step is under way: rolling back
// at 3h undoes the two waves, not the outage, which the step found no
// trace of when it started (it used to return web to that: operational).
TEST(StepSemantics, ARollbackLeavesAFaultThatStruckSince) {
  auto scenario = std::make_shared<Scenario>(*fixture("rollback.yaml"));
  scenario->faults[0].at = at(Duration::minutes(30));
  const RunResult r = replay(*scenario);
  EXPECT_TRUE(r.steps[0].rolled_back);
  EXPECT_EQ(r.services[2].final_state, ServiceState::major_outage);
  // web-users: 1000 for 30m, 750 for 1h, 500 for 1h, 1000 for the last hour.
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 500 + 750 + 500 + 1000);
}

// web's outage ends by itself at 3h30m: rolling back at 3h leaves it on
// (1000 users cut off for 30m), and its end then brings web back whole, as
// neither it nor the waves undone hold web any more (it used to keep web
// at what it served when the step started: nothing, to the end).
TEST(StepSemantics, AFaultThatEndsAfterARollbackEndsAsIfTheWavesNeverWere) {
  auto scenario = std::make_shared<Scenario>(*fixture("rollback.yaml"));
  scenario->faults[0].lasts = Distribution::fixed(Duration::hours(3) + Duration::minutes(30));
  const RunResult r = replay(*scenario);
  EXPECT_TRUE(r.steps[0].rolled_back);
  EXPECT_EQ(r.services[2].final_state, ServiceState::operational);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1000 + 750 + 500 + 500);
}

TEST(StepSemantics, AScriptedFailureIsRetriedLikeAnyOther) {
  auto scenario = std::make_shared<Scenario>(*fixture("rollback.yaml"));
  scenario->steps[0].methods[0].retries = 1;
  scenario->steps[0].methods[0].retry_delay = Distribution::fixed(Duration::minutes(15));
  scenario->horizon.reset();
  const RunResult r = replay(*scenario);
  // Wave 3 fails at 2h30m, is tried again from 2h45m (1h), and wave 4 ends
  // at 4h45m.
  EXPECT_FALSE(r.steps[0].failed);
  EXPECT_EQ(r.steps[0].attempts, 5);
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(4) + Duration::minutes(45)));
}

TEST(StepSemantics, TheNominalReplayTakesTheMedianNumberOfAttempts) {
  const auto scenario = fixture("unlikely.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_FALSE(r.steps[0].failed) << "a one-in-three step that may keep trying finishes";
  EXPECT_EQ(r.steps[0].attempts, 2);
  EXPECT_EQ(r.steps[0].completed, at(Duration::hours(2) + Duration::minutes(10)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1300);
  // The failed attempt and the retry are on the timeline, not hidden in one bar.
  std::vector<std::pair<TimelineKind, SimTime>> attempts;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::step_attempt_failed || e.kind == TimelineKind::step_retry)
      attempts.emplace_back(e.kind, e.at);
  }
  EXPECT_EQ(attempts, (std::vector<std::pair<TimelineKind, SimTime>>{
                          {TimelineKind::step_attempt_failed, at(Duration::hours(1))},
                          {TimelineKind::step_retry, at(Duration::minutes(70))}}));
}

TEST(StepSemantics, TheNominalReplayGivesUpWhenMostAttemptSequencesWould) {
  // Success 0.1 with 3 retries: 4 attempts succeed with probability
  // 1 - 0.9^4 = 0.34 < 1/2 (the median number of attempts is 7, as
  // 0.9^6 = 0.53 and 0.9^7 = 0.48), so the median outcome is giving up
  // after the fourth attempt: 1h + 3 x (10m + 1h) = 4h30m.
  auto scenario = std::make_shared<Scenario>(*fixture("unlikely.yaml"));
  scenario->steps[0].methods[0].success = 0.1;
  scenario->steps[0].methods[0].retries = 3;
  const RunResult r = replay(*scenario);
  EXPECT_TRUE(r.steps[0].failed);
  EXPECT_EQ(r.steps[0].attempts, 4);
  EXPECT_EQ(r.services[0].final_state, ServiceState::major_outage);
}

TEST(StepSemantics, WithoutAHorizonUsersLeftOutAreCountedToTheDefaultHorizon) {
  const auto scenario = fixture("half_restored.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.end, at(kDefaultHorizon));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 600 * 2 + 300 * (720 - 2));
  EXPECT_EQ(r.overall.cut_off_at_end, UserCount{300});
  EXPECT_EQ(r.user_groups[0].cut_off_at_end, UserCount{300});
  EXPECT_EQ(r.user_groups[1].cut_off_at_end, UserCount{});
}

TEST(StepSemantics, WithoutAHorizonARunWhoseUsersAreAllBackEndsAtItsLastEvent) {
  // The gate fixture has no horizon and everyone is back at 3h.
  const RunResult r = replay(*fixture("gate.yaml"));
  EXPECT_EQ(r.end, at(Duration::hours(3) + Duration::minutes(30)));
  EXPECT_EQ(r.overall.cut_off_at_end, UserCount{});
}

TEST(StepSemantics, CrewsWorkTheirShiftsAndHandOver) {
  const auto scenario = fixture("shifts.yaml");
  const RunResult r = replay(*scenario);
  const auto local = [&](StepId s) {
    return scenario->clock.local_text(*r.steps[s.value].completed);
  };
  // Friday 15:00-17:00 (2h), then Monday from 09:00 after a 30m hand-over.
  EXPECT_EQ(local(testing::step_named(*scenario, "fix-db")), "2024-01-15 11:30 GMT");
  // Ready on Saturday, started when the shift begins on Monday.
  EXPECT_EQ(scenario->clock.local_text(
                *r.steps[testing::step_named(*scenario, "weekend-check").value].started),
            "2024-01-15 09:00 GMT");
  // The overlapping shifts make one day of 08:00-21:00: 13h on Monday, then
  // 2h on Tuesday after the hand-over.
  EXPECT_EQ(local(testing::step_named(*scenario, "fix-web")), "2024-01-16 10:30 GMT");
}

// waves_at_shift_end.yaml, worked in its comments: a step under way before
// a shift starts is handed over to it, so its next wave, method or retry
// in that shift begins after the hand-over: cutting 4h of work in two waves
// does not end it a day sooner, and 2m less work ends 2m sooner.
TEST(StepSemantics, AStepUnderWayBeforeAShiftIsHandedOverToIt) {
  const auto scenario = fixture("waves_at_shift_end.yaml");
  const RunResult r = replay(*scenario);
  const auto completed = [&](const std::string& step) {
    return *r.steps[testing::step_named(*scenario, step).value].completed;
  };
  EXPECT_EQ(completed("whole"), at(Duration::hours(49)));
  EXPECT_EQ(completed("halves"), at(Duration::hours(49)));
  EXPECT_EQ(completed("shorter"), at(Duration::hours(48) + Duration::minutes(58)));
  EXPECT_EQ(completed("switch"), at(Duration::hours(25) + Duration::minutes(30)));
  EXPECT_EQ(completed("retried"), at(Duration::hours(49)));
  EXPECT_EQ(completed("late"), at(Duration::hours(50)));
}

TEST(StepSemantics, EachStepTakesTheLossOfTheUsersItBroughtBack) {
  const auto scenario = fixture("condition.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(
      r.steps[testing::step_named(*scenario, "fix-web").value].restored_loss.in_user_hours(), 1000);
  EXPECT_DOUBLE_EQ(
      r.steps[testing::step_named(*scenario, "db-fallback").value].restored_loss.in_user_hours(),
      1500);
  EXPECT_EQ(r.steps[testing::step_named(*scenario, "escalate-web").value].restored_loss,
            UserTime{});
  EXPECT_EQ(r.restored_loss_otherwise, UserTime{});
}

// Bringing users back in waves splits the loss: 250 of 1000 return at 1h
// (a quarter of 1000 user-hours), 250 of 750 at 2h (a third of the 1500
// still unassigned).
TEST(StepSemantics, UsersBroughtBackInWavesTakeTheirShare) {
  const auto scenario = fixture("rollback.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.steps[0].restored_loss.in_user_hours(), 250 + 500);
}

TEST(StepSemantics, CrewBusyTimeAndPeakAreCounted) {
  const auto scenario = fixture("shifts.yaml");
  const RunResult r = replay(*scenario);
  // day: fix-db from Friday 15:00 to Monday 11:30, weekend-check 1h.
  EXPECT_EQ(r.crews[0].busy, Duration::hours(68) + Duration::minutes(30) + Duration::hours(1));
  EXPECT_EQ(r.crews[0].peak_busy, 2);
  EXPECT_EQ(r.crews[1].busy, Duration::hours(26) + Duration::minutes(30));
  // Never beyond their sizes (2 and 1), over the runbook's span from Friday
  // 15:00 to Tuesday 10:30 (fix-web done), 91h30m.
  EXPECT_EQ(r.crews[0].beyond_size, Duration{});
  EXPECT_EQ(r.crews[0].on_hand, Duration::hours(183));
  EXPECT_EQ(r.crews[1].on_hand, Duration::hours(91) + Duration::minutes(30));
  const auto crew_lines = std::count_if(r.timeline.begin(), r.timeline.end(),
                                        [](const auto& e) { return e.kind == TimelineKind::crew; });
  EXPECT_EQ(crew_lines, 6);
}

TEST(StepSemantics, ACrewsPeakCountsTheRunsLastInstant) {
  const auto scenario = fixture("crew_peak_at_the_end.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.end, at(Duration::hours(4)));
  EXPECT_EQ(r.crews[0].peak_busy, 2);
  EXPECT_EQ(r.crews[0].busy, Duration::hours(4));
  const auto last_line = std::find_if(r.timeline.rbegin(), r.timeline.rend(),
                                      [](const auto& e) { return e.kind == TimelineKind::crew; });
  ASSERT_NE(last_line, r.timeline.rend());
  EXPECT_EQ(last_line->at, at(Duration::hours(4)));
  EXPECT_EQ(last_line->busy, 2);
}

// Found by review: utilisation divided by the crew's first size over the
// runbook's span, 75% where the crew, cut from 2 to 1, had 5 member-hours
// on hand and worked 6 (see the fixture).
TEST(StepSemantics, ACrewsMemberTimeOnHandFollowsItsResizes) {
  const auto scenario = fixture("crew_resized.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.crews[0].busy, Duration::hours(6));
  EXPECT_EQ(r.steps[2].started, at(Duration::hours(3)));
  const SimTime span_end = runbook_span_end(r);
  EXPECT_EQ(span_end, at(Duration::hours(4)));
  EXPECT_EQ(crew_on_hand(scenario->crews[0], span_end), Duration::hours(5));
  EXPECT_EQ(crew_on_hand(scenario->crews[0], at(Duration::hours(6))), Duration::hours(9));
  // Found by a later review: 6 busy over 5 on hand read 120%. The member
  // kept on fix-db past the cut is on hand too.
  EXPECT_EQ(r.crews[0].beyond_size, Duration::hours(1));
  EXPECT_EQ(r.crews[0].on_hand, Duration::hours(6));
  EXPECT_EQ(r.crews[0].utilisation(), 1.0);
}

// stalls.yaml's steps in order: triage (ops), fix-app (ops), fix-db
// (storage, after triage), notify (no crew, after triage). A resize of
// storage makes a difference while fix-db can still start: not once triage
// failed, which leaves fix-db blocked for good, nor once fix-db is done.
TEST(StepSemantics, ACrewIsNeededWhileOneOfItsStepsCanStillStart) {
  const auto scenario = fixture("stalls.yaml");
  const CrewId ops = CrewId{0};
  const CrewId storage = CrewId{1};
  using enum StepStatus;
  const std::vector<StepStatus> triage_running = {running, ready, blocked, blocked};
  EXPECT_TRUE(crew_needed(*scenario, triage_running, ops));
  EXPECT_TRUE(crew_needed(*scenario, triage_running, storage)) << "fix-db can still start";
  const std::vector<StepStatus> triage_failed = {failed, verifying, blocked, blocked};
  EXPECT_FALSE(crew_needed(*scenario, triage_failed, storage)) << "fix-db never starts";
  EXPECT_FALSE(crew_needed(*scenario, triage_failed, ops)) << "fix-app verifying holds no one";
  const std::vector<StepStatus> all_done = {done, done, done, done};
  EXPECT_FALSE(crew_needed(*scenario, all_done, storage));
}

// Over the fixtures with crews cut, emptied, on shifts or held by batches:
// no crew is ever busy for more member-time than it had on hand.
TEST(StepSemantics, NoCrewIsBusierThanItsMembersOnHand) {
  for (const std::string name :
       {"crew_resized.yaml", "crew_emptied.yaml", "resize_behind_failure.yaml", "shifts.yaml",
        "crew_peak_at_the_end.yaml", "paused_off_shift.yaml", "stalls.yaml", "together.yaml"}) {
    SCOPED_TRACE(name);
    const auto scenario = fixture(name);
    const RunResult r = replay(*scenario);
    for (const CrewOutcome& crew : r.crews) {
      EXPECT_LE(crew.busy, crew.on_hand);
      EXPECT_LE(crew.beyond_size, crew.busy);
    }
  }
}

// Found by a helper: the crew's growth at 5h, after its last step was
// done at 4h, moved End to 5h and drew a crew line there. It changes
// nothing, so the run ends at 4h, and so it does with more growths to come.
TEST(StepSemantics, AResizeAfterTheRunbookIsDoneDoesNotStretchTheRun) {
  auto scenario = std::make_shared<Scenario>(*fixture("crew_resized.yaml"));
  const auto last_crew_line = [](const RunResult& r) {
    const auto line = std::find_if(r.timeline.rbegin(), r.timeline.rend(),
                                   [](const auto& e) { return e.kind == TimelineKind::crew; });
    return line == r.timeline.rend() ? std::optional<SimTime>{} : std::optional(line->at);
  };
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.end, at(Duration::hours(4)));
  EXPECT_EQ(last_crew_line(r), at(Duration::hours(4)));
  scenario->crews[0].resized.push_back({at(Duration::hours(6)), 4});
  EXPECT_EQ(replay(*scenario).end, at(Duration::hours(4)));
  // With a horizon the run goes on to it, and the resizes are recorded.
  scenario->horizon = at(Duration::hours(8));
  const RunResult to_horizon = replay(*scenario);
  EXPECT_EQ(to_horizon.end, at(Duration::hours(8)));
  EXPECT_EQ(last_crew_line(to_horizon), at(Duration::hours(6)));
}

// Found in review: a step blocked behind one that gave up kept its crew's
// resizes as work while another step waited, and moved End to 40d.
TEST(StepSemantics, AResizeOfACrewWhoseStepsNeverStartIsNoWork) {
  const RunResult r = replay(*fixture("resize_behind_failure.yaml"));
  EXPECT_TRUE(r.steps[0].failed);
  EXPECT_FALSE(r.steps[1].started);
  EXPECT_EQ(r.end, at(kDefaultHorizon));
}

// A resize a step still waits for is work: with ops cut to none at 1h,
// x waits for a member until the growth at 5h and is done at 6h.
TEST(StepSemantics, AResizeAStepWaitsForIsWork) {
  auto scenario = std::make_shared<Scenario>(*fixture("crew_resized.yaml"));
  scenario->crews[0].resized[0].size = 0;
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.steps[2].started, at(Duration::hours(5)));
  EXPECT_EQ(r.end, at(Duration::hours(6)));
}

// Found by review: with users cut off and no horizon, refreshes a restore
// masks no longer carry the run past the default 30 days. db's outage
// reaches its consumers through caches of 100 days (first refreshes at 5d,
// 15d, ..., 95d) and is restored at 1h, before any; web is out for good.
// The run goes to 30 days, not 95: 1,000 web-users x 720h = 720,000
// user-hours, and no app-user is ever cut off.
TEST(StepSemantics, MaskedCacheRefreshesDoNotCarryARunPastItsDefaultEnd) {
  auto scenario = std::make_shared<Scenario>(*fixture("cache_ttl_restored.yaml"));
  scenario->faults[0].cache_ttl = Duration::days(100);
  Fault web = scenario->faults[0];
  web.id = "web-down";
  web.service = scenario->topology->find_service("web");
  web.cache_ttl.reset();
  scenario->faults.push_back(web);
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.end, at(Duration::days(30)));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 720'000);
  EXPECT_EQ(r.overall.cut_off_at_end, UserCount{1000});
}

// Worked out in shrunk_at_t0.yaml (found by a helper: a size change at T0
// came after the runbook's beginning, at any later instant before).
TEST(StepSemantics, ACrewResizedAtT0IsThatSizeBeforeAnyStepStarts) {
  const auto scenario = fixture("shrunk_at_t0.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 7100);
  EXPECT_EQ(r.steps[1].started, at(Duration::hours(3)));
  EXPECT_EQ(r.steps[2].completed, at(Duration::hours(6)));
  EXPECT_EQ(r.crews[0].peak_busy, 1);
  EXPECT_EQ(r.crews[0].beyond_size, Duration{});
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
