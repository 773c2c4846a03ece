// faultline export: game-day.yaml as a Chaos Toolkit experiment and an AWS
// FIS template, against the answer worked out by hand in its comments.
// tests/exports/check_experiments.py checks the formats' rules (CLI test).

#include "faultline/reports/chaos.hpp"

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using nlohmann::ordered_json;

class GameDay : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = testing::scenario_fixture("exports/fixtures/game-day.yaml");
    replay_ = replay(*scenario_);
  }

  std::shared_ptr<const Scenario> scenario_;
  RunResult replay_;
};

std::vector<std::string> names(const ordered_json& activities) {
  std::vector<std::string> out;
  for (const auto& a : activities)
    out.push_back(a["name"]);
  return out;
}

TEST_F(GameDay, ChaosToolkitFaultsInTimeOrderWithThePausesBetween) {
  const ordered_json e = reports::chaostoolkit_experiment(*scenario_, replay_).json;
  EXPECT_EQ(e["title"], "Shop game day");
  EXPECT_EQ(names(e["method"]),
            (std::vector<std::string>{"api-vms-lost", "db-lossy", "bad-release", "cache-out"}));
  EXPECT_FALSE(e["method"][0].contains("pauses"));  // at T0
  EXPECT_EQ(e["method"][1]["pauses"]["before"], 1800.0);
  EXPECT_EQ(e["method"][2]["pauses"]["before"], 1800.0);
  EXPECT_EQ(e["method"][3]["pauses"]["before"], 3600.0);
  // The latency to the millisecond: to the second, 100 ms read "0s".
  EXPECT_EQ(e["method"][1]["description"],
            "degradation of db@east: 20% packet loss, 100ms added latency, 100% capacity, lasting "
            "1h");
  EXPECT_EQ(e["tags"], (std::vector<std::string>{"faultline", "delete-instances", "degradation",
                                                 "bad-deploy", "outage"}));
  for (const auto& action : e["method"]) {
    EXPECT_EQ(action["provider"]["path"], "echo");
    EXPECT_TRUE(std::string(action["provider"]["arguments"]).starts_with("PLACEHOLDER: "));
  }
}

TEST_F(GameDay, ChaosToolkitRollbacksAsTheReplayStartedThemAndAProbePerUserFacingService) {
  const ordered_json e = reports::chaostoolkit_experiment(*scenario_, replay_).json;
  EXPECT_EQ(names(e["rollbacks"]), (std::vector<std::string>{"triage", "rebuild-api", "announce"}));
  EXPECT_NE(std::string(e["rollbacks"][2]["provider"]["arguments"]).find("started it at T+1h15m"),
            std::string::npos);
  const ordered_json& probes = e["steady-state-hypothesis"]["probes"];
  ASSERT_EQ(probes.size(), 1U);
  EXPECT_EQ(probes[0]["name"], "web answers");
  EXPECT_EQ(probes[0]["provider"]["url"], "${web_health_url}");
  EXPECT_EQ(e["configuration"]["web_health_url"]["key"], "FAULTLINE_WEB_HEALTH_URL");
}

TEST_F(GameDay, FisChainsTheFaultsThroughWaits) {
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario_, replay_);
  EXPECT_EQ(fis.left_out,
            std::vector<std::string>{"bad-release: a bad release, which FIS has no action for"});
  const ordered_json& actions = fis.json["actions"];
  std::vector<std::string> order;
  for (const auto& [name, action] : actions.items())
    order.push_back(name);
  EXPECT_EQ(order, (std::vector<std::string>{
                       "api-vms-lost-api-east", "wait-PT30M", "db-lossy-db-east-packet-loss",
                       "db-lossy-db-east-latency", "wait-PT1H30M", "cache-out-cache-east"}));
  EXPECT_EQ(actions["api-vms-lost-api-east"]["actionId"], "aws:ec2:terminate-instances");
  EXPECT_EQ(fis.json["targets"]["api-east-count-2"]["selectionMode"], "COUNT(2)");
  // The waits make a clock from the start: startAfter waits for actions to
  // end, and the hour of packet loss must not hold back cache-out.
  EXPECT_FALSE(actions["wait-PT30M"].contains("startAfter"));
  EXPECT_EQ(actions["db-lossy-db-east-latency"]["startAfter"],
            std::vector<std::string>{"wait-PT30M"});
  EXPECT_EQ(actions["db-lossy-db-east-packet-loss"]["parameters"]["documentParameters"],
            R"({"LossPercent":"20","DurationSeconds":"3600","InstallDependencies":"True"})");
  EXPECT_EQ(actions["db-lossy-db-east-latency"]["parameters"]["duration"], "PT1H");
  EXPECT_EQ(actions["wait-PT1H30M"]["startAfter"], std::vector<std::string>{"wait-PT30M"});
  const ordered_json& cache = actions["cache-out-cache-east"];
  EXPECT_EQ(cache["actionId"], "aws:ec2:stop-instances");
  EXPECT_EQ(cache["parameters"]["startInstancesAfterDuration"], "PT30M");
  EXPECT_EQ(cache["startAfter"], std::vector<std::string>{"wait-PT1H30M"});
  EXPECT_TRUE(fis.notes.empty());
  EXPECT_EQ(fis.json["targets"]["cache-east-percent-75"]["resourceTags"]["faultline:deployment"],
            "cache@east");
}

