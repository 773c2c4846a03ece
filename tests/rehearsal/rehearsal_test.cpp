// The rehearsal engine: changes act from the current time on, undo goes
// back, and what it saves loads as the scenario it rehearsed.

#include "faultline/rehearsal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "faultline/loader.hpp"
#include "faultline/reports/text.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

Rehearsal open_gate() {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("runbook/fixtures/semantics/gate.yaml"), diagnostics);
  if (!r)
    throw std::runtime_error(diagnostics.to_text());
  return std::move(*r);
}

// The timeline before t, which no change made at t may alter.
std::vector<std::pair<std::int64_t, int>> past(const RunResult& r, SimTime t) {
  std::vector<std::pair<std::int64_t, int>> out;
  for (const auto& e : r.timeline) {
    if (e.at < t)
      out.emplace_back(e.at.ms, static_cast<int>(e.kind));
  }
  return out;
}

// Found in review: status showed every service operational beside the
// users cut off, and no tenant. heals_mid_batch.yaml: f (600 users) is
// back at 2h; the other five (1,500) at 3h, as the outage heals.
TEST(Rehearsal, StatusSaysWhichTenantsAreOut) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("replay/fixtures/tenants/heals_mid_batch.yaml"),
                           diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  ASSERT_FALSE(r->advance_to(SimTime{} + Duration::minutes(150)));
  const std::string during = reports::rehearsal_status_text(*r);
  EXPECT_NE(during.find("Users     1,500 cut off, 1,500 of them active\n"
                        "Tenants   5 out on some per-tenant service, 1,500 users\n"),
            std::string::npos)
      << during;
  ASSERT_FALSE(r->advance_to(SimTime{} + Duration::minutes(210)));
  const std::string after = reports::rehearsal_status_text(*r);
  EXPECT_NE(after.find("Tenants   0 out on some per-tenant service, 0 users\n"), std::string::npos)
      << after;
  auto without =
      Rehearsal::open(testing::test_path("runbook/fixtures/semantics/gate.yaml"), diagnostics);
  ASSERT_TRUE(without) << diagnostics.to_text();
  EXPECT_EQ(reports::rehearsal_status_text(*without).find("Tenants"), std::string::npos);
}

// Found in review: fail and delay of a running batch step were refused
// with the loader's words, "'fails_at' does not apply ...; remove it", of
// keys the user never wrote. heals_mid_batch.yaml's step runs from T0.
TEST(Rehearsal, ABatchStepCannotFailOrBeHeldUpAsAWhole) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("replay/fixtures/tenants/heals_mid_batch.yaml"),
                           diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  ASSERT_FALSE(r->advance_to(SimTime{} + Duration::hours(1)));
  EXPECT_EQ(r->fail("restore-sites"),
            "step 'restore-sites' restores tenants in batches, each attempted on its own; it "
            "cannot be made to fail as a whole");
  EXPECT_EQ(r->delay("restore-sites", Duration::hours(1)),
            "step 'restore-sites' restores tenants in batches, each attempted on its own; once "
            "it runs, it cannot be held up as a whole");
}

// stalls.yaml (see stalls_test): at T0+3h fix-db is ready, waiting for
// storage's shift at 08:00 on Tuesday.
TEST(Rehearsal, StatusSaysWhatAReadyStepIsWaitingFor) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("runbook/fixtures/semantics/stalls.yaml"),
                           diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  ASSERT_FALSE(r->advance_to(SimTime{} + Duration::hours(3)));
  const std::string status = reports::rehearsal_status_text(*r);
  EXPECT_NE(status.find("ready         fix-db (storage off shift until 2024-01-09 08:00 UTC)"),
            std::string::npos)
      << status;
  EXPECT_NE(status.find("verifying     fix-app (gate waiting for app until 2024-01-09 10:00 UTC)"),
            std::string::npos)
      << status;
}

// paused_off_shift.yaml (see stalls_test): at T0+4h (20:00) fix-db is under
// way, its work paused until storage's shift at 08:00 on Tuesday.
TEST(Rehearsal, StatusSaysAStepsWorkIsPaused) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("runbook/fixtures/semantics/paused_off_shift.yaml"),
                           diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  ASSERT_FALSE(r->advance_to(SimTime{} + Duration::hours(4)));
  const std::string status = reports::rehearsal_status_text(*r);
  EXPECT_NE(status.find("fix-db (storage off shift, its work paused until 2024-01-09 08:00 UTC)"),
            std::string::npos)
      << status;
}

