// Why steps waited: each cause on a fixture whose waits are worked out by
// hand in its comments, and the property that a started step's waits
// account for all of its time from T0 to its start.

#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/stalls.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::shared_ptr<const Scenario> load(const std::string& path) {
  const bool shipped = path.starts_with("scenarios/");
  const auto loaded =
      load_scenario(shipped ? testing::source_path(path) : testing::test_path(path));
  if (!loaded.scenario)
    throw std::runtime_error(loaded.diagnostics.to_text());
  return loaded.scenario;
}

SimTime at(Duration d) {
  return SimTime{} + d;
}

constexpr Duration kMinutes30 = Duration::minutes(30);

// crew_emptied.yaml, worked in its comments.
TEST(Stalls, ACrewWithNoMembersIsNotBusyWithAStepDone) {
  const auto scenario = load("runbook/fixtures/semantics/crew_emptied.yaml");
  const RunResult result = replay(*scenario);
  const StepId fix_db = testing::step_named(*scenario, "fix-db");
  const std::vector<StepWaits> all = step_waits(*scenario, result);
  const StepWaits& waits = all[testing::step_named(*scenario, "fix-web").value];
  ASSERT_EQ(waits.waits.size(), 2u);
  EXPECT_EQ(waits.waits[0].to, at(Duration::hours(2)));
  EXPECT_EQ(std::get<CrewBusyWait>(waits.waits[0].cause).holding, std::vector<StepId>{fix_db});
  EXPECT_EQ(waits.waits[1].from, at(Duration::hours(2)));
  EXPECT_EQ(waits.waits[1].to, at(Duration::hours(5)));
  EXPECT_TRUE(std::get<CrewBusyWait>(waits.waits[1].cause).holding.empty()) << "no members";
}

// crew_emptied_at_night.yaml, worked in its comments.
TEST(Stalls, ACrewCutToNoneOffShiftWaitsForMembersFromTheCut) {
  const auto scenario = load("runbook/fixtures/semantics/crew_emptied_at_night.yaml");
  const RunResult result = replay(*scenario);
  EXPECT_DOUBLE_EQ(result.overall.lost.in_user_hours(), 41'000);
  const std::vector<StepWaits> all = step_waits(*scenario, result);
  const auto& web = all[testing::step_named(*scenario, "fix-web").value].waits;
  ASSERT_EQ(web.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<OffShiftWait>(web[0].cause));
  EXPECT_EQ(web[0].from, at(Duration{}));
  EXPECT_EQ(web[0].to, at(Duration::hours(2)));
  EXPECT_TRUE(std::get<CrewBusyWait>(web[1].cause).holding.empty()) << "no members";
  EXPECT_EQ(web[1].from, at(Duration::hours(2)));
  EXPECT_EQ(web[1].to, at(Duration::hours(40)));
}

// crew_emptied_off_shift.yaml, worked in its comments.
TEST(Stalls, ACrewWithNobodyOnItWaitsForMembersOnShiftOrOff) {
  const auto scenario = load("runbook/fixtures/semantics/crew_emptied_off_shift.yaml");
  const RunResult result = replay(*scenario);
  const std::vector<StepWaits> all = step_waits(*scenario, result);
  const auto& web = all[testing::step_named(*scenario, "fix-web").value].waits;
  ASSERT_EQ(web.size(), 2u);
  EXPECT_EQ(web[0].to, at(Duration::hours(2)));
  EXPECT_FALSE(std::get<CrewBusyWait>(web[0].cause).holding.empty());
  EXPECT_EQ(web[1].from, at(Duration::hours(2)));
  EXPECT_EQ(web[1].to, at(Duration::hours(53)));
  EXPECT_TRUE(std::get<CrewBusyWait>(web[1].cause).holding.empty()) << "no members";
  EXPECT_FALSE(web[1].at_end);

  const auto& audit = all[testing::step_named(*scenario, "audit").value].waits;
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<PredecessorsWait>(audit[0].cause));
  EXPECT_EQ(audit[1].from, at(Duration::hours(2)));
  EXPECT_EQ(audit[1].to, at(Duration::hours(72)));
  EXPECT_TRUE(std::get<CrewBusyWait>(audit[1].cause).holding.empty()) << "no members";
  EXPECT_TRUE(audit[1].at_end);
}