// mitigated.yaml: a degradation without `lasts` lasts until the replay's
// mitigate step completes.
TEST(FisExport, ADegradationLastsUntilItsMitigationInTheReplay) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/mitigated.yaml");
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replay(*scenario));
  EXPECT_EQ(fis.json["actions"]["lossy-db-db-east-packet-loss"]["parameters"]["duration"], "PT45M");
}

// Found by a helper: a degradation with a `lasts` was kept up for all of
// it, though its mitigation or the horizon ended it sooner in the replay
// (mitigated_before_lasts.yaml works out both).
TEST(FisExport, ADegradationEndsAtTheFirstOfItsLastsItsMitigationAndTheHorizon) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/mitigated_before_lasts.yaml");
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replay(*scenario));
  const ordered_json& actions = fis.json["actions"];
  EXPECT_EQ(actions["lossy-db-db-east-packet-loss"]["parameters"]["duration"], "PT45M");
  EXPECT_EQ(actions["lossy-db-db-east-packet-loss"]["parameters"]["documentParameters"],
            R"({"LossPercent":"50","DurationSeconds":"2700","InstallDependencies":"True"})");
  EXPECT_EQ(actions["slow-db-db-east-latency"]["parameters"]["duration"], "PT3H");
}

// Found by a helper: see mitigated_early.yaml.
TEST(FisExport, AMitigationBeforeTheStrikeEndsNothing) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/mitigated_early.yaml");
  const RunResult replayed = replay(*scenario);
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replayed);
  EXPECT_EQ(fis.json["actions"]["lossy-db-db-east-packet-loss"]["parameters"]["duration"], "PT12H");
  ASSERT_EQ(fis.notes.size(), 1U);
  EXPECT_EQ(fis.notes[0],
            "lossy-db: never ends in the replay (no lasts, no mitigation after it strikes); FIS "
            "keeps it up for its longest, 12h");
}

// fis-limits.yaml, by hand: see its comments.
TEST(FisExport, NamesTargetsAndDurationsKeepWithinFisLimits) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/fis-limits.yaml");
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replay(*scenario));
  const ordered_json& actions = fis.json["actions"];
  const std::string cut = "checkout-service-degradation-during-black-friday-and-cyber-monda";
  ASSERT_EQ(cut.size(), 64U);
  ASSERT_TRUE(actions.contains(cut));
  const std::string second = cut.substr(0, 62) + "-2";
  ASSERT_TRUE(actions.contains(second));
  EXPECT_EQ(actions[cut]["targets"]["Instances"], "api-eu-west-all");
  EXPECT_EQ(actions[second]["targets"]["Instances"], "api-eu-west-all-2");
  EXPECT_EQ(fis.json["targets"]["api-eu-west-all"]["resourceTags"]["faultline:deployment"],
            "api-eu@west");
  EXPECT_EQ(fis.json["targets"]["api-eu-west-all-2"]["resourceTags"]["faultline:deployment"],
            "api@eu-west");
  EXPECT_EQ(actions["slow-api-eu-west-latency"]["parameters"]["duration"], "PT12H");
  EXPECT_EQ(fis.json["targets"]["api-eu-west-percent-1"]["selectionMode"], "PERCENT(1)");
  EXPECT_EQ(actions["blip-api-eu-west"]["description"],
            "outage of api-eu, serving 99.8%, lasting 10m");
  EXPECT_EQ(actions["slow-api-eu-west-latency"]["description"],
            "degradation of api@eu-west: 0% packet loss, 50ms added latency, 100% capacity, "
            "lasting 14h");
  EXPECT_EQ(actions["faint-api-eu-west-packet-loss"]["parameters"]["documentParameters"],
            R"({"LossPercent":"1","DurationSeconds":"600","InstallDependencies":"True"})");
  EXPECT_EQ(actions["nearly-cut-api-eu-west-packet-loss"]["parameters"]["documentParameters"],
            R"({"LossPercent":"99","DurationSeconds":"600","InstallDependencies":"True"})");
  EXPECT_EQ(fis.notes,
            (std::vector<std::string>{
                "slow: lasting 14h becomes 12h, as FIS takes from 1 minute to 12 hours",
                "blip: the outage takes 0.20% of the instances, made 1%",
                "faint: a packet loss of 0.40% is made 1%, as LossPercent takes whole percents",
                "nearly-cut: a packet loss of 99.90% is made 99%, as LossPercent takes whole "
                "percents"}));
}

