// Degradations (packet loss, added latency, lost capacity) and the health
// checks that turn them into cascades, each on a fixture in
// replay/fixtures/degradation whose answer is worked out by hand in its
// comments.

#include <gtest/gtest.h>

#include <algorithm>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/json.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::string path(const std::string& name) {
  return testing::test_path("replay/fixtures/degradation/" + name);
}

std::shared_ptr<const Scenario> fixture(const std::string& name) {
  return testing::scenario_fixture("replay/fixtures/degradation/" + name);
}

SimTime at(Duration d) {
  return SimTime{} + d;
}

// (time, deployment id) of each entry of the kind about a deployment.
std::vector<std::pair<SimTime, std::string>> deployments_at(const Scenario& scenario,
                                                            const RunResult& r, TimelineKind kind) {
  std::vector<std::pair<SimTime, std::string>> out;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == kind)
      out.emplace_back(e.at, scenario.topology->deployment(e.deployment()).id);
  }
  return out;
}

using testing::cut_off;

using Times = std::vector<std::pair<SimTime, std::string>>;

TEST(Degradation, PacketLossAtABoundaryOverloadsTheOtherRegionUntilEveryoneIsDown) {
  const auto scenario = fixture("cascade.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_failed),
            (Times{{SimTime{}, "api@east"}}));
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::overloaded),
            (Times{{at(Duration::minutes(10)), "api@west"}}))
      << "east alone again at 1h would fall at 1h10m; west is back at 1h05m";
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_passed),
            (Times{{at(Duration::hours(1)), "api@east"}}));
  EXPECT_EQ(cut_off(r),
            (std::vector<std::pair<SimTime, std::int64_t>>{{SimTime{}, 200},
                                                           {at(Duration::minutes(10)), 1000},
                                                           {at(Duration::hours(1)), 200},
                                                           {at(Duration::minutes(65)), 0}}));
  EXPECT_NEAR(r.overall.lost.in_user_hours(), 200.0 / 6 + 1000.0 * 5 / 6 + 200.0 / 12, 1e-6);
  EXPECT_EQ(r.end, at(Duration::minutes(65)));
}

TEST(Degradation, ADeepCheckTurnsALossInOneRegionIntoAnOutageEverywhere) {
  const auto scenario = fixture("deep.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_failed),
            (Times{{SimTime{}, "web@east"}, {SimTime{}, "api@east"}, {SimTime{}, "api@west"}}));
  std::vector<double> probe_loss;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::check_failed)
      probe_loss.push_back(e.packet_loss);
  }
  ASSERT_EQ(probe_loss.size(), 3u);
  EXPECT_NEAR(probe_loss[0], 0.3, 1e-12) << "web@east's own loss";
  EXPECT_NEAR(probe_loss[1], 1 - 0.7 * 0.7, 1e-12) << "api@east's and auth's";
  EXPECT_NEAR(probe_loss[2], 0.3, 1e-12) << "auth's, through api@west";
  EXPECT_EQ(r.services[1].final_state, ServiceState::operational);
  EXPECT_EQ(r.services[1].partial, Duration::minutes(30)) << "web served half";
  EXPECT_EQ(r.services[1].degraded, Duration{}) << "a partial outage, not a slowdown";
  EXPECT_EQ(r.services[2].down, Duration::minutes(30)) << "api served nobody";
  EXPECT_EQ(r.services[0].degraded, Duration::minutes(30)) << "auth, slowed by its loss";
  EXPECT_EQ(r.services[0].partial, Duration{}) << "auth serves everyone, slowed";
  EXPECT_DOUBLE_EQ(r.user_groups[0].lost.in_user_hours(), 25);
  EXPECT_DOUBLE_EQ(r.user_groups[1].lost.in_user_hours(), 500);
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_passed).size(), 3u);
  EXPECT_EQ(r.end, at(Duration::minutes(30)));
}

TEST(Degradation, ADeepCheckFailsOnADependencysLatency) {
  const auto scenario = fixture("slow.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_failed),
            (Times{{SimTime{}, "api@east"}, {SimTime{}, "api@west"}}));
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::check_failed) {
      EXPECT_DOUBLE_EQ(e.added_latency_ms, 800);
    }
  }
  EXPECT_EQ(r.services[1].degraded, Duration::hours(1)) << "web: slower, serving everyone";
  EXPECT_EQ(r.user_groups[0].peak_affected, UserCount{});
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1000);
}

