#pragma once
// Time-of-day load: when each user group's share of active users changes over
// a scenario. Groups keep their activity curves in local time; the calendar
// turns them into simulated time once, so runs only look weights up.

#include <cstdint>
#include <span>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

class ActivityCalendar {
 public:
  // Covers T0 up to `until`; the weights in force at `until` hold after it.
  ActivityCalendar(const Topology& topology, const ScenarioClock& clock, SimTime until);

  // Segments in which no group's weight changes; the first starts at T0.
  std::size_t segments() const { return starts_.size(); }
  SimTime segment_start(std::size_t segment) const { return starts_[segment]; }
  // The segment that holds t (t at or after T0).
  std::size_t segment_at(SimTime t) const;
  // Thousandths of the group's users active during the segment.
  std::uint16_t permille(std::size_t segment, UserGroupId g) const {
    return permille_[segment * groups_ + g.value];
  }
  // Every group's weight during the segment, by UserGroupId.
  std::span<const std::uint16_t> weights(std::size_t segment) const {
    return std::span(permille_).subspan(segment * groups_, groups_);
  }

 private:
  std::size_t groups_ = 0;
  std::vector<SimTime> starts_;
  std::vector<std::uint16_t> permille_;  // segments x groups
};

// How long a scenario's calendar covers: its horizon, or without one a year,
// which no runbook is expected to outlast.
SimTime activity_until(const Scenario& scenario);

// The active users among `users` at a weight in thousandths, rounded to the
// nearest person.
constexpr UserCount active_share(UserCount users, std::uint16_t permille) {
  return UserCount{(users.value * permille + 500) / 1000};
}

// The concurrent active users whose traffic reaches s, with each group
// active at its weight (by UserGroupId, in thousandths).
UserCount demand_on(const Topology& topology, ServiceId s,
                    std::span<const std::uint16_t> permille_by_group);

}  // namespace faultline
