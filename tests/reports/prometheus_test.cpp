// --prom: the headline results in Prometheus's text exposition format, on
// runbook/fixtures/semantics/gate.yaml, whose answer is worked out by hand
// below; promtool (tests/cli/cli_test.sh) checks the same output on the
// Webex scenario and on the hostile fixture.

#include "faultline/reports/prometheus.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "../test_support.hpp"
#include "faultline/compare.hpp"
#include "faultline/version.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

// The samples by their name and labels as written ("name{a=\"x\"}"), after
// checking the layout the format asks for: every family declared by a HELP
// then a TYPE line, once, before its samples, which follow it unbroken.
std::map<std::string, double> samples_of(const std::string& text) {
  std::map<std::string, double> samples;
  std::set<std::string> declared;
  std::string family;  // the one whose samples may follow
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# HELP ")) {
      family = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(declared.insert(family).second) << family << " declared twice";
      EXPECT_TRUE(std::getline(in, line) && line.starts_with("# TYPE " + family + " "))
          << family << ": its TYPE line must follow its HELP line";
      continue;
    }
    const std::string name = line.substr(0, line.find_first_of("{ "));
    const bool of_family = name == family || name == family + "_sum" || name == family + "_count";
    EXPECT_TRUE(of_family) << line << ": a sample outside its family " << family;
    const std::size_t space = line.rfind(' ');
    const std::string value = line.substr(space + 1);
    samples[line.substr(0, space)] = value == "+Inf"  ? std::numeric_limits<double>::infinity()
                                     : value == "NaN" ? std::nan("")
                                                      : std::stod(value);
  }
  return samples;
}

// gate.yaml, by hand: db and app are lost at T0; fix-db brings db back at
// 3h, and app (restored by fix-app at 1h, but needing db) comes back with
// it. cleanup ends at 1h30m, announce runs from 3h to 3h30m, the end. The
// 600 app-users are always active: 600 x 3h = 1,800 user-hours =
// 6,480,000 user-seconds, all of them app-users'; the 1,000 web-users lose
// nothing.
class GateMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = testing::scenario_fixture("runbook/fixtures/semantics/gate.yaml");
    label_ = "scenario=\"" + scenario_->file + "\"";
  }

  std::string key(const std::string& name, const std::string& more = "") const {
    return name + "{" + label_ + (more.empty() ? "" : "," + more) + "}";
  }

  std::shared_ptr<const Scenario> scenario_;
  std::string label_;  // a scenario without a name is named by its file
};

// partial_only.yaml, worked in its comments: s serves two thirds for 2h in
// every run, out in all of them and down in none.
TEST(SimulationMetrics, AServiceOnlyPartlyOutIsOutThoughNeverDown) {
  const auto scenario = testing::scenario_fixture("reports/fixtures/partial_only.yaml");
  MonteCarloOptions options;
  options.runs = 20;
  const auto samples =
      samples_of(reports::simulation_metrics(*scenario, simulate(*scenario, options)));
  const std::string s = "scenario=\"partial\",service=\"s\"";
  EXPECT_EQ(samples.at("faultline_simulation_service_out_ratio{" + s + "}"), 1);
  EXPECT_EQ(samples.at("faultline_simulation_service_down_ratio{" + s + "}"), 0);
  EXPECT_EQ(samples.at("faultline_simulation_service_not_restored_ratio{" + s + "}"), 0);
}