TEST(Degradation, LostCapacityCutsServiceAndAMitigationCallsOffItsEndByItself) {
  const auto scenario = fixture("throttled.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_TRUE(deployments_at(*scenario, r, TimelineKind::check_failed).empty());
  EXPECT_EQ(r.overall.peak_affected, UserCount{50});
  EXPECT_NEAR(r.overall.lost.in_user_hours(), 50.0 / 3, 1e-9);
  EXPECT_EQ(r.end, at(Duration::minutes(20))) << "the end at 2h no longer comes";
  EXPECT_TRUE(std::none_of(r.timeline.begin(), r.timeline.end(), [](const TimelineEntry& e) {
    return e.kind == TimelineKind::fault_healed;
  }));
}

TEST(Degradation, AnActiveDeploymentOutOfRotationFailsOver) {
  const auto scenario = fixture("fails_over.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(cut_off(r), (std::vector<std::pair<SimTime, std::int64_t>>{
                            {SimTime{}, 100}, {at(Duration::minutes(15)), 0}}));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 25);
}

TEST(Degradation, ADeepCheckFailsWhereADependencyDoesNotServeWithNoDegradation) {
  const auto scenario = fixture("unserved.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_failed),
            (Times{{SimTime{}, "api@east"}, {SimTime{}, "api@west"}}));
  EXPECT_DOUBLE_EQ(r.user_groups[0].lost.in_user_hours(), 50) << "web serves what auth does";
  EXPECT_DOUBLE_EQ(r.user_groups[1].lost.in_user_hours(), 1000) << "api serves nobody";
}

TEST(Degradation, TwoDegradationsOnADeploymentCompound) {
  const auto scenario = fixture("overlap.yaml");
  EXPECT_EQ(scenario->faults[1].deployments.size(), 1u) << "listed twice, degraded once";
  const RunResult r = replay(*scenario);
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_failed),
            (Times{{at(Duration::minutes(30)), "web@east"}}));
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind == TimelineKind::check_failed) {
      EXPECT_NEAR(e.packet_loss, 1 - 0.95 * 0.94, 1e-12);
    }
  }
  EXPECT_EQ(deployments_at(*scenario, r, TimelineKind::check_passed),
            (Times{{at(Duration::minutes(90)), "web@east"}}));
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 50);
  EXPECT_EQ(r.services[2].degraded, Duration::hours(2)) << "api slowed, every check within 10%";
}