// The batch's wait, its cause and the run's loss, worked out by hand in the
// fixture's comments.
struct BatchWaitCase {
  const char* fixture;
  Duration from;
  Duration to;
  int crew_size;
  std::vector<std::string> holding;
  bool at_end;
  double user_hours;
};

TEST(Stalls, ABatchWaitingForCrewMembersIsAWait) {
  const std::vector<BatchWaitCase> cases = {
      {"members_cut.yaml", Duration::hours(1), Duration::hours(24), 1, {}, false, 15'500},
      {"members_short_at_start.yaml", Duration{}, Duration::hours(24), 1, {}, false, 28'100},
      {"members_none_never_starts.yaml", Duration{}, Duration::hours(12), 0, {}, true, 13'200},
      {"members_held_at_start.yaml",
       Duration{},
       Duration::hours(2),
       3,
       {"fix-a", "fix-b"},
       false,
       3'900},
      {"members_held.yaml", Duration{}, Duration::hours(3), 2, {"fix-app"}, false, 11'400},
      {"members_emptied.yaml", Duration::hours(4), Duration::hours(48), 0, {}, true, 51'200},
      {"members_then_own.yaml", Duration{}, Duration::hours(3), 3, {"fix-app"}, false, 8'500},
      {"members_until_the_wait_ends.yaml",
       Duration{},
       Duration::hours(3),
       3,
       {"fix-a", "fix-b"},
       false,
       7'300},
      {"members_cut_off_shift.yaml",
       Duration::hours(1),
       Duration::hours(48),
       1,
       {},
       false,
       29'900}};
  for (const BatchWaitCase& c : cases) {
    SCOPED_TRACE(c.fixture);
    const auto scenario = load(std::string("replay/fixtures/tenants/") + c.fixture);
    const RunResult result = replay(*scenario);
    EXPECT_DOUBLE_EQ(result.overall.lost.in_user_hours(), c.user_hours);
    // The fixture's restore-tenants step.
    std::uint32_t restore = 0;
    while (!scenario->steps[restore].batches)
      ++restore;
    const std::vector<StepWaits> all = step_waits(*scenario, result);
    const auto& waits = all[restore].waits;
    ASSERT_EQ(waits.size(), 1u);
    EXPECT_EQ(waits[0].from, at(c.from));
    EXPECT_EQ(waits[0].to, at(c.to));
    EXPECT_EQ(waits[0].at_end, c.at_end);
    const auto& batch = std::get<BatchMembersWait>(waits[0].cause);
    EXPECT_EQ(scenario->crews[batch.crew.value].id, "ops");
    EXPECT_EQ(batch.crew_size, c.crew_size);
    std::vector<std::string> holding;
    for (const StepId s : batch.holding)
      holding.push_back(scenario->steps[s.value].id);
    EXPECT_EQ(holding, c.holding);
  }
}

// members_held_across_the_start.yaml, worked in its comments: the wait to
// start and the second batch's wait are two, each naming its own holders.
TEST(Stalls, ABatchStepsWaitToStartIsApartFromItsBatchesWaits) {
  const auto scenario = load("replay/fixtures/tenants/members_held_across_the_start.yaml");
  const RunResult result = replay(*scenario);
  EXPECT_DOUBLE_EQ(result.overall.lost.in_user_hours(), 7'200);
  const StepId r = testing::step_named(*scenario, "r");
  const std::vector<StepWaits> all = step_waits(*scenario, result);
  const auto& waits = all[r.value].waits;
  ASSERT_EQ(waits.size(), 2u);
  const auto holders = [&](const Wait& w) {
    std::vector<std::string> ids;
    for (const StepId s : std::get<BatchMembersWait>(w.cause).holding)
      ids.push_back(scenario->steps[s.value].id);
    return ids;
  };
  EXPECT_EQ(waits[0].from, at(Duration{}));
  EXPECT_EQ(waits[0].to, at(Duration::hours(1)));
  EXPECT_EQ(holders(waits[0]), (std::vector<std::string>{"fix-a", "fix-b", "fix-c"}));
  EXPECT_EQ(waits[1].from, at(Duration::hours(1)));
  EXPECT_EQ(waits[1].to, at(Duration::hours(2)));
  EXPECT_EQ(holders(waits[1]), (std::vector<std::string>{"fix-b", "fix-c"}));
}

// members_cut_at_night.yaml, worked in its comments.
TEST(Stalls, ABatchWaitsForMembersFromACutOffShift) {
  const auto scenario = load("replay/fixtures/tenants/members_cut_at_night.yaml");
  const RunResult result = replay(*scenario);
  EXPECT_DOUBLE_EQ(result.overall.lost.in_user_hours(), 44'200);
  const std::vector<StepWaits> all = step_waits(*scenario, result);
  const auto& waits = all[0].waits;
  ASSERT_EQ(waits.size(), 3u);
  EXPECT_TRUE(std::get<OffShiftWait>(waits[0].cause).work_paused);
  EXPECT_EQ(waits[0].from, at(Duration::hours(8)));
  EXPECT_EQ(waits[0].to, at(Duration::hours(11)));
  EXPECT_EQ(waits[1].from, at(Duration::hours(11)));
  EXPECT_EQ(std::get<BatchMembersWait>(waits[1].cause).crew_size, 1);
  EXPECT_EQ(waits[1].to, at(Duration::hours(24)));
  EXPECT_EQ(waits[2].from, at(Duration::hours(32)));
  EXPECT_EQ(waits[2].to, at(Duration::hours(48)));
  EXPECT_TRUE(std::get<OffShiftWait>(waits[2].cause).work_paused);
}

// members_emptied.yaml: the batches hold ops's member, not the step
// between them.
TEST(Stalls, AStepWaitsForACrewOnlyWhileItsBatchesHoldIt) {
  const auto scenario = load("replay/fixtures/tenants/members_emptied.yaml");
  const RunResult result = replay(*scenario);
  const std::vector<StepWaits> all = step_waits(*scenario, result);
  const StepWaits& audit = all[testing::step_named(*scenario, "audit").value];
  ASSERT_EQ(audit.waits.size(), 2u);
  EXPECT_EQ(std::get<CrewBusyWait>(audit.waits[0].cause).holding,
            std::vector<StepId>{testing::step_named(*scenario, "restore-sites")});
  EXPECT_EQ(audit.waits[0].to, at(Duration::hours(4)));
  EXPECT_TRUE(std::get<CrewBusyWait>(audit.waits[1].cause).holding.empty()) << "no members";
  EXPECT_EQ(audit.waits[1].to, at(Duration::hours(48)));
  EXPECT_TRUE(audit.waits[1].at_end);
}

TEST(Stalls, EachCauseIsNamedWithWhatTheStepWaitedFor) {
  const auto scenario = load("runbook/fixtures/semantics/stalls.yaml");
  const RunResult result = replay(*scenario);
  const auto waits = step_waits(*scenario, result);
  const StepId triage = testing::step_named(*scenario, "triage");
  const StepId fix_app = testing::step_named(*scenario, "fix-app");
  const StepId fix_db = testing::step_named(*scenario, "fix-db");
  const StepId notify = testing::step_named(*scenario, "notify");

  EXPECT_TRUE(waits[triage.value].waits.empty());

  const auto& app = waits[fix_app.value].waits;
  ASSERT_EQ(app.size(), 2u);
  EXPECT_EQ(app[0].from, SimTime{});
  EXPECT_EQ(app[0].to, at(kMinutes30));
  const auto& busy = std::get<CrewBusyWait>(app[0].cause);
  EXPECT_EQ(scenario->crews[busy.crew.value].id, "ops");
  EXPECT_EQ(busy.holding, std::vector<StepId>{triage});
  EXPECT_EQ(app[1].from, at(Duration::minutes(90)));
  EXPECT_EQ(app[1].to, at(Duration::hours(14)));
  const auto& gate = std::get<GateWait>(app[1].cause);
  ASSERT_EQ(gate.services.size(), 1u);
  EXPECT_EQ(scenario->topology->service(gate.services[0]).id, "app");

  const auto& db = waits[fix_db.value].waits;
  ASSERT_EQ(db.size(), 2u);
  EXPECT_EQ(std::get<PredecessorsWait>(db[0].cause).last, triage);
  EXPECT_EQ(db[0].to, at(kMinutes30));
  EXPECT_EQ(db[1].from, at(kMinutes30));
  EXPECT_EQ(db[1].to, at(Duration::hours(12)));
  EXPECT_EQ(scenario->crews[std::get<OffShiftWait>(db[1].cause).crew.value].id, "storage");

  const auto& n = waits[notify.value].waits;
  ASSERT_EQ(n.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<PredecessorsWait>(n[0].cause));
  EXPECT_TRUE(std::holds_alternative<EarliestStartWait>(n[1].cause));
  EXPECT_EQ(n[1].from, at(kMinutes30));
  EXPECT_EQ(n[1].to, at(Duration::hours(1)));
  EXPECT_EQ(waits[notify.value].stalled(), kMinutes30);

  const auto ranked = stalls(waits);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].step, fix_app);
  EXPECT_EQ(ranked[0].wait.length(), Duration::minutes(750));
  EXPECT_EQ(ranked[1].step, fix_db);
  EXPECT_EQ(ranked[1].wait.length(), Duration::minutes(690));
  EXPECT_EQ(ranked[2].step, fix_app);
  EXPECT_TRUE(std::holds_alternative<CrewBusyWait>(ranked[2].wait.cause));
  EXPECT_EQ(ranked[3].step, notify);

  // The wait under way at a time, as the rehearsal asks for it.
  const Wait* now = waits[fix_db.value].waiting_at(at(Duration::hours(3)));
  ASSERT_NE(now, nullptr);
  EXPECT_TRUE(std::holds_alternative<OffShiftWait>(now->cause));
  EXPECT_EQ(waits[fix_db.value].waiting_at(at(Duration::hours(12))), nullptr);
}

// requires.yaml: tune-web waits for its busy crew until web falls at 1h,
// then for web until 3h, though its crew is free from 2h, then for its crew.
TEST(Stalls, AServiceNotAsRequiredIsTheCauseWhateverTheCrewDoes) {
  const auto scenario = load("runbook/fixtures/semantics/requires.yaml");
  const RunResult result = replay(*scenario);
  const auto waits = step_waits(*scenario, result);
  const auto service = [&](const Wait& w) {
    const auto& services = std::get<RequirementWait>(w.cause).services;
    return services.size() == 1 ? scenario->topology->service(services[0]).id : "";
  };

  const auto& tune = waits[testing::step_named(*scenario, "tune-web").value].waits;
  ASSERT_EQ(tune.size(), 3u);
  EXPECT_EQ(tune[0].from, SimTime{});
  EXPECT_EQ(tune[0].to, at(Duration::hours(1)));
  EXPECT_EQ(std::get<CrewBusyWait>(tune[0].cause).holding,
            std::vector<StepId>{testing::step_named(*scenario, "cleanup")});
  EXPECT_EQ(tune[1].from, at(Duration::hours(1)));
  EXPECT_EQ(tune[1].to, at(Duration::hours(3)));
  EXPECT_EQ(service(tune[1]), "web");
  EXPECT_EQ(cause_name(tune[1].cause), "requires");
  EXPECT_EQ(std::get<CrewBusyWait>(tune[2].cause).holding,
            std::vector<StepId>{testing::step_named(*scenario, "restore-app")});
  EXPECT_EQ(tune[2].to, at(Duration::hours(4)));

  const auto& app = waits[testing::step_named(*scenario, "restore-app").value].waits;
  ASSERT_EQ(app.size(), 1u);
  EXPECT_EQ(app[0].to, at(Duration::hours(3)));
  EXPECT_EQ(service(app[0]), "db");

  const auto& clear = waits[testing::step_named(*scenario, "all-clear").value].waits;
  ASSERT_EQ(clear.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<EarliestStartWait>(clear[0].cause));
  EXPECT_EQ(clear[1].from, at(Duration::minutes(90)));
  EXPECT_EQ(clear[1].to, at(Duration::hours(3)));
  EXPECT_EQ(service(clear[1]), "web");
  EXPECT_TRUE(waits[testing::step_named(*scenario, "post-status").value].waits.size() == 1)
      << "only its not_before: web in partial outage is as it needs";
}

TEST(Stalls, WaitsUnderWayAtTheEndSaySo) {
  const auto scenario = load("runbook/fixtures/semantics/stalls_cut_short.yaml");
  const RunResult result = replay(*scenario);
  const auto waits = step_waits(*scenario, result);
  const auto& db = waits[testing::step_named(*scenario, "fix-db").value].waits;
  ASSERT_EQ(db.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<OffShiftWait>(db[1].cause));
  EXPECT_EQ(db[1].length(), Duration::minutes(570));
  EXPECT_TRUE(db[1].at_end);
  EXPECT_FALSE(db[0].at_end);
  const auto& app = waits[testing::step_named(*scenario, "fix-app").value].waits;
  ASSERT_EQ(app.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<GateWait>(app[1].cause));
  EXPECT_EQ(app[1].length(), Duration::minutes(510));
  EXPECT_TRUE(app[1].at_end);
  EXPECT_FALSE(app[0].at_end);
}

// shifts.yaml: weekend-check may not start before Saturday 10:00, and its
// crew works on weekdays only, so it waits for its earliest start from
// Friday 15:00, then for the shift from Saturday 10:00 to Monday 09:00.
TEST(Stalls, AReadyStepWaitsForItsCrewsShiftAndWorkUnderWayPauses) {
  const auto scenario = load("runbook/fixtures/semantics/shifts.yaml");
  const RunResult result = replay(*scenario);
  const auto waits = step_waits(*scenario, result);
  const auto& w = waits[testing::step_named(*scenario, "weekend-check").value].waits;
  ASSERT_EQ(w.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<EarliestStartWait>(w[0].cause));
  EXPECT_EQ(scenario->clock.local_text(w[0].to), "2024-01-13 10:00 GMT");
  EXPECT_TRUE(std::holds_alternative<OffShiftWait>(w[1].cause));
  EXPECT_EQ(scenario->clock.local_text(w[1].from), "2024-01-13 10:00 GMT");
  EXPECT_EQ(scenario->clock.local_text(w[1].to), "2024-01-15 09:00 GMT");
  // fix-db's work (step_semantics_test) pauses from Friday 17:00 until the
  // Monday shift starts; the 30m hand-over after it counts as work time.
  const auto& db = waits[testing::step_named(*scenario, "fix-db").value].waits;
  ASSERT_EQ(db.size(), 1u);
  EXPECT_TRUE(std::get<OffShiftWait>(db[0].cause).work_paused);
  EXPECT_EQ(scenario->clock.local_text(db[0].from), "2024-01-12 17:00 GMT");
  EXPECT_EQ(scenario->clock.local_text(db[0].to), "2024-01-15 09:00 GMT");
}

// paused_off_shift.yaml, worked in its comments: work under way pauses
// while its crew is off shift, but not while it waits to retry.
TEST(Stalls, WorkPausedOffShiftIsAWait) {
  const auto scenario = load("runbook/fixtures/semantics/paused_off_shift.yaml");
  const RunResult result = replay(*scenario);
  const StepId fix_db = testing::step_named(*scenario, "fix-db");
  const StepId fix_web = testing::step_named(*scenario, "fix-web");
  EXPECT_EQ(result.steps[fix_db.value].completed, at(Duration::minutes(18 * 60 + 30)));
  EXPECT_EQ(result.steps[fix_web.value].completed, at(Duration::minutes(19 * 60 + 30)));
  const auto waits = step_waits(*scenario, result);
  const auto paused = [&](const Wait& w, std::string_view crew) {
    const auto* off = std::get_if<OffShiftWait>(&w.cause);
    return off && off->work_paused && scenario->crews[off->crew.value].id == crew && !w.at_end;
  };

  const auto& db = waits[fix_db.value].waits;
  ASSERT_EQ(db.size(), 1u);
  EXPECT_TRUE(paused(db[0], "storage"));
  EXPECT_EQ(db[0].from, at(Duration::hours(2)));
  EXPECT_EQ(db[0].to, at(Duration::hours(16)));

  const auto& web = waits[fix_web.value].waits;
  ASSERT_EQ(web.size(), 1u);
  EXPECT_TRUE(paused(web[0], "web-team"));
  EXPECT_EQ(web[0].from, at(Duration::minutes(150))) << "not while it waited to retry";
  EXPECT_EQ(web[0].to, at(Duration::hours(16)));

  const auto ranked = stalls(waits);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].step, fix_db);
  EXPECT_EQ(ranked[1].step, fix_web);
  EXPECT_EQ(waits[fix_web.value].stalled(), Duration::minutes(810));
  // As the rehearsal asks for it: paused at 20:00, working again at 09:00.
  const Wait* now = waits[fix_db.value].waiting_at(at(Duration::hours(4)));
  ASSERT_NE(now, nullptr);
  EXPECT_TRUE(paused(*now, "storage"));
  EXPECT_EQ(waits[fix_db.value].waiting_at(at(Duration::hours(17))), nullptr);
}

// paused_at_the_end.yaml: a pause under way as the run ends says so.
TEST(Stalls, WorkPausedAtTheEndSaysSo) {
  const auto scenario = load("runbook/fixtures/semantics/paused_at_the_end.yaml");
  const RunResult result = replay(*scenario);
  const auto waits = step_waits(*scenario, result);
  const auto& db = waits[testing::step_named(*scenario, "fix-db").value].waits;
  ASSERT_EQ(db.size(), 1u);
  EXPECT_TRUE(std::get<OffShiftWait>(db[0].cause).work_paused);
  EXPECT_EQ(db[0].from, at(Duration::hours(2)));
  EXPECT_EQ(db[0].to, at(Duration::hours(6)));
  EXPECT_TRUE(db[0].at_end);
}

// Over every runbook fixture: a started step's waits up to its start are
// back to back from T0, so no time before a start goes unexplained.
TEST(Stalls, WaitsAccountForAllTheTimeBeforeAStart) {
  for (const std::string path :
       {"runbook/fixtures/semantics/stalls.yaml", "runbook/fixtures/semantics/shifts.yaml",
        "runbook/fixtures/semantics/gate.yaml", "runbook/fixtures/semantics/condition.yaml",
        "runbook/fixtures/semantics/together.yaml", "runbook/fixtures/six_jobs.yaml",
        "runbook/fixtures/layered.yaml", "replay/fixtures/crew_contention.yaml",
        "runbook/fixtures/semantics/crew_emptied.yaml",
        "runbook/fixtures/semantics/crew_emptied_off_shift.yaml",
        "replay/fixtures/tenants/members_emptied.yaml",
        "replay/fixtures/tenants/members_until_the_wait_ends.yaml",
        "scenarios/webex-2018-09-25.yaml", "scenarios/webex-dc-us-loss.yaml"}) {
    SCOPED_TRACE(path);
    const auto scenario = load(path);
    const RunResult result = replay(*scenario);
    const auto waits = step_waits(*scenario, result);
    for (std::uint32_t s = 0; s < scenario->steps.size(); ++s) {
      const auto& started = result.steps[s].started;
      if (!started)
        continue;
      SCOPED_TRACE(scenario->steps[s].id);
      SimTime reached{};
      for (const Wait& w : waits[s].waits) {
        if (w.from >= *started)
          break;
        EXPECT_EQ(w.from, reached);
        reached = w.to;
      }
      EXPECT_EQ(reached, *started);
    }
  }
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
