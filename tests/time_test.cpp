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

TEST(ParseDuration, RefusesSpansBeyondAThousandYears) {
  EXPECT_EQ(parse_duration("365000d"), kLongestDuration);
  EXPECT_FALSE(parse_duration("365000d1ms"));
  EXPECT_FALSE(parse_duration("99999999999d")) << "once capped at 100 years in silence";
  EXPECT_FALSE(parse_duration("99999999999999999999999999h")) << "past int64 too";
  EXPECT_TRUE(is_duration_beyond_range("99999999999d"));
  EXPECT_FALSE(is_duration_beyond_range("1h"));
  EXPECT_FALSE(is_duration_beyond_range("5 minutes")) << "not a duration at all";
}

TEST(HumanDuration, RoundsToTheSecondForPeople) {
  EXPECT_EQ(human_duration(Duration{52'680'101}), "14h38m") << "not 14h38m101ms";
  EXPECT_EQ(human_duration(Duration{1'500}), "2s");
  EXPECT_EQ(human_duration(Duration{499}), "0s");
  EXPECT_EQ(human_offset(SimTime{2'902'633}), "T+48m23s") << "not T+48m22s633ms";
  EXPECT_EQ(human_offset(SimTime{-60'400}), "T-1m");
}

TEST(ScenarioClock, ParsesOnlyWellFormedLocalTimes) {
  const auto* zone = ScenarioClock::find_zone("UTC");
  EXPECT_TRUE(ScenarioClock::parse_local("2024-01-10 09:00", zone));
  EXPECT_TRUE(ScenarioClock::parse_local("2024-01-10T09:00:30", zone));
  for (const char* bad : {"2024-01-10 09:00:x", "2024-01-10 09:00:", "2024-1-10 09:00",
                          "2024-01-10 9:00", "2024-01-10  09:00", "2024-01-10 09:00 ",
                          "x024-01-10 09:00", "2024-01-10 09:0x"}) {
    EXPECT_FALSE(ScenarioClock::parse_local(bad, zone)) << bad;
  }
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
