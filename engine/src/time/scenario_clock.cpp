#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "faultline/time.hpp"

namespace faultline {

ScenarioClock::ScenarioClock(Seconds t0_utc, const date::time_zone* zone)
    : t0_(t0_utc), zone_(zone) {}

const date::time_zone* ScenarioClock::find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

namespace {

// "YYYY-MM-DD HH:MM" with an optional ":SS" and 'T' or a space between date
// and time, digit by digit: the date library's parser is given nothing else
// (it converts some malformed fields through NaN).
bool is_local_time_text(std::string_view text) {
  static constexpr std::string_view kShape = "0000-00-00 00:00:00";
  if (text.size() != 16 && text.size() != 19)
    return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char expected = kShape[i];
    const bool ok = expected == '0'   ? std::isdigit(static_cast<unsigned char>(c)) != 0
                    : expected == ' ' ? (c == ' ' || c == 'T')
                                      : c == expected;
    if (!ok)
      return false;
  }
  return true;
}

// The local time the text writes, when it is exactly such a date-time.
std::optional<date::local_seconds> local_of(std::string_view text) {
  if (!is_local_time_text(text))
    return std::nullopt;
  for (const char* format :
       {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"}) {
    std::istringstream in{std::string(text)};
    date::local_seconds local;
    in >> date::parse(format, local);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof())
      return local;
  }
  return std::nullopt;
}

}  // namespace

std::optional<SimTime> ScenarioClock::parse_time(std::string_view text) const {
  if (text == "T0")
    return SimTime{};
  if (text.starts_with("T0+")) {
    if (const auto d = parse_duration(text.substr(3)))
      return SimTime{} + *d;
    return std::nullopt;
  }
  if (const auto utc = parse_local(text, zone_))
    return from_utc(*utc);
  return std::nullopt;
}

std::optional<ScenarioClock::Seconds> ScenarioClock::parse_local(std::string_view text,
                                                                 const date::time_zone* zone) {
  const auto local = local_of(text);
  if (!local)
    return std::nullopt;
  const auto info = zone->get_info(*local);
  if (info.result != date::local_info::unique)
    return std::nullopt;
  return Seconds{local->time_since_epoch() - info.first.offset};
}

std::optional<std::string> ScenarioClock::local_time_trouble(std::string_view text,
                                                             const date::time_zone* zone) {
  const auto local = local_of(text);
  if (!local)
    return std::nullopt;
  const date::local_info info = zone->get_info(*local);
  // Daylight saving starts or ends where one side of the change keeps it
  // and the other does not; otherwise the zone moved its standard time
  // (Pacific/Apia skipped 30 December 2011, Europe/Moscow went back an
  // hour for good on 26 October 2014).
  const bool daylight = (info.first.save.count() != 0) != (info.second.save.count() != 0);
  switch (info.result) {
    case date::local_info::nonexistent:
      return fmt::format("{} does not exist in {}: the clocks skip it as {}", text, zone->name(),
                         daylight ? "daylight saving starts" : "the zone's offset changes");
    case date::local_info::ambiguous:
      return fmt::format("{} happens twice in {}, as {}", text, zone->name(),
                         daylight ? "daylight saving ends" : "the zone's offset changes");
    default:
      return std::nullopt;
  }
}

std::string ScenarioClock::zone_name() const {
  return std::string(zone_->name());
}

SimTime ScenarioClock::from_utc(Seconds utc) const {
  return SimTime{std::chrono::duration_cast<std::chrono::milliseconds>(utc - t0_).count()};
}

