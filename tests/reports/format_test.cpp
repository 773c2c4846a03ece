#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "format.hpp"

namespace faultline::reports {
namespace {

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

}  // namespace
}  // namespace faultline::reports
