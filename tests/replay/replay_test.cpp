#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

struct Replayed {
  std::shared_ptr<const Scenario> scenario;
  RunResult result;

  const StepOutcome& step(const std::string& id) const {
    for (std::size_t i = 0; i < scenario->steps.size(); ++i) {
      if (scenario->steps[i].id == id)
        return result.steps[i];
    }
    throw std::out_of_range(id);
  }
  const ServiceOutcome& service(const std::string& id) const {
    return result.services[scenario->topology->find_service(id)->value];
  }
};

Replayed replay_fixture(const std::string& name) {
  auto load = load_scenario(testing::test_path("replay/fixtures/" + name));
  if (!load.scenario)
    throw std::runtime_error(load.diagnostics.to_text());
  return {load.scenario, replay(*load.scenario)};
}

SimTime hours(double h) {
  return SimTime{static_cast<std::int64_t>(h * 3'600'000)};
}

// capacity/hours.yaml: the states and user-hours worked out in its comments.
// Demand changes with the hours, but health looks at it only where it can
// matter; the answer is the same as looking every hour.
TEST(Replay, CapacityShortfallsFollowTheHours) {
  const auto r = replay_fixture("capacity/hours.yaml");
  std::vector<std::pair<double, ServiceState>> states;
  for (const TimelineEntry& e : r.result.timeline) {
    if (e.kind == TimelineKind::service_state)
      states.emplace_back(e.at.since_t0().in_hours(), e.to);
  }
  using enum ServiceState;
  const std::vector<std::pair<double, ServiceState>> expected = {
      {12, partial_outage}, {16, operational}, {34, partial_outage}, {36, major_outage},
      {40, partial_outage}, {48, operational}, {56, partial_outage}, {60, major_outage},
      {64, partial_outage}, {72, operational}};
  EXPECT_EQ(states, expected);
  EXPECT_EQ(r.result.overall.lost, UserTime{6200LL * 3'600'000});
  EXPECT_EQ(r.result.overall.peak_affected, UserCount{800});
  EXPECT_EQ(r.result.overall.peak_at, hours(36));
  EXPECT_EQ(r.result.overall.peak_active, UserCount{400});
}

// capacity/hours_to_noon.yaml: the same, up to a horizon in the day
// (its comments).
TEST(Replay, CapacityShortfallsUpToAHorizonInTheDay) {
  const auto r = replay_fixture("capacity/hours_to_noon.yaml");
  EXPECT_EQ(r.result.overall.lost, UserTime{3800LL * 3'600'000});
  EXPECT_EQ(r.result.overall.peak_affected, UserCount{800});
  EXPECT_EQ(r.result.overall.peak_at, hours(36));
  EXPECT_EQ(r.result.overall.peak_active, UserCount{400});
}

TEST(Replay, StepsWaitForAFreeCrewMemberInRunbookOrder) {
  const auto r = replay_fixture("crew_contention.yaml");
  EXPECT_EQ(r.step("one").started, hours(0));
  EXPECT_EQ(r.step("three").started, hours(0)) << "needs no crew";
  EXPECT_EQ(r.step("two").started, hours(1));
  EXPECT_EQ(r.step("four").started, hours(2)) << "ready at 30m, but two was ready first";
  EXPECT_EQ(r.step("four").completed, hours(3));
  EXPECT_EQ(r.step("five").started, hours(4)) << "one is done at 1h; its earliest start is 4h";
  EXPECT_EQ(r.result.end, hours(4) + Duration::minutes(10));
}

// waves.yaml: enable finishes its four waves of 1h at 1h, 2h and 3h, and
// completes at 4h; its progress lists them, as the timeline does.
TEST(Replay, ProgressListsEachFinishedWaveAndCompletion) {
  const auto r = replay_fixture("waves.yaml");
  const StepId enable{0};
  const std::vector<std::pair<SimTime, StepId>> expected{
      {hours(1), enable}, {hours(2), enable}, {hours(3), enable}, {hours(4), enable}};
  std::vector<std::pair<SimTime, StepId>> progress;
  for (const StepProgress& p : r.result.progress)
    progress.emplace_back(p.at, p.step);
  EXPECT_EQ(progress, expected);
}

TEST(Replay, WavesEnableSitesStepByStep) {
  const auto r = replay_fixture("waves.yaml");
  std::vector<std::pair<SimTime, double>> portal;
  std::vector<int> waves;
  for (const auto& e : r.result.timeline) {
    if (e.kind == TimelineKind::service_state &&
        r.scenario->topology->service(e.service()).id == "portal") {
      portal.emplace_back(e.at, e.served_fraction);
    }
    if (e.kind == TimelineKind::step_wave)
      waves.push_back(e.wave);
  }
  EXPECT_EQ(waves, (std::vector<int>{1, 2, 3}));
  // 0.2 at 1h stays a major outage: no state change until 0.5 at 2h.
  ASSERT_EQ(portal.size(), 3u);
  EXPECT_EQ(portal[0], std::make_pair(hours(0), 0.0));
  EXPECT_EQ(portal[1], std::make_pair(hours(2), 0.5));
  EXPECT_EQ(portal[2], std::make_pair(hours(4), 1.0));
  EXPECT_EQ(r.result.all_restored, hours(4)) << "portal, the one service that lost anything";
  // 40 partners: all 40 for 1h, then 32, 20 and 12 for an hour each.
  const UserImpact& partners = r.result.user_groups[1];
  EXPECT_EQ(partners.peak_affected, UserCount{40});
  EXPECT_DOUBLE_EQ(partners.lost.in_user_hours(), 40 + 32 + 20 + 12);
  EXPECT_EQ(r.service("portal").restored_at, hours(4));
}

