#pragma once
// The demand on each capacity-limited service in each calendar segment, and
// the segment starts at which a change of it can matter: demand changes are
// events only there, not at every change of activity.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/health.hpp"
#include "faultline/kernel.hpp"
#include "replay/events.hpp"

namespace faultline::detail {

class CapacityDemand {
 public:
  CapacityDemand(const Topology& topology, const ActivityCalendar& calendar);

  // The capacity-limited services, in ServiceId order.
  std::span<const ServiceId> services() const { return services_; }
  // Demands kept: one for each capacity-limited service in each segment.
  std::size_t cells() const { return demand_.size(); }
  std::size_t segments() const { return segments_; }
  // Where the capacity-limited service s is in services().
  std::size_t position(ServiceId s) const;
  // The concurrent active users whose traffic reaches services()[i] during
  // the segment.
  UserCount demand(std::size_t i, std::size_t segment) const { return demand_[cell(i, segment)]; }
  // Every capacity-limited service's demand in the segment, by position.
  std::span<const UserCount> demands(std::size_t segment) const {
    return {demand_.data() + cell(0, segment), services_.size()};
  }
  // The first segment after `segment` at whose start the health of
  // services()[i] would be evaluated again, when it fits every deployment
  // below `limit` (HealthPropagator::fits_below): a start where its demand
  // changes from nothing, from at least the limit, or to at least it.
  std::optional<std::size_t> next_evaluated(std::size_t i, std::size_t segment, double limit) const;

 private:
  // A segment's index in the tables, in 32 bits: a year of hourly segments
  // for each of the 7,384 capacity-limited services of the 10^5-service
  // synthetic estate is 65 million of them, in each of two tables.
  using SegmentIndex = std::uint32_t;

  void index_changes(std::size_t i);
  void build_tree(std::size_t i);
  // The first segment from `from` on whose demand on services()[i] is at
  // least `limit`.
  std::optional<std::size_t> first_at_least(std::size_t i, std::size_t from, double limit) const;
  std::optional<std::size_t> next_change(std::size_t i, std::size_t segment) const;

  std::vector<ServiceId> services_;
  std::size_t segments_ = 0;
  // Where the service's figure for the segment is in the tables below.
  std::size_t cell(std::size_t i, std::size_t segment) const {
    return segment * services_.size() + i;
  }

  // Flat tables (each a single allocation, read at computed places, not
  // through a vector per service), by segment, then service: a new
  // segment reads them for every service in turn. The demand; the first
  // later segment with another demand; and the first segment from it on
  // with no demand (segments_ when none).
  std::vector<UserCount> demand_;
  std::vector<SegmentIndex> next_change_;
  std::vector<SegmentIndex> next_zero_;
  // By service: a max tree over the segments' demand, 2 * leaves_ nodes
  // whose leaves start at leaves_ (node 1 is the root).
  std::vector<std::int64_t> tree_;
  std::size_t leaves_ = 1;
  // By service, side by side: the highest demand and the last segment with
  // none (segments_ when none), which answer most questions without a
  // look into the service's tables (a service that never reaches its limit,
  // or whose demand is never nothing again).
  struct Outline {
    std::int64_t peak = -1;
    SegmentIndex last_zero = 0;
  };
  std::vector<Outline> outlines_;
};

// One run's following of the demand: health has the demand of the current
// segment, and the next segment start at which a change of it must be
// evaluated is the one demand event on the queue.
class DemandSchedule {
 public:
  DemandSchedule(const CapacityDemand& demand, const ActivityCalendar& calendar,
                 EventQueue<Event>& queue, HealthPropagator& health)
      : demand_(demand),
        calendar_(calendar),
        queue_(queue),
        health_(health),
        due_(demand.segments()),
        next_count_(demand.segments()) {}

  void reset();
  // Gives health the demand of the segment, if it has another.
  void sync(std::size_t segment);
  // Schedules the first segment start after `segment` at which health must
  // see the demand again, as health stands now.
  void schedule(std::size_t segment);
  // The demand event has fired.
  void fired() { event_.reset(); }
  // A demand change is on the queue.
  bool scheduled() const { return event_.has_value(); }

 private:
  // By capacity-limited service: the next segment evaluated, as found with
  // `limit`; it holds until that segment or another limit.
  struct Check {
    double limit = -1;
    std::optional<std::size_t> next;
  };
  static constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

  // The first look of a run finds every check.
  void refresh_all(std::size_t segment);
  // Later looks refresh the checks that came due since the last look,
  // `from` exclusive, and those whose limit moved since.
  void refresh_due(std::size_t from, std::size_t segment);
  void refresh_moved_limits(std::size_t segment);
  void refresh(std::size_t i, std::size_t segment, double limit);
  // Moves earliest_ up to the first segment some check has as its next.
  void settle_earliest();

  const CapacityDemand& demand_;
  const ActivityCalendar& calendar_;
  EventQueue<Event>& queue_;
  HealthPropagator& health_;
  // The segment whose demand health has, and the pending demand change.
  std::optional<std::size_t> segment_;
  std::optional<EventHandle> event_;
  std::size_t event_segment_ = 0;
  std::vector<Check> checks_;
  // By segment: the checks that had it as their next when refreshed (some
  // since refreshed again), and how many have it now. A look in a new
  // segment reads only the checks that came due, not all the thousands of
  // capacity-limited services of a large estate in each of its segments.
  std::vector<std::vector<std::uint32_t>> due_;
  std::vector<std::uint32_t> next_count_;
  // The segments with a check listed this run, which a reset empties: a
  // run lists a few of the hundreds. Emptying every segment's list at each
  // reset, and walking every segment a run passed, took 6% of a run of
  // the frozen Webex workload (tools/bench/webex-before-tenants).
  std::vector<std::size_t> listed_;
  // The segment of the last look at the checks, and no check's next is
  // before earliest_ (kNever for none). A look in the segment of the last
  // one (most looks in an estate of 10^5 services) refreshes only the
  // checks whose limit moved.
  std::optional<std::size_t> checked_segment_;
  std::size_t earliest_ = kNever;
};

}  // namespace faultline::detail