// requires.yaml (see step_semantics_test): at T0+2h app-team is free, but
// restore-app awaits db and tune-web awaits web; post-status is done.
TEST(Rehearsal, StatusSaysWhichServicesAStepAwaits) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("runbook/fixtures/semantics/requires.yaml"),
                           diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  ASSERT_FALSE(r->advance_to(SimTime{} + Duration::hours(2)));
  EXPECT_EQ(step_status_at(r->scenario(), r->result(), StepId{0}, r->now()),
            StepStatus::awaiting_services);
  const std::string status = reports::rehearsal_status_text(*r);
  EXPECT_NE(status.find("awaiting services restore-app (requires db until 2024-01-10 12:00 UTC), "
                        "tune-web (requires web until 2024-01-10 12:00 UTC), all-clear"),
            std::string::npos)
      << status;
}

TEST(Rehearsal, AChangeLeavesThePastAsItWas) {
  Rehearsal r = open_gate();
  ASSERT_FALSE(r.next());
  ASSERT_FALSE(r.next());
  EXPECT_EQ(r.now(), SimTime{} + Duration::minutes(90));
  const auto before = past(r.result(), r.now());
  ASSERT_FALSE(r.delay("fix-db", Duration::hours(1)));
  EXPECT_EQ(past(r.result(), r.now()), before);
  EXPECT_EQ(r.result().steps[2].completed, SimTime{} + Duration::hours(4))
      << "fix-db was running: it ends an hour later";
  ASSERT_FALSE(r.add_outage("web", 0.25));
  EXPECT_EQ(past(r.result(), r.now()), before);
}

TEST(Rehearsal, DelayingAStepNotYetStartedMovesItsEarliestStart) {
  Rehearsal r = open_gate();
  ASSERT_FALSE(r.delay("announce", Duration::hours(5)));
  EXPECT_EQ(r.result().steps[3].started, SimTime{} + Duration::hours(5));
  EXPECT_TRUE(r.delay("announce", Duration::hours(1))) << "it already waits longer than that";
}

// countable/rebuild_in_30d.yaml: held up 10 days, the rebuild would take
// the run past what its users' loss can be counted for. The change is
// refused, saying so, and the rehearsal goes on from where it was.
TEST(Rehearsal, AChangeWhoseRunCannotBeFinishedIsRefused) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("replay/fixtures/countable/rebuild_in_30d.yaml"),
                           diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  EXPECT_EQ(r->result().end, SimTime{} + Duration::days(30));
  EXPECT_EQ(r->delay("rebuild", Duration::days(10)),
            "a run went on to T0+40d, past T0+35d14h57s345ms: the loss of the topology's "
            "1500000000 users cannot be counted exactly for longer (2^62 user-milliseconds); "
            "give the scenario a horizon of at most 35d14h57s345ms");
  EXPECT_FALSE(r->can_undo()) << "the refused change is no step of the rehearsal";
  EXPECT_EQ(r->result().end, SimTime{} + Duration::days(30));
  EXPECT_FALSE(r->delay("rebuild", Duration::days(5)));
  EXPECT_EQ(r->result().end, SimTime{} + Duration::days(35));
}

TEST(Rehearsal, FailingARunningStepStopsItNow) {
  Rehearsal r = open_gate();
  ASSERT_FALSE(r.advance_to(SimTime{} + Duration::hours(2)));
  ASSERT_FALSE(r.fail("fix-db"));
  EXPECT_TRUE(r.result().steps[2].failed);
  EXPECT_EQ(r.result().steps[2].crew_freed, SimTime{} + Duration::hours(2));
  EXPECT_FALSE(r.result().steps[3].started) << "announce waits on fix-app, whose gate stays shut";
}

// until_it_works.yaml's replay: restore-db's attempts run 0-1h, 1h30-2h30
// and 3h-4h, a retry awaited 30m between them (see its comments).
TEST(Rehearsal, AnAttemptIsUnderWayFromItsStartOrRetryUntilItFails) {
  const auto scenario = testing::scenario_fixture("runbook/fixtures/semantics/until_it_works.yaml");
  const RunResult r = replay(*scenario);
  const StepId db{0};
  const auto since = [&](Duration t) { return attempt_under_way_since(r, db, SimTime{} + t); };
  EXPECT_EQ(since(Duration::minutes(30)), SimTime{});
  EXPECT_EQ(since(Duration::minutes(75)), std::nullopt) << "a retry awaited";
  EXPECT_EQ(since(Duration::minutes(90)), SimTime{} + Duration::minutes(90));
  EXPECT_EQ(since(Duration::minutes(150)), std::nullopt) << "failed at its end, 2h30";
  EXPECT_EQ(since(Duration::minutes(200)), SimTime{} + Duration::hours(3));
}