TEST(Replay, HardDependenciesCutUsersOffAndSoftOnesOnlyDegrade) {
  const auto r = replay_fixture("propagation.yaml");
  const ServiceOutcome& api = r.service("api");
  EXPECT_EQ(api.down, Duration::hours(2));
  EXPECT_EQ(api.degraded, Duration::hours(2)) << "3h to 5h, while metrics is down";
  EXPECT_EQ(api.restored_at, hours(2)) << "degraded performance still serves everyone";
  EXPECT_EQ(api.final_state, ServiceState::operational);
  EXPECT_EQ(r.service("metrics").down, Duration::hours(2));
  EXPECT_EQ(r.step("fix-metrics").started, hours(4));

  // staff (100, api) and partners (40, portal -> api) lose 2h each; the soft
  // outage of metrics costs nobody anything.
  EXPECT_DOUBLE_EQ(r.result.user_groups[0].lost.in_user_hours(), 200);
  EXPECT_DOUBLE_EQ(r.result.user_groups[1].lost.in_user_hours(), 80);
  EXPECT_EQ(r.result.overall.peak_affected, UserCount{140});
  EXPECT_EQ(r.result.overall.peak_at, hours(0));
  EXPECT_DOUBLE_EQ(r.result.overall.lost.in_user_hours(), 280);
}

TEST(Replay, JudgesObservedMilestones) {
  const auto r = replay_fixture("propagation.yaml");
  const auto& o = r.result.observed;
  ASSERT_EQ(o.size(), 7u);
  EXPECT_EQ(o[0].difference, Duration{}) << "db down at T0, as observed";
  EXPECT_EQ(o[1].difference, Duration::minutes(30)) << "api back at 2h, observed at 1h30m";
  EXPECT_EQ(o[2].difference, Duration{}) << "deadline 3h met";
  EXPECT_EQ(o[3].difference, Duration::hours(1)) << "deadline 1h missed by an hour";
  EXPECT_EQ(o[4].difference, Duration{}) << "13:00 UTC is T0+4h";
  EXPECT_EQ(o[5].simulated, hours(5));
  EXPECT_FALSE(o[6].simulated) << "wiki never goes down";
  EXPECT_FALSE(o[6].difference);
}

TEST(Replay, DeletesSomeInstancesAndStopsAtTheHorizon) {
  const auto r = replay_fixture("partial_delete.yaml");
  ASSERT_FALSE(r.result.timeline.empty());
  EXPECT_EQ(r.result.timeline[0].kind, TimelineKind::fault);
  EXPECT_EQ(r.result.timeline[0].instances, 3);
  EXPECT_EQ(r.result.end, hours(10));
  EXPECT_EQ(r.service("db").down, Duration::hours(9));
  EXPECT_FALSE(r.service("db").restored_at) << "never rebuilt";
  EXPECT_EQ(r.service("db").final_state, ServiceState::major_outage);
  // api serves a quarter: 75 of 100 staff for 9h.
  EXPECT_DOUBLE_EQ(r.result.user_groups[0].lost.in_user_hours(), 75 * 9);
}

// standstill.yaml works out where and after how many events the run stops.
// The loader refuses such a step; this is the guard for a loop it misses.
TEST(Replay, StopsWhereTimeStandsStill) {
  Scenario scenario = *testing::scenario_fixture("replay/fixtures/standstill.yaml");
  // As loaded: a retry every minute from T0+2h, and none after T0+30d,
  // where the run ends (the default horizon) with the step unfinished.
  const RunResult minutes = replay(scenario);
  EXPECT_EQ(minutes.end, SimTime{} + kDefaultHorizon);
  EXPECT_FALSE(minutes.steps[0].completed);
  EXPECT_EQ(minutes.steps[0].attempts, 30 * 24 * 60 - 120 + 1);
  scenario.steps[0].methods[0].retry_delay = Distribution{};
  try {
    replay(scenario);
    ADD_FAILURE() << "the run went on at one instant";
  } catch (const TimeStoodStill& e) {
    EXPECT_EQ(std::string(e.what()),
              "time stood still at T0+2h (2024-01-10 11:00 UTC): a run met more than 1000000 "
              "events at that instant, the last of them the retry of step 'fix'; something in the "
              "scenario happens again and again there without time passing (an attempt, a "
              "retry or a repair that takes no time): give it a time above 0");
  }
  // A study stops with it too, whichever of its threads meets it.
  MonteCarloOptions options;
  options.runs = 2;
  options.threads = 2;
  EXPECT_THROW(simulate(scenario, options), TimeStoodStill);
}

