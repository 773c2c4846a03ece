#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "faultline/replay.hpp"
#include "format.hpp"
#include "test_support.hpp"

namespace faultline::reports {
namespace FAULTLINE_TEST_FILE {

// A share rounds to a whole percent, except that some of the runs never
// reads as none of them, nor most of them as all.
TEST(Format, SharesNeverRoundSomeToNoneOrMostToAll) {
  EXPECT_EQ(percent(0.0), "0%");
  EXPECT_EQ(percent(1.0), "100%");
  EXPECT_EQ(percent(0.25), "25%");
  EXPECT_EQ(percent(0.006), "1%");
  EXPECT_EQ(percent(0.001), "<1%");  // one run in a thousand
  EXPECT_EQ(percent(0.004), "<1%");
  EXPECT_EQ(percent(0.994), "99%");
  EXPECT_EQ(percent(0.999), ">99%");
  EXPECT_EQ(percent(0.0004, 1), "<0.1%");
  EXPECT_EQ(percent(0.0006, 1), "0.1%");
  EXPECT_EQ(percent(0.99996, 2), ">99.99%");
  EXPECT_EQ(percent(0.9962, 2), "99.62%");
  EXPECT_EQ(percent(2.5, 1), "250.0%");  // a budget spent more than once
  EXPECT_EQ(share_text(0.25), "0.250");
  EXPECT_EQ(share_text(0.00015), "<0.001");  // 3 runs in 20,000
  EXPECT_EQ(share_text(0.9999), ">0.999");
  EXPECT_EQ(share_text(0.0), "0.000");
  EXPECT_EQ(share_text(1.0), "1.000");
}

// A served share is whole unless that reads 100% for what fails some
// requests, 0% for what serves some, or 50% for what serves under half,
// where a major outage begins (found by a helper: "major_outage (50%
// served)" at 49.95%).
TEST(Format, AServedShareNeverReadsAcrossAStatesLine) {
  EXPECT_EQ(served_percent(0.0), "0%");
  EXPECT_EQ(served_percent(1.0), "100%");
  EXPECT_EQ(served_percent(0.25), "25%");
  EXPECT_EQ(served_percent(1.0 / 3), "33%");
  EXPECT_EQ(served_percent(0.4995), "49.95%");
  EXPECT_EQ(served_percent(0.49999), "49.999%");
  EXPECT_EQ(served_percent(0.5), "50%");
  EXPECT_EQ(served_percent(0.500413), "50%") << "at least half either way";
  EXPECT_EQ(served_percent(0.995), "99.5%");
  EXPECT_EQ(served_percent(0.9999999), "99.99999%");
  EXPECT_EQ(served_percent(0.0000001), "0.00001%");
  // As the health judges states: within 1e-9 of all or of half is on it.
  EXPECT_EQ(served_percent(0.49999999999999994), "50%") << "a partial outage, as health has it";
  EXPECT_EQ(served_percent(0.4999999), "49.99999%");
  EXPECT_EQ(served_percent(0.9999999999999998), "100%") << "operational, as health has it";
  EXPECT_EQ(served_percent(1e-15), "less than 0.000000001%");
  // A share given to two decimals of a percent shows as given.
  EXPECT_EQ(served_percent(0.125), "12.5%");
  EXPECT_EQ(served_percent(0.625), "62.5%");
  EXPECT_EQ(outage_cap_text(0.0), "serves nothing");
  EXPECT_EQ(outage_cap_text(0.999), "serves at most 99.9%");
}

// Found in review: every spread was rounded to the minute, so a failover
// down for 40s in every run read "1m", one of 20s "0s", and its time back
// the minute before or after. A statistic keeps the unit below 1/60 of its
// size: minutes from an hour, seconds from a minute, milliseconds below.
TEST(Format, SpreadsAreRoundedToAUnitSmallBesideThem) {
  EXPECT_EQ(duration_text(40'000), "40s");
  EXPECT_EQ(duration_text(20'000), "20s");
  EXPECT_EQ(duration_text(812.4), "812ms");
  EXPECT_EQ(duration_text(59'999.6), "1m");
  EXPECT_EQ(duration_text(90'400), "1m30s");
  EXPECT_EQ(duration_text(3'599'600), "1h");
  EXPECT_EQ(duration_text(5 * 3'600'000 + 20'000), "5h");
  EXPECT_EQ(duration_text(5 * 3'600'000 + 40'000), "5h1m");
  EXPECT_EQ(duration_text(-40'000), "-40s");  // a milestone's simulated less observed time
  EXPECT_EQ(duration_text(0), "0s");
  const ScenarioClock clock(
      std::chrono::sys_days{std::chrono::year{2024} / 1 / 10} + std::chrono::hours{9},
      ScenarioClock::find_zone("UTC"));
  EXPECT_EQ(at_local(clock, 40'000), "2024-01-10 09:00:40 UTC");
  EXPECT_EQ(at_local(clock, 5 * 3'600'000 + 40'000), "2024-01-10 14:01 UTC");
}

// Commas between each three digits from the right, the sign before them,
// at both ends of int64's range too (its least has no positive of its own).
TEST(Format, ThousandsGroupsDigitsByThreeAtAnySize) {
  EXPECT_EQ(thousands(0), "0");
  EXPECT_EQ(thousands(999), "999");
  EXPECT_EQ(thousands(1'000), "1,000");
  EXPECT_EQ(thousands(-1'234'567), "-1,234,567");
  EXPECT_EQ(thousands(std::numeric_limits<std::int64_t>::max()), "9,223,372,036,854,775,807");
  EXPECT_EQ(thousands(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
}

// A study's runs, and a shard's (see Reports.AShardsOutputsNameItsRuns).
TEST(Format, RunsAreCountedOrNamed) {
  EXPECT_EQ(runs_text(1, 0, true), "1 run");
  EXPECT_EQ(runs_text(1000, 0, true), "1,000 runs");
  EXPECT_EQ(runs_text(1000, 0, false), "1000 runs");
  EXPECT_EQ(runs_text(10, 10, false), "runs 10 to 19");
  EXPECT_EQ(runs_text(1, 10, false), "run 10");
  EXPECT_EQ(runs_text(0, 10, false), "0 runs") << "a shard stopped before its first run";
}

// A column is as wide as its widest text in the columns fmt pads it to:
// "offé" takes four, though "é" is two bytes of UTF-8 (a column counted in
// bytes stood a character too wide); a wide character or an emoji two.
TEST(Format, ColumnsAreCountedAsFmtPads) {
  EXPECT_EQ(text_width("office"), 6u);
  EXPECT_EQ(text_width("off\u00e9"), 4u);
  EXPECT_EQ(text_width(""), 0u);
  EXPECT_EQ(text_width("\u6771\u4eac"), 4u) << "Tokyo: two wide characters, three bytes each";
  EXPECT_EQ(text_width("a\U0001F642b"), 4u) << "an emoji, four bytes, takes two columns";
  EXPECT_EQ(fmt::format("{:<{}}|", "\u6771\u4eac", text_width("\u6771\u4eac") + 1),
            "\u6771\u4eac |");
  const std::vector<std::string> texts = {"back-off\u00e9", "db"};
  EXPECT_EQ(column_width(texts, 4), 9u);
  EXPECT_EQ(column_width(texts, 12), 12u);
  EXPECT_EQ(fmt::format("{:<{}}|", texts[0], column_width(texts, 4)), "back-off\u00e9|");
}

// replay/fixtures/tenants/out_already.yaml: the second fault names all six
// sites, one of them out already; the third names that one alone.
TEST(Format, AFaultOnTenantsSaysWhichOfThoseItNamesHadLostTheServiceAlready) {
  const auto scenario = testing::scenario_fixture("replay/fixtures/tenants/out_already.yaml");
  std::vector<std::string> said;
  for (const TimelineEntry& e : replay(*scenario).timeline) {
    if (e.kind == TimelineKind::fault)
      said.push_back(entry_description(*scenario, e));
  }
  EXPECT_EQ(said, (std::vector<std::string>{
                      "one-site: 1 of 6 tenants lose connector (100 users)",
                      "all-sites: 5 more of 6 tenants lose connector (2,000 users): 1 of the 6 "
                      "it names had lost it already",
                      "a-again: 0 more of 6 tenants lose connector (0 users): the 1 it names had "
                      "lost it already"}));
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline::reports