TEST(Degradation, SlownessIsNotPassedRoundACycleSoItEnds) {
  const auto scenario = fixture("cycle_slow.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(r.services[0].degraded, Duration::hours(1));
  EXPECT_EQ(r.services[0].final_state, ServiceState::operational);
  EXPECT_EQ(r.services[1].final_state, ServiceState::operational);
}

TEST(Degradation, TheReplayJsonSaysWhatADegradationDoesAndWhatTheProbesMet) {
  const auto scenario = fixture("deep.yaml");
  const auto json = reports::replay_json(*scenario, replay(*scenario));
  const auto& timeline = json["timeline"];
  const auto fault = std::find_if(timeline.begin(), timeline.end(),
                                  [](const auto& e) { return e["kind"] == "fault"; });
  ASSERT_NE(fault, timeline.end());
  EXPECT_EQ((*fault)["deployments"].get<std::vector<std::string>>(),
            (std::vector<std::string>{"auth@east", "web@east", "api@east"}));
  EXPECT_DOUBLE_EQ((*fault)["packet_loss"].get<double>(), 0.3);
  EXPECT_EQ((*fault)["added_latency_ms"], 0);
  EXPECT_DOUBLE_EQ((*fault)["capacity"].get<double>(), 1.0);
  const auto check = std::find_if(timeline.begin(), timeline.end(),
                                  [](const auto& e) { return e["kind"] == "check_failed"; });
  ASSERT_NE(check, timeline.end());
  EXPECT_EQ((*check)["deployment"], "web@east");
  EXPECT_DOUBLE_EQ((*check)["probe_packet_loss"].get<double>(), 0.3);
}

// deep_uncertain: mean 525 user-hours, sd 101.04 a run, so a standard
// error of 2.26 over 2000 runs.
TEST(Degradation, MonteCarloMatchesTheMeanAndIsTheSameOnOneThreadOrTwo) {
  const auto scenario = fixture("deep_uncertain.yaml");
  MonteCarloOptions options;
  options.runs = 2000;
  options.threads = 1;
  const MonteCarloResult one = simulate(*scenario, options);
  options.threads = 2;
  const MonteCarloResult two = simulate(*scenario, options);
  EXPECT_EQ(reports::simulation_json(*scenario, one), reports::simulation_json(*scenario, two));
  EXPECT_NEAR(one.overall.user_seconds_lost.mean() / 3600, 525, 4 * 2.26);
  EXPECT_GE(one.overall.user_seconds_lost.summary().min, 1050 * 20 * 60.0 - 1e-6);
  EXPECT_LE(one.overall.user_seconds_lost.summary().max, 1050 * 40 * 60.0 + 1e-6);
}

TEST(Degradation, EachMistakeInADegradationOrItsMitigationIsALocatedError) {
  const auto load = load_scenario(path("bad_degradation.yaml"));
  ASSERT_FALSE(load.scenario);
  const Diagnostics& d = load.diagnostics;
  EXPECT_TRUE(testing::has_error(d, 6, 5, "fault 'nothing' degrades nothing; give at least one"));
  EXPECT_TRUE(testing::has_error(d, 7, 67, "capacity of fault 'gone' is 0, which is an outage"));
  EXPECT_TRUE(testing::has_error(d, 8, 71, "packet_loss of fault 'lossy' must be between 0 and 1"));
  EXPECT_TRUE(testing::has_error(d, 9, 5, "fault 'nowhere' needs exactly one of 'deployments'"));
  EXPECT_TRUE(testing::has_error(d, 11, 58,
                                 "unknown key 'packet_los' in a fault (did you mean "
                                 "'packet_loss'?)"));
  EXPECT_TRUE(testing::has_error(d, 15, 52,
                                 "fault 'outage' is not a degradation, so there is "
                                 "nothing to mitigate"));
  EXPECT_TRUE(testing::has_error(d, 12, 5, "fault 'neutral' degrades nothing"));
  EXPECT_TRUE(testing::has_error(d, 13, 77,
                                 "packet_loss of fault 'black-hole' is 1: nothing gets "
                                 "through"));
  EXPECT_TRUE(testing::has_error(d, 16, 53, "unknown fault 'lossy-boundry'"));
}

TEST(Degradation, EachMistakeInAHealthCheckIsALocatedError) {
  const auto load = load_topology(path("bad_check.yaml"));
  ASSERT_FALSE(load.topology);
  const Diagnostics& d = load.diagnostics;
  EXPECT_EQ(d.error_count(), 6u) << d.to_text();
  EXPECT_TRUE(testing::has_error(d, 4, 62, "the health_check of service 'never' never fails"));
  EXPECT_TRUE(testing::has_error(d, 5, 62,
                                 "unknown key 'max_packet_los' in the health_check of "
                                 "service 'typo' (did you mean 'max_packet_loss'?)"));
  EXPECT_TRUE(testing::has_error(d, 6, 80,
                                 "max_packet_loss of the health_check of service "
                                 "'lossy' must be between 0 and 1, found 2"));
  EXPECT_TRUE(testing::has_error(d, 7, 75,
                                 "max_latency of the health_check of service 'slow' "
                                 "must be a duration"));
  EXPECT_TRUE(testing::has_error(d, 8, 85,
                                 "deep of the health_check of service 'deep' must be "
                                 "true or false"));
}

TEST(Degradation, NetworkFidelityRefusesADegradationAndADeepCheck) {
  EXPECT_THROW(replay_network(*fixture("deep.yaml"), NetworkOptions{}), std::invalid_argument);
  EXPECT_THROW(replay_network(*fixture("unserved.yaml"), NetworkOptions{}), std::invalid_argument)
      << "no degradation, but a deep check the platform would not apply";
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