// fis-waits.yaml, by hand: see its comments (found by a helper: waits of
// PT30S and of a 20s remainder, which FIS refuses).
TEST(FisExport, WaitsKeepWithinFisLimits) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/fis-waits.yaml");
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replay(*scenario));
  std::vector<std::string> waits;
  for (const auto& [name, action] : fis.json["actions"].items()) {
    if (action["actionId"] == "aws:fis:wait")
      waits.push_back(action["parameters"]["duration"]);
  }
  EXPECT_EQ(waits, (std::vector<std::string>{"PT1M", "PT8H11S", "PT8H10S", "PT8H10S"}));
  EXPECT_EQ(fis.notes, (std::vector<std::string>{
                           "a: the wait of 30s before it becomes 1m, as FIS waits from 1 minute "
                           "to 12 hours, so it comes 30s late",
                           "b: comes 20s late, with the fault before it"}));
}

// tenants_and_late.yaml, by hand: see its comments.
TEST(ChaosExport, AnOutageOfTenantsIsNamedAndAFaultNoRunReachesIsLeftOut) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/tenants_and_late.yaml");
  const RunResult replayed = replay(*scenario);
  const std::string late =
      "late-out: strikes at T+6h, after the horizon (T+5h), so no run reaches it";

  const reports::ChaosExperiment toolkit = reports::chaostoolkit_experiment(*scenario, replayed);
  EXPECT_EQ(names(toolkit.json["method"]),
            (std::vector<std::string>{"f-out", "app-out", "all-out", "whole-out"}));
  EXPECT_EQ(toolkit.json["method"][0]["description"],
            "outage of connector for 1 of its 6 tenants: f (600 users)");
  EXPECT_EQ(toolkit.json["method"][2]["description"],
            "outage of connector for all 6 of its tenants: a, b, c, d, e and 1 more (2,100 "
            "users)");
  EXPECT_EQ(toolkit.json["method"][1]["pauses"]["before"], 3600.0);
  EXPECT_EQ(toolkit.left_out, std::vector<std::string>{late});

  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replayed);
  EXPECT_EQ(fis.left_out,
            (std::vector<std::string>{"f-out: an outage of 1 of the 6 tenants of connector; FIS "
                                      "stops a deployment's instances, which takes every tenant "
                                      "down",
                                      late}));
  std::vector<std::string> order;
  for (const auto& [name, action] : fis.json["actions"].items())
    order.push_back(name);
  EXPECT_EQ(order, (std::vector<std::string>{"wait-PT1H", "app-out-app-dc", "wait-PT1H-2",
                                             "all-out-connector-dc", "wait-PT1H-3",
                                             "whole-out-connector-dc"}));
  EXPECT_EQ(fis.json["actions"]["app-out-app-dc"]["targets"]["Instances"], "app-dc-all");
  EXPECT_EQ(fis.json["actions"]["all-out-connector-dc"]["targets"]["Instances"],
            "connector-dc-all");
  EXPECT_EQ(fis.notes, std::vector<std::string>{"all-out: an outage of all 6 tenants of "
                                                "connector is injected as its instances "
                                                "stopped, which takes it from the 1,000 users "
                                                "in no tenant too"});
}

// reach.yaml, worked in its comments.
TEST(ChaosExport, TheNoteCountsTheUsersInNoTenantWhoseTrafficNeedsTheService) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/reach.yaml");
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replay(*scenario));
  EXPECT_EQ(fis.notes, std::vector<std::string>{"all-out: an outage of all 2 tenants of connector "
                                                "is injected as its instances stopped, which "
                                                "takes it from the 27 users in no tenant too"});
}

// tenants_only.yaml, worked in its comments.
TEST(ChaosExport, AnOutageOfEveryTenantIsInjectedWithoutANoteWhereEveryUserIsInOne) {
  const auto scenario = testing::scenario_fixture("exports/fixtures/tenants_only.yaml");
  const RunResult replayed = replay(*scenario);
  const reports::ChaosExperiment fis = reports::aws_fis_template(*scenario, replayed);
  EXPECT_TRUE(fis.left_out.empty());
  EXPECT_TRUE(fis.notes.empty());
  EXPECT_EQ(fis.json["actions"]["all-out-connector-dc"]["targets"]["Instances"],
            "connector-dc-all");
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
