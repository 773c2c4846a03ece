#include <date/tz.h>

#include <algorithm>

#include "faultline/activity.hpp"

namespace faultline {

namespace {

using Millis = std::chrono::sys_time<std::chrono::milliseconds>;

struct Change {
  SimTime at;
  std::uint16_t permille;
};

// Monday 00:00 is hour 0. 1970-01-01 was a Thursday, three days past Monday.
int hour_of_week(date::local_time<std::chrono::milliseconds> local) {
  const auto hours = date::floor<std::chrono::hours>(local).time_since_epoch().count();
  constexpr std::int64_t kWeek = ActivityCurve::kHoursPerWeek;
  return static_cast<int>(((hours + 3 * 24) % kWeek + kWeek) % kWeek);
}

// The times at which one group's weight changes, starting with its weight at T0.
std::vector<Change> changes_of(const UserGroup& group, const ScenarioClock& clock, SimTime until) {
  const date::time_zone* zone = ScenarioClock::find_zone(group.time_zone);
  if (zone == nullptr)
    zone = ScenarioClock::find_zone("UTC");
  const Millis t0{clock.t0_utc()};
  std::vector<Change> out;
  Millis now = t0;
  date::sys_info info = zone->get_info(now);
  while (true) {
    if (now >= info.end)
      info = zone->get_info(now);
    const date::local_time<std::chrono::milliseconds> local{now.time_since_epoch() + info.offset};
    const std::uint16_t w = group.activity.permille(hour_of_week(local));
    const SimTime at{(now - t0).count()};
    if (out.empty() || out.back().permille != w)
      out.push_back({at, w});
    if (at >= until)
      break;
    // The next local hour starts here, unless the offset changes first.
    const auto into_hour = local - date::floor<std::chrono::hours>(local);
    Millis next = now + (std::chrono::hours{1} - into_hour);
    if (info.end > now && next > Millis{info.end})
      next = Millis{info.end};
    now = next;
  }
  return out;
}

}  // namespace

ActivityCalendar::ActivityCalendar(const Topology& topology, const ScenarioClock& clock,
                                   SimTime until)
    : groups_(topology.user_groups().size()) {
  std::vector<std::vector<Change>> per_group;
  for (const UserGroup& group : topology.user_groups())
    per_group.push_back(changes_of(group, clock, until));
  starts_.push_back(SimTime{});
  for (const auto& changes : per_group) {
    for (const Change& c : changes)
      starts_.push_back(c.at);
  }
  std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
  permille_.resize(starts_.size() * groups_);
  for (std::size_t g = 0; g < groups_; ++g) {
    std::size_t next = 0;
    const auto& changes = per_group[g];
    std::uint16_t current = changes.empty() ? 1000 : changes.front().permille;
    for (std::size_t s = 0; s < starts_.size(); ++s) {
      while (next < changes.size() && changes[next].at <= starts_[s])
        current = changes[next++].permille;
      permille_[s * groups_ + g] = current;
    }
  }
}

std::size_t ActivityCalendar::segment_at(SimTime t) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), t);
  return static_cast<std::size_t>(it - starts_.begin()) - 1;
}

UserCount demand_on(const Topology& topology, ServiceId s,
                    std::span<const std::uint16_t> permille_by_group) {
  UserCount demand;
  for (const UserGroupId g : topology.load_of(s))
    demand += active_share(topology.user_group(g).users, permille_by_group[g.value]);
  return demand;
}

SimTime activity_until(const Scenario& scenario) {
  return scenario.horizon.value_or(SimTime{} + Duration::days(366));
}

}  // namespace faultline
