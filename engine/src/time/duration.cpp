#include <cctype>
#include <limits>

#include "faultline/time.hpp"

namespace faultline {

namespace {

// What the text says in milliseconds, without bound (past the range of an
// int64 it says "too long" as the largest int64); nothing when it is not a
// duration.
std::optional<std::int64_t> parse_unbounded(std::string_view text) {
  if (text == "0")
    return 0;
  if (text.empty())
    return std::nullopt;
  constexpr std::int64_t kMost = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t i = 0;
  // Units come largest first, each once: 1h1h or 30m1h is a slip of the
  // pen, not a sum to take silently (found by a helper).
  std::int64_t last_unit_ms = kMost;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      return std::nullopt;
    std::int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value > kMost / 10 - 10 ? kMost : value * 10 + (text[i] - '0');
      ++i;
    }
    std::int64_t unit_ms = 0;
    if (text.substr(i, 2) == "ms") {
      unit_ms = 1;
      i += 2;
    } else if (i < text.size()) {
      switch (text[i]) {
        case 'd':
          unit_ms = Duration::days(1).ms;
          break;
        case 'h':
          unit_ms = Duration::hours(1).ms;
          break;
        case 'm':
          unit_ms = Duration::minutes(1).ms;
          break;
        case 's':
          unit_ms = Duration::seconds(1).ms;
          break;
        default:
          return std::nullopt;
      }
      ++i;
    } else {
      return std::nullopt;
    }
    if (unit_ms >= last_unit_ms)
      return std::nullopt;
    last_unit_ms = unit_ms;
    total = value > (kMost - total) / unit_ms ? kMost : total + value * unit_ms;
  }
  return total;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  const auto ms = parse_unbounded(text);
  if (!ms || *ms > kLongestDuration.ms)
    return std::nullopt;
  return Duration{*ms};
}

bool is_duration_beyond_range(std::string_view text) {
  const auto ms = parse_unbounded(text);
  return ms && *ms > kLongestDuration.ms;
}

std::string format_duration(Duration d) {
  if (d.ms == 0)
    return "0s";
  std::string out;
  std::int64_t rest = d.ms;
  if (rest < 0) {
    out += '-';
    rest = -rest;
  }
  struct Unit {
    std::int64_t ms;
    const char* name;
  };
  for (const Unit u : {Unit{86'400'000, "d"}, Unit{3'600'000, "h"}, Unit{60'000, "m"},
                       Unit{1'000, "s"}, Unit{1, "ms"}}) {
    if (rest >= u.ms) {
      out += std::to_string(rest / u.ms) + u.name;
      rest %= u.ms;
    }
  }
  return out;
}

std::string t0_relative(SimTime t) {
  return "T0+" + format_duration(t.since_t0());
}

std::string format_offset(SimTime t) {
  if (t.ms < 0)
    return "T" + format_duration(t.since_t0());
  return "T+" + format_duration(t.since_t0());
}

namespace {

// To the nearest second, halves away from zero.
std::int64_t to_second(std::int64_t ms) {
  return (ms >= 0 ? ms + 500 : ms - 500) / 1000 * 1000;
}

}  // namespace

std::string human_duration(Duration d) {
  return format_duration(Duration{to_second(d.ms)});
}

// Cut, not rounded: beside the clock time of the same instant, which is
// cut to the second as a clock shows it, the two must read alike.
std::string human_offset(SimTime t) {
  const std::int64_t ms = t.ms % 1000;
  return format_offset(SimTime{t.ms - (ms < 0 ? ms + 1000 : ms)});
}

}  // namespace faultline