namespace {
date::zoned_time<std::chrono::milliseconds> zoned(const ScenarioClock::Seconds& t0,
                                                  const date::time_zone* zone, SimTime t) {
  return date::zoned_time<std::chrono::milliseconds>{
      zone, std::chrono::sys_time<std::chrono::milliseconds>{t0} + std::chrono::milliseconds{t.ms}};
}

// A time's fields on the zone's wall clock, for the two fixed formats that
// timelines print by the hundred thousand: date::format builds a stream and
// its locale for each, which made formatting a tenth of a large replay.
struct WallClock {
  date::year_month_day day;
  date::hh_mm_ss<std::chrono::seconds> time;
  date::sys_info zone;
};

std::optional<WallClock> wall_clock(const date::sys_seconds& utc, const date::time_zone* zone) {
  const date::sys_info info = zone->get_info(utc);
  const date::local_seconds local{utc.time_since_epoch() + info.offset};
  const auto midnight = date::floor<date::days>(local);
  const date::year_month_day day{midnight};
  // date::format pads and signs years outside these; they keep its text.
  if (day.year() < date::year{1000} || day.year() > date::year{9999})
    return std::nullopt;
  return WallClock{day, date::hh_mm_ss{local - midnight}, info};
}

}  // namespace

std::string ScenarioClock::local_text(SimTime t) const {
  const auto utc = date::floor<std::chrono::seconds>(zoned(t0_, zone_, t).get_sys_time());
  const auto wall = wall_clock(utc, zone_);
  if (!wall) {
    const date::zoned_seconds in_zone{zone_, utc};
    const bool whole_minute = in_zone.get_local_time().time_since_epoch().count() % 60 == 0;
    return date::format(whole_minute ? "%Y-%m-%d %H:%M %Z" : "%Y-%m-%d %H:%M:%S %Z", in_zone);
  }
  const auto& [day, time, zone] = *wall;
  const bool whole_minute = time.seconds().count() == 0;
  const auto minute =
      fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", int(day.year()), unsigned(day.month()),
                  unsigned(day.day()), time.hours().count(), time.minutes().count());
  if (whole_minute)
    return fmt::format("{} {}", minute, zone.abbrev);
  return fmt::format("{}:{:02} {}", minute, time.seconds().count(), zone.abbrev);
}

// The offset as date's %Ez writes it: a sign, then hours and minutes
// truncated towards zero (old local mean times have seconds).
std::string ScenarioClock::iso_text(SimTime t) const {
  const auto utc = date::floor<std::chrono::seconds>(zoned(t0_, zone_, t).get_sys_time());
  const auto wall = wall_clock(utc, zone_);
  if (!wall)
    return date::format("%Y-%m-%dT%H:%M:%S%Ez", date::zoned_seconds{zone_, utc});
  const auto& [day, time, zone] = *wall;
  const auto offset = std::chrono::duration_cast<std::chrono::minutes>(zone.offset).count();
  const auto size = offset < 0 ? -offset : offset;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", int(day.year()),
                     unsigned(day.month()), unsigned(day.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), offset < 0 ? '-' : '+',
                     size / 60, size % 60);
}

std::string ScenarioClock::local_text(SimTime t, const char* format) const {
  const auto z = zoned(t0_, zone_, t);
  return date::format(
      format, date::zoned_seconds{zone_, date::floor<std::chrono::seconds>(z.get_sys_time())});
}

std::vector<SimTime> ScenarioClock::local_ticks(SimTime from, SimTime to, Duration step) const {
  using std::chrono::hours;
  const std::int64_t step_hours = std::max<std::int64_t>(1, step.ms / 3'600'000);
  const bool whole_days = step_hours % 24 == 0;
  const std::int64_t step_days = step_hours / 24;
  auto local = date::floor<hours>(zoned(t0_, zone_, from).get_local_time());
  if (whole_days)
    local = date::floor<date::days>(local);
  std::vector<SimTime> ticks;
  // Days are counted from the epoch so that ticks of several days fall on
  // the same dates whatever the span.
  for (;; local += whole_days ? hours{24} : hours{1}) {
    const std::int64_t hour_of_day = (local.time_since_epoch() % date::days{1}) / hours{1};
    const std::int64_t day = date::floor<date::days>(local).time_since_epoch().count();
    const bool on_step = whole_days ? day % step_days == 0 : hour_of_day % step_hours == 0;
    const auto info = zone_->get_info(date::local_seconds{local});
    if (info.result == date::local_info::nonexistent)
      continue;
    const Seconds utc{local.time_since_epoch() - info.first.offset};
    const SimTime t = from_utc(utc);
    if (t > to)
      break;
    if (on_step && t >= from)
      ticks.push_back(t);
  }
  return ticks;
}

}  // namespace faultline
