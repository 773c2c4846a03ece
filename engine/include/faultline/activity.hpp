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
    return curve_permille(segment, curve_of(g));
  }
  // The weights by curve, which the groups of one time zone and weekly
  // curve share: there are curves() of them, group g's is curve_of(g).
  std::size_t curves() const { return curve_count_; }
  std::uint32_t curve_of(UserGroupId g) const { return curve_of_group_[g.value]; }
  std::uint16_t curve_permille(std::size_t segment, std::uint32_t curve) const {
    return permille_[segment * curve_count_ + curve];
  }
  // Every group's weight during the segment, by UserGroupId.
  std::vector<std::uint16_t> weights(std::size_t segment) const;

  // Where a caller moving forward in time stands in one group's stretches
  // of constant weight: spans from it on are answered without a search.
  struct Cursor {
    std::size_t stretch = 0;
  };
  // Moves the cursor forward to the stretch of group g that holds t.
  void move_to(UserGroupId g, Cursor& at, SimTime t) const;
  // A span of time with the cursors at both ends: `from` at the stretch
  // holding from_time, `to` at the one holding the last moment before
  // to_time.
  struct Span {
    Cursor from;
    Cursor to;
    SimTime from_time;
    SimTime to_time;
  };
  // The span of group g from where `at` stands (at from_time) to to_time,
  // which is after it.
  Span span(UserGroupId g, Cursor at, SimTime from_time, SimTime to_time) const;
  // The user-time that `users` of group g, cut off over the span, lose
  // while active: each stretch at one weight counts its active share
  // (active_share, rounded to a person) for its length. Exact, in time
  // that does not grow with the stretches crossed.
  UserTime active_time(UserGroupId g, UserCount users, const Span& span) const;
  // The most of `users` of group g active at any time in the span, and the
  // first time it is reached.
  struct Peak {
    UserCount active;
    SimTime at;
  };
  Peak most_active(UserGroupId g, UserCount users, const Span& span) const;
  // The highest weight group g ever has.
  std::uint16_t highest_weight(UserGroupId g) const { return highest_of_group_[g.value]; }

 private:
  // A weight over time in stretches of its own, with what answers the two
  // questions above without walking them; shared by the groups in one time
  // zone with one weekly curve.
  struct GroupCurve {
    std::vector<SimTime> starts;  // the first at T0; the last holds for good
    std::vector<std::uint16_t> permille;
    std::vector<std::uint16_t> weights;  // its distinct weights
    // (stretches + 1) x weights: the time spent at each weight before each
    // stretch starts.
    std::vector<std::int64_t> time_before;
    std::vector<std::uint16_t> max_tree;  // over the stretches' weights

    // The highest weight of the stretches first to last.
    std::uint16_t highest(std::size_t first, std::size_t last) const;
    // The first stretch from `from` on whose weight is at least `permille`.
    std::size_t first_at_least(std::size_t from, std::uint16_t permille) const;
  };
  static GroupCurve curve_of(std::vector<SimTime> starts, std::vector<std::uint16_t> permille);
  const GroupCurve& curve(UserGroupId g) const { return curves_[curve_of_group_[g.value]]; }

  std::vector<SimTime> starts_;
  // The distinct curves: one for each time zone and weekly curve in use.
  std::vector<GroupCurve> curves_;
  // curves_.size(), kept: reading it from the vector divides by the size
  // of a curve record at every lookup.
  std::size_t curve_count_ = 0;
  // By UserGroupId: its curve, and that curve's highest weight, read as
  // often as a group's cut-off users change.
  std::vector<std::uint32_t> curve_of_group_;
  std::vector<std::uint16_t> highest_of_group_;
  std::vector<std::uint16_t> permille_;  // segments x curves
};

// How long a scenario's calendar covers: its horizon, or without one a year,
// which no runbook is expected to outlast.
SimTime activity_until(const Scenario& scenario);

// The active users among `users` (0 or more) at a weight in thousandths,
// rounded to the nearest person. In unsigned arithmetic, whose division by
// 1000 is a multiply and a shift without the sign's correction: it runs for
// every group at every sample and stretch a run crosses.
constexpr UserCount active_share(UserCount users, std::uint16_t permille) {
  return UserCount{
      static_cast<std::int64_t>((static_cast<std::uint64_t>(users.value) * permille + 500) / 1000)};
}

// The concurrent active users whose traffic reaches s, with each group
// active at its weight (by UserGroupId, in thousandths).
UserCount demand_on(const Topology& topology, ServiceId s,
                    std::span<const std::uint16_t> permille_by_group);

}  // namespace faultline
