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

}  // namespace
}  // namespace faultline
