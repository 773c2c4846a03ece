#include <gtest/gtest.h>

#include <filesystem>

#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/json.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

constexpr const char* kScenario = "scenarios/webex-2018-09-25.yaml";

// Loads from the source folder by a relative path, as the README's command
// does, so that the file names in the JSON do not depend on the checkout.
class Webex : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = std::filesystem::current_path();
    std::filesystem::current_path(FAULTLINE_SOURCE_DIR);
    auto load = load_scenario(kScenario);
    ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
    scenario_ = load.scenario;
  }
  void TearDown() override { std::filesystem::current_path(previous_); }

  std::string replay_json_text() const {
    return reports::replay_json(*scenario_, replay(*scenario_)).dump(2) + "\n";
  }

  std::filesystem::path previous_;
  std::shared_ptr<const Scenario> scenario_;
};

TEST_F(Webex, DeletesThe456VirtualMachinesAtT0) {
  const RunResult r = replay(*scenario_);
  ASSERT_FALSE(r.timeline.empty());
  EXPECT_EQ(r.timeline[0].kind, TimelineKind::fault);
  EXPECT_EQ(r.timeline[0].at, SimTime{});
  EXPECT_EQ(r.timeline[0].instances, 456);
  EXPECT_EQ(scenario_->clock.local_text(SimTime{}), "2018-09-25 21:22 EDT");
  EXPECT_GE(scenario_->topology->services().size(), 20u);
}

TEST_F(Webex, MeetsEveryObservedMilestoneWithinTwoHours) {
  const RunResult r = replay(*scenario_);
  ASSERT_EQ(r.observed.size(), scenario_->observed.size());
  for (std::size_t m = 0; m < r.observed.size(); ++m) {
    ASSERT_TRUE(r.observed[m].difference) << scenario_->observed[m].id << " never happened";
    EXPECT_LE(std::abs(r.observed[m].difference->ms), Duration::hours(2).ms)
        << scenario_->observed[m].id;
  }
}

// The outage began at 21:22 ET on a Tuesday, when few were at work; the
// most active users are cut off the next business morning.
TEST_F(Webex, ImpactPeaksTheNextBusinessMorning) {
  const RunResult r = replay(*scenario_);
  const std::string peak = scenario_->clock.local_text(r.overall.peak_active_at);
  EXPECT_EQ(peak.substr(0, 10), "2018-09-26") << peak;
  const int hour = std::stoi(peak.substr(11, 2));
  EXPECT_GE(hour, 8) << peak;
  EXPECT_LT(hour, 12) << peak;
  EXPECT_EQ(r.overall.peak_affected.value, 2'182'373) << "every registered user, from T0";
  EXPECT_EQ(r.overall.peak_at, SimTime{});
  EXPECT_LT(r.overall.peak_active, r.overall.peak_affected);
}

TEST_F(Webex, ReplaysToByteIdenticalJson) {
  EXPECT_EQ(replay_json_text(), replay_json_text());
}

// Set FAULTLINE_UPDATE_GOLDEN=1 to rewrite the golden file after an intended change.
TEST_F(Webex, MatchesTheGoldenReplayJson) {
  EXPECT_TRUE(testing::matches_golden("golden/webex-2018-replay.json", replay_json_text()));
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
