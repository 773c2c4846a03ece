#include <gtest/gtest.h>

#include "faultline/time.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

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

// Found by a helper: 1h1h read as 2h, 1h30m45m as 2h15m and 30m1h as
// 1h30m, in silence; units come largest first, each once.
TEST(ParseDuration, RefusesAUnitRepeatedOrOutOfOrder) {
  for (const char* bad : {"1h1h", "1h30m45m", "30m1h", "5s1m", "1ms1s", "2d3d", "10ms5ms"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
  EXPECT_EQ(parse_duration("1h90m"), Duration::minutes(150))
      << "a unit may hold more than the next";
  EXPECT_EQ(parse_duration("1m500ms"), Duration{60'500});
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
}

// Found by a helper: "05:16:30 EDT T+2h46m31s" named one instant, the clock
// cut to the second and the offset rounded. Both are cut now.
TEST(HumanOffset, IsCutToTheSecondAsTheClockTimeBesideItIs) {
  EXPECT_EQ(human_offset(SimTime{2'902'633}), "T+48m22s") << "not T+48m22s633ms, nor 23s";
  EXPECT_EQ(human_offset(SimTime{-60'400}), "T-1m1s") << "60.4s before T0 is in its 61st second";
  EXPECT_EQ(human_offset(SimTime{-1'000}), "T-1s");
  const auto* utc = ScenarioClock::find_zone("UTC");
  const ScenarioClock clock(*ScenarioClock::parse_local("2024-01-10 09:00", utc), utc);
  EXPECT_EQ(clock.local_text(SimTime{2'902'633}), "2024-01-10 09:48:22 UTC");
  EXPECT_EQ(clock.local_text(SimTime{-60'400}), "2024-01-10 08:58:59 UTC");
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

ScenarioClock clock_at(const char* zone_name, const char* local) {
  const auto* zone = ScenarioClock::find_zone(zone_name);
  return ScenarioClock(*ScenarioClock::parse_local(local, zone), zone);
}

TEST(ScenarioClock, WritesLocalAndIsoTimesWithTheZonesOffset) {
  // 10:00 in Kathmandu (UTC+05:45) and St John's (UTC-03:30 in winter).
  const ScenarioClock kathmandu = clock_at("Asia/Kathmandu", "2024-01-10 10:00");
  EXPECT_EQ(kathmandu.local_text(SimTime{}), "2024-01-10 10:00 +0545");
  EXPECT_EQ(kathmandu.iso_text(SimTime{} + Duration::seconds(30)), "2024-01-10T10:00:30+05:45");
  EXPECT_EQ(kathmandu.local_text(SimTime{} + Duration::seconds(30)), "2024-01-10 10:00:30 +0545");
  const ScenarioClock st_johns = clock_at("America/St_Johns", "2024-01-10 10:00");
  EXPECT_EQ(st_johns.iso_text(SimTime{}), "2024-01-10T10:00:00-03:30");
  // One second before T0 is the day before, and milliseconds are cut off.
  const ScenarioClock utc = clock_at("UTC", "2024-01-10 00:00");
  EXPECT_EQ(utc.local_text(SimTime{} - Duration{1}), "2024-01-09 23:59:59 UTC");
  EXPECT_EQ(utc.iso_text(SimTime{} + Duration{999}), "2024-01-10T00:00:00+00:00");
}

// The fixed formats are written field by field; the date library's
// general formatter, which the format-taking overload uses, must agree on
// every time: across daylight saving changes, in zones with half and
// quarter hours, before standard time (New York's local mean time is
// 4:56:02 behind UTC; an offset is written in whole minutes, cut towards
// zero) and in years the fields do not cover.
TEST(ScenarioClock, FixedFormatsAgreeWithTheDateLibrary) {
  const std::pair<const char*, const char*> starts[] = {
      {"America/New_York", "2024-03-09 22:30"},    {"America/New_York", "2024-11-02 23:59:30"},
      {"Asia/Kathmandu", "2024-01-10 10:00"},      {"America/St_Johns", "2024-10-31 12:00"},
      {"Australia/Lord_Howe", "2024-04-06 12:00"}, {"America/New_York", "1850-06-01 12:00"},
      {"Europe/London", "0999-12-31 23:00"},       {"UTC", "9999-12-31 23:00"}};
  for (const auto& [zone, local] : starts) {
    const ScenarioClock clock = clock_at(zone, local);
    for (std::int64_t ms = -7'200'000; ms <= 7'200'000; ms += 1'234'567) {
      const SimTime t{ms};
      const std::string whole_minute = clock.local_text(t, "%S") == "00" ? "" : ":%S";
      EXPECT_EQ(clock.local_text(t),
                clock.local_text(t, ("%Y-%m-%d %H:%M" + whole_minute + " %Z").c_str()))
          << zone << " " << local << " " << ms;
      EXPECT_EQ(clock.iso_text(t), clock.local_text(t, "%Y-%m-%dT%H:%M:%S%Ez"))
          << zone << " " << local << " " << ms;
    }
  }
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

// Found in review: every skipped or repeated hour was put down to daylight
// saving. Pacific/Apia skipped 30 December 2011 moving from UTC-10 to
// UTC+14 with daylight saving on both sides; Europe/Moscow went from UTC+4
// to UTC+3 for good at 02:00 on 26 October 2014, without daylight saving
// on either side, so 01:00 to 02:00 came twice.
TEST(ScenarioClock, SaysWhetherDaylightSavingOrAZoneChangeMadeATimeTrouble) {
  const auto trouble = [](std::string_view text, const char* zone) {
    return ScenarioClock::local_time_trouble(text, ScenarioClock::find_zone(zone));
  };
  EXPECT_EQ(trouble("2024-03-31 01:30", "Europe/London"),
            "2024-03-31 01:30 does not exist in Europe/London: the clocks skip it as daylight "
            "saving starts");
  EXPECT_EQ(trouble("2024-10-27 01:30", "Europe/London"),
            "2024-10-27 01:30 happens twice in Europe/London, as daylight saving ends");
  EXPECT_EQ(trouble("2011-12-30 12:00", "Pacific/Apia"),
            "2011-12-30 12:00 does not exist in Pacific/Apia: the clocks skip it as the zone's "
            "offset changes");
  EXPECT_EQ(trouble("2014-10-26 01:30", "Europe/Moscow"),
            "2014-10-26 01:30 happens twice in Europe/Moscow, as the zone's offset changes");
  EXPECT_EQ(trouble("2014-10-26 03:30", "Europe/Moscow"), std::nullopt);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