// calendar/fixed_after_800_days.yaml works out the loss with a horizon and
// where the run stops without one.
TEST(Replay, StopsWhereItsActivityIsNoLongerLaidOut) {
  Scenario scenario =
      *testing::scenario_fixture("replay/fixtures/calendar/fixed_after_800_days.yaml");
  try {
    replay(scenario);
    ADD_FAILURE() << "the run went on past the calendar's year";
  } catch (const UnfinishedRun& e) {
    EXPECT_EQ(std::string(e.what()),
              "a run went on to T0+800d, past T0+366d: without a horizon, its users' activity "
              "and its crews' shifts are laid out that far only; give the scenario a horizon as "
              "long as its runs may go on");
  }
  scenario.horizon = SimTime{} + Duration::days(1000);
  const RunResult r = replay(scenario);
  EXPECT_EQ(r.steps[0].completed, SimTime{} + Duration::days(800) + Duration::hours(1));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 960'000);
}

// Only calendars that change hold a run to their year: always_on_after_
// 800_days.yaml goes past it, and shifts_after_800_days.yaml, the same
// with a crew on shifts, stops where its fix may start.
TEST(Replay, GoesPastTheCalendarsYearWhereNothingInThemChanges) {
  const auto always =
      testing::scenario_fixture("replay/fixtures/calendar/always_on_after_800_days.yaml");
  const RunResult r = replay(*always);
  EXPECT_EQ(r.steps[0].completed, SimTime{} + Duration::days(800) + Duration::hours(1));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1'920'100);
  const auto shifts =
      testing::scenario_fixture("replay/fixtures/calendar/shifts_after_800_days.yaml");
  EXPECT_THROW(replay(*shifts), UnfinishedRun);
}

// countable/: 1,500,000,000 users can be counted for 35d14h57s345ms (the
// fixtures' comments work it out). A rebuild of 40d without a horizon
// stops the run there; with that horizon, the run ends at it with
// everyone, always active, cut off all along: 1.5e9 users times
// 3,074,457,345 ms, just within 2^62.
TEST(Replay, StopsWhereItsUsersLossCanNoLongerBeCountedExactly) {
  const auto slow =
      load_scenario(testing::test_path("replay/fixtures/countable/slow_rebuild.yaml"));
  ASSERT_TRUE(slow.scenario) << slow.diagnostics.to_text();
  EXPECT_EQ(slow.scenario->topology->users(), UserCount{1'500'000'000});
  EXPECT_EQ(slow.scenario->topology->longest_countable(), Duration{3'074'457'345});
  try {
    replay(*slow.scenario);
    ADD_FAILURE() << "the run was counted past 2^62 user-milliseconds";
  } catch (const UncountableRun& e) {
    EXPECT_EQ(std::string(e.what()),
              "a run went on to T0+40d, past T0+35d14h57s345ms: the loss of the topology's "
              "1500000000 users cannot be counted exactly for longer (2^62 user-milliseconds); "
              "give the scenario a horizon of at most 35d14h57s345ms");
  }
  const auto r = replay_fixture("countable/slow_rebuild_within.yaml");
  EXPECT_EQ(r.result.end, SimTime{3'074'457'345});
  EXPECT_EQ(r.result.overall.cut_off_at_end, UserCount{1'500'000'000});
  EXPECT_EQ(r.result.overall.lost.user_ms, 4'611'686'017'500'000'000);
  EXPECT_LE(r.result.overall.lost.user_ms, UserTime::kMostUserMs);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline

namespace faultline {
namespace FAULTLINE_TEST_FILE {

TEST(Replay, RecoveryStepsNeverLowerAServiceAndFaultsNeverRaiseOne) {
  const auto r = replay_fixture("recovery_only_raises.yaml");
  EXPECT_EQ(r.service("db").final_state, ServiceState::operational);
  EXPECT_EQ(r.service("db").degraded, Duration{});
  // portal is slowed (api is, by metrics) but never serves less than everyone.
  EXPECT_EQ(r.service("portal").down, Duration{});
  const std::uint32_t metrics = r.scenario->topology->find_service("metrics")->value;
  for (const auto& e : r.result.timeline) {
    if (e.kind != TimelineKind::service_state)
      continue;
    EXPECT_EQ(e.served_fraction < 1.0, e.service().value == metrics)
        << "only metrics ever serves less";
  }
  // metrics serves half from T0; the 0.8 fault and the 0.2 restore change nothing.
  EXPECT_EQ(r.service("metrics").partial, Duration::hours(2)) << "a partial outage";
  EXPECT_EQ(r.service("metrics").degraded, Duration{}) << "not degraded performance";
  EXPECT_EQ(r.service("metrics").final_state, ServiceState::partial_outage);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