TEST(Rehearsal, UndoGoesBackOneCommand) {
  Rehearsal r = open_gate();
  ASSERT_FALSE(r.resize("app-team", 0));
  EXPECT_FALSE(r.result().steps[1].started) << "cleanup has nobody to do it";
  ASSERT_FALSE(r.next());
  ASSERT_FALSE(r.undo());
  EXPECT_EQ(r.now(), SimTime{});
  EXPECT_FALSE(r.result().steps[1].started);
  ASSERT_FALSE(r.undo());
  EXPECT_EQ(r.result().steps[1].started, SimTime{} + Duration::hours(1));
  EXPECT_TRUE(r.undo()) << "nothing left to undo";
}

// The scenario gives a crew one size at each time: a second resize at an
// instant takes the place of the first, in the run and in what is saved.
TEST(Rehearsal, ASecondResizeAtAnInstantTakesThePlaceOfTheFirst) {
  Rehearsal r = open_gate();
  ASSERT_FALSE(r.resize("app-team", 0));
  ASSERT_FALSE(r.resize("app-team", 1));
  EXPECT_EQ(r.result().steps[1].started, SimTime{} + Duration::hours(1)) << "as with no resize";
  EXPECT_EQ(r.scenario().crews[0].resized.size(), 1u);
  EXPECT_EQ(r.scenario().crews[0].resized[0].size, 1);
  ASSERT_FALSE(r.undo());
  EXPECT_FALSE(r.result().steps[1].started) << "back to none";
}

// resized_at_a_date.yaml, worked in its comments.
TEST(Rehearsal, AResizeTakesThePlaceOfOneWrittenAsADate) {
  Diagnostics diagnostics;
  auto r = Rehearsal::open(testing::test_path("rehearsal/resized_at_a_date.yaml"), diagnostics);
  ASSERT_TRUE(r) << diagnostics.to_text();
  const SimTime four = SimTime{} + Duration::hours(4);
  ASSERT_FALSE(r->advance_to(four));
  ASSERT_FALSE(r->resize("ops", 2));
  ASSERT_EQ(r->scenario().crews[0].resized.size(), 1u);
  EXPECT_EQ(r->scenario().crews[0].resized[0].at, four);
  EXPECT_EQ(r->scenario().crews[0].resized[0].size, 2);
  EXPECT_EQ(r->result().steps[1].completed, SimTime{} + Duration::hours(9));
}

TEST(Rehearsal, RefusesWhatCannotBeDoneWithAReason) {
  Rehearsal r = open_gate();
  EXPECT_EQ(r.delay("fix-dbb", Duration::hours(1)),
            "unknown step 'fix-dbb' (did you mean 'fix-db'?)");
  EXPECT_EQ(r.resize("db-tem", 2), "unknown crew 'db-tem' (did you mean 'db-team'?)");
  EXPECT_TRUE(r.add_outage("nowhere", 0)->find("unknown service 'nowhere'") != std::string::npos);
  EXPECT_TRUE(r.add_outage("web", 1.5));
  ASSERT_FALSE(r.advance_to(SimTime{} + Duration::hours(4)));
  EXPECT_TRUE(r.advance_to(SimTime{} + Duration::hours(1))) << "time only goes forward";
  EXPECT_TRUE(r.fail("fix-db")->find("is done") != std::string::npos);
  EXPECT_EQ(r.now(), SimTime{} + Duration::hours(4)) << "a refused command changes nothing";
}

TEST(Rehearsal, WhatItSavesLoadsAsTheRehearsedScenario) {
  Rehearsal r = open_gate();
  ASSERT_FALSE(r.next());
  ASSERT_FALSE(r.delay("fix-db", Duration::hours(1)));
  ASSERT_FALSE(r.fail("cleanup"));
  ASSERT_FALSE(r.add_deletion("web@dc"));
  ASSERT_FALSE(r.resize("app-team", 3));
  const auto dir = std::filesystem::temp_directory_path() / "faultline-rehearsal-test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "saved.yaml").string();
  std::ofstream(path) << r.yaml(path);
  const auto load = load_scenario(path);
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  const RunResult saved = replay(*load.scenario);
  EXPECT_EQ(saved.overall.lost, r.result().overall.lost);
  EXPECT_EQ(saved.end, r.result().end);
  EXPECT_EQ(saved.timeline.size(), r.result().timeline.size());
  std::filesystem::remove_all(dir);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