TEST_F(GateMetrics, ReplayGivesTheHandWorkedFigures) {
  auto samples = samples_of(reports::replay_metrics(*scenario_, replay(*scenario_)));
  EXPECT_EQ(samples.at(key("faultline_replay_lost_user_seconds")), 6'480'000);
  EXPECT_EQ(samples.at(key("faultline_replay_peak_affected_users")), 600);
  EXPECT_EQ(samples.at(key("faultline_replay_peak_active_affected_users")), 600);
  EXPECT_EQ(samples.at(key("faultline_replay_cut_off_at_end_users")), 0);
  EXPECT_EQ(samples.at(key("faultline_replay_all_restored_seconds")), 10'800);
  EXPECT_EQ(samples.at(key("faultline_replay_end_seconds")), 12'600);
  EXPECT_EQ(samples.at(key("faultline_replay_service_down_seconds", "service=\"db\"")), 10'800);
  EXPECT_EQ(samples.at(key("faultline_replay_service_down_seconds", "service=\"app\"")), 10'800);
  EXPECT_EQ(samples.at(key("faultline_replay_service_down_seconds", "service=\"web\"")), 0);
  // Only what lost something has a restoration time.
  EXPECT_EQ(samples.at(key("faultline_replay_service_restored_seconds", "service=\"app\"")),
            10'800);
  EXPECT_FALSE(
      samples.contains(key("faultline_replay_service_restored_seconds", "service=\"web\"")));
  EXPECT_EQ(samples.at(key("faultline_replay_group_lost_user_seconds", "group=\"app-users\"")),
            6'480'000);
  EXPECT_EQ(samples.at(key("faultline_replay_group_lost_user_seconds", "group=\"web-users\"")), 0);
  EXPECT_EQ(samples.at(key("faultline_replay_step_completed_seconds", "step=\"cleanup\"")), 5'400);
  EXPECT_EQ(samples.at(key("faultline_replay_step_completed_seconds", "step=\"announce\"")),
            12'600);
  EXPECT_EQ(samples.at("faultline_build_info{version=\"" + std::string(kVersion) + "\"}"), 1);
}

// Every duration in gate.yaml is fixed, so each of the 50 runs is the
// replay: every quantile is its figure, the sum 50 times it.
TEST_F(GateMetrics, SimulationSummariesOfIdenticalRuns) {
  MonteCarloOptions options;
  options.runs = 50;
  auto samples = samples_of(reports::simulation_metrics(*scenario_, simulate(*scenario_, options)));
  EXPECT_EQ(samples.at(key("faultline_simulation_runs")), 50);
  EXPECT_EQ(samples.at(key("faultline_simulation_interrupted")), 0);
  for (const char* q : {"0.1", "0.5", "0.9", "0.95", "0.99"}) {
    EXPECT_EQ(samples.at(key("faultline_simulation_lost_user_seconds",
                             std::string("quantile=\"") + q + "\"")),
              6'480'000);
  }
  EXPECT_EQ(samples.at(key("faultline_simulation_lost_user_seconds_sum")), 50 * 6'480'000.0);
  EXPECT_EQ(samples.at(key("faultline_simulation_lost_user_seconds_count")), 50);
  EXPECT_EQ(samples.at(key("faultline_simulation_service_down_seconds",
                           "service=\"db\",quantile=\"0.5\"")),
            10'800);
  EXPECT_EQ(samples.at(key("faultline_simulation_service_down_ratio", "service=\"db\"")), 1);
  EXPECT_EQ(samples.at(key("faultline_simulation_service_down_ratio", "service=\"web\"")), 0);
  EXPECT_EQ(samples.at(key("faultline_simulation_group_lost_user_seconds",
                           "group=\"web-users\",quantile=\"0.9\"")),
            0);
  // fix-db, fix-app (through its gate) and announce make the critical path.
  EXPECT_EQ(samples.at(key("faultline_simulation_step_critical_ratio", "step=\"fix-db\"")), 1);
  EXPECT_EQ(samples.at(key("faultline_simulation_step_critical_ratio", "step=\"cleanup\"")), 0);
}

// Two strategies that order gate.yaml's steps the same way: every paired
// difference is 0, nothing is significant, and Holm leaves p at 1.
TEST_F(GateMetrics, CompareOfEqualVariants) {
  const std::vector<Variant> variants{{"as-written", scenario_}, {"again", scenario_}};
  CompareOptions options;
  options.runs = 20;
  auto samples = samples_of(reports::compare_metrics(compare(variants, options)));
  EXPECT_EQ(samples.at("faultline_compare_runs"), 20);
  EXPECT_EQ(
      samples.at("faultline_compare_all_restored_seconds{variant=\"again\",quantile=\"0.5\"}"),
      10'800);
  for (const char* bound : {"mean", "ci95_low", "ci95_high"}) {
    EXPECT_EQ(samples.at(std::string("faultline_compare_lost_user_seconds_difference{a=\"as-"
                                     "written\",b=\"again\",bound=\"") +
                         bound + "\"}"),
              0);
  }
  EXPECT_EQ(samples.at("faultline_compare_p_value_holm{a=\"as-written\",b=\"again\",metric=\"peak_"
                       "active_affected_users\"}"),
            1);
  EXPECT_EQ(samples.at("faultline_compare_significant{a=\"as-written\",b=\"again\",metric=\"lost_"
                       "user_seconds\"}"),
            0);
}

// Label values escape backslash, double quote and line feed; a service
// whose id holds quotes is written as the format asks.
TEST(PrometheusMetrics, LabelValuesAreEscaped) {
  const auto scenario = testing::scenario_fixture("reports/fixtures/hostile.yaml");
  const std::string text = reports::replay_metrics(*scenario, replay(*scenario));
  EXPECT_NE(text.find(R"(service="web|pipe, \"quoted\"")"), std::string::npos);
  EXPECT_NE(text.find(R"({scenario="Outage <script>window.pwned=3</script>")"), std::string::npos);
  samples_of(text);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
