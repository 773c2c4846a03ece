#include <gtest/gtest.h>

#include "faultline/time.hpp"

namespace faultline {
namespace {

TEST(ParseDuration, ReadsCompoundUnits) {
  EXPECT_EQ(parse_duration("90m"), Duration::minutes(90));
  EXPECT_EQ(parse_duration("1h30m"), Duration::minutes(90));
  EXPECT_EQ(parse_duration("2d"), Duration::days(2));
  EXPECT_EQ(parse_duration("250ms"), Duration::milliseconds(250));
  EXPECT_EQ(parse_duration("1d2h3m4s5ms"), Duration{93'784'005});
  EXPECT_EQ(parse_duration("0"), Duration{});
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "-5m", "5", "h", "1.5h", "5x", "1h 30m", "m5"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const Duration d :
       {Duration{}, Duration::minutes(90), Duration{93'784'005}, Duration::days(14)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  EXPECT_EQ(format_duration(Duration::minutes(35 * 60 + 14)), "1d11h14m");
}

ScenarioClock new_york_at(const char* local) {
  const auto* zone = ScenarioClock::find_zone("America/New_York");
  return ScenarioClock(*ScenarioClock::parse_local(local, zone), zone);
}

TEST(ScenarioClock, AxisTicksFallOnLocalHoursAcrossTheSpringChange) {
  // Clocks in New York go from 02:00 EST to 03:00 EDT on 10 March 2024.
  const ScenarioClock clock = new_york_at("2024-03-09 22:30");
  std::vector<std::string> labels;
  for (const SimTime t :
       clock.local_ticks(SimTime{}, SimTime{} + Duration::hours(14), Duration::hours(6)))
    labels.push_back(clock.local_text(t));
  EXPECT_EQ(labels, (std::vector<std::string>{"2024-03-10 00:00 EST", "2024-03-10 06:00 EDT",
                                              "2024-03-10 12:00 EDT"}));
  // Midnight to 06:00 that night is five hours long.
  const auto ticks =
      clock.local_ticks(SimTime{}, SimTime{} + Duration::hours(14), Duration::hours(6));
  EXPECT_EQ(ticks[1] - ticks[0], Duration::hours(5));
}

TEST(ScenarioClock, DailyTicksAreLocalMidnights) {
  const ScenarioClock clock = new_york_at("2024-11-02 12:00");  // clocks go back on the 3rd
  const auto ticks = clock.local_ticks(SimTime{}, SimTime{} + Duration::days(3), Duration::days(1));
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(clock.local_text(ticks[0]), "2024-11-03 00:00 EDT");
  EXPECT_EQ(ticks[1] - ticks[0], Duration::hours(25));
  EXPECT_EQ(clock.local_text(ticks[2], "%a %d %b %H:%M"), "Tue 05 Nov 00:00");
}

}  // namespace
}  // namespace faultline
