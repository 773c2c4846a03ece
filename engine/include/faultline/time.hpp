#pragma once
// Simulated time is integral milliseconds so runs are exact and reproducible;
// wall-clock time appears only at the edges, through ScenarioClock.

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace faultline {

// A span of simulated time.
struct Duration {
  std::int64_t ms = 0;

  static constexpr Duration milliseconds(std::int64_t v) { return {v}; }
  static constexpr Duration seconds(std::int64_t v) { return {v * 1000}; }
  static constexpr Duration minutes(std::int64_t v) { return {v * 60'000}; }
  static constexpr Duration hours(std::int64_t v) { return {v * 3'600'000}; }
  static constexpr Duration days(std::int64_t v) { return {v * 86'400'000}; }

  constexpr double in_seconds() const { return static_cast<double>(ms) / 1e3; }
  constexpr double in_hours() const { return static_cast<double>(ms) / 3.6e6; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return {ms + o.ms}; }
  constexpr Duration operator-(Duration o) const { return {ms - o.ms}; }
  constexpr Duration& operator+=(Duration o) {
    ms += o.ms;
    return *this;
  }
  constexpr Duration operator/(std::int64_t n) const { return {ms / n}; }
  constexpr Duration operator*(std::int64_t n) const { return {ms * n}; }
};

// A point in simulated time: milliseconds since the scenario's T0.
struct SimTime {
  std::int64_t ms = 0;

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(Duration d) const { return {ms + d.ms}; }
  constexpr SimTime operator-(Duration d) const { return {ms - d.ms}; }
  constexpr Duration operator-(SimTime o) const { return {ms - o.ms}; }
  constexpr Duration since_t0() const { return {ms}; }
};

// The longest duration a scenario or an option may write (1,000 years of
// 365 days): horizons, steps and every duration in a file stay within it, so
// that time arithmetic cannot overflow and nothing is capped silently.
inline constexpr Duration kLongestDuration = Duration::days(365'000);

// Parses "90m", "1h30m", "2d", "45s", "250ms", "0". Units: d, h, m, s, ms,
// largest first, each at most once. Returns nothing for anything else,
// including "1h1h" and "30m1h", negative spans and spans longer than
// kLongestDuration.
std::optional<Duration> parse_duration(std::string_view text);
// Whether the text is written as a duration but is longer than
// kLongestDuration, so a message can say that rather than "not a duration".
bool is_duration_beyond_range(std::string_view text);

// The compact form parse_duration reads back: "1d11h14m", "45m", "0s".
std::string format_duration(Duration d);
// For people: rounded to the second, so "14h38m" rather than "14h38m101ms"
// (machine-readable output keeps the milliseconds).
std::string human_duration(Duration d);

// Maps simulated time to wall-clock time in the scenario's time zone.
class ScenarioClock {
 public:
  using Seconds = std::chrono::sys_seconds;

  // zone must come from date::locate_zone.
  ScenarioClock(Seconds t0_utc, const date::time_zone* zone);

  // Looks up an IANA zone name; nullptr when unknown.
  static const date::time_zone* find_zone(const std::string& name);

  // Parses "2018-09-25 21:22" (or with seconds, or a 'T' separator) as local
  // time in zone. Returns nothing when the text is not exactly such a
  // date-time (checked digit by digit before parsing) or the local time does
  // not exist or is ambiguous there.
  static std::optional<Seconds> parse_local(std::string_view text, const date::time_zone* zone);
  // Why a text of that form is no local time of zone: "... does not exist
  // in Europe/London: the clocks skip it as daylight saving starts", or
  // "... happens twice ...", or "... as the zone's offset changes" where it
  // moved its standard time. Nothing when it is one, or not of that form.
  static std::optional<std::string> local_time_trouble(std::string_view text,
                                                       const date::time_zone* zone);

  // "T0", "T0+35h14m" or a local date-time such as "2018-09-27 08:36": a
  // time as a scenario writes it. Nothing when the text is none of these.
  std::optional<SimTime> parse_time(std::string_view text) const;

  Seconds t0_utc() const { return t0_; }
  const date::time_zone* zone() const { return zone_; }
  std::string zone_name() const;

  SimTime from_utc(Seconds utc) const;
  // "2018-09-25 21:22 EDT"
  std::string local_text(SimTime t) const;
  // "2018-09-25T21:22:00-04:00"
  std::string iso_text(SimTime t) const;
  // t in the zone, in a date::format format such as "%a %d %b %H:%M".
  std::string local_text(SimTime t, const char* format) const;
  // The times from `from` to `to` at which the local clock shows a whole
  // multiple of `step` (whole hours: 00:00, 06:00, ... for 6h; local midnights
  // for whole days, every n-th day counted from 1970-01-01): the ticks of a time axis. Local times
  // that a daylight saving change skips are left out; repeated ones appear once.
  std::vector<SimTime> local_ticks(SimTime from, SimTime to, Duration step) const;

 private:
  Seconds t0_;
  const date::time_zone* zone_;
};

// "T+35h14m" / "T-5m": a simulated time relative to T0 for timelines.
std::string format_offset(SimTime t);
// The same, cut to the second as the clock time of the instant is, for
// people.
std::string human_offset(SimTime t);
// "T0+1h30m": a time at or after T0 as a scenario writes it.
std::string t0_relative(SimTime t);

}  // namespace faultline
