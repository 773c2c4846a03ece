#include <cctype>
#include <limits>

#include "faultline/time.hpp"

namespace faultline {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text == "0")
    return Duration{};
  if (text.empty())
    return std::nullopt;

  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      return std::nullopt;
    std::int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (value > std::numeric_limits<std::int64_t>::max() / 10 - 10)
        return std::nullopt;
      value = value * 10 + (text[i] - '0');
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
    if (value > (std::numeric_limits<std::int64_t>::max() - total) / unit_ms)
      return std::nullopt;
    total += value * unit_ms;
  }
  return Duration{total};
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

std::string format_offset(SimTime t) {
  if (t.ms < 0)
    return "T" + format_duration(t.since_t0());
  return "T+" + format_duration(t.since_t0());
}

}  // namespace faultline
