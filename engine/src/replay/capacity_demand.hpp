#pragma once
// The demand on each capacity-limited service in each calendar segment, and
// the segment starts at which a change of it can matter: demand changes are
// events only there, not at every change of activity.

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
  // Where the capacity-limited service s is in services().
  std::size_t position(ServiceId s) const;
  // The concurrent active users whose traffic reaches services()[i] during
  // the segment.
  UserCount demand(std::size_t i, std::size_t segment) const { return demand_[i][segment]; }
  // The first segment after `segment` at whose start the health of
  // services()[i] would be evaluated again, when it fits every deployment
  // below `limit` (HealthPropagator::fits_below): a start where its demand
  // changes from nothing, from at least the limit, or to at least it.
  std::optional<std::size_t> next_evaluated(std::size_t i, std::size_t segment, double limit) const;

 private:
  // The first segment from `from` on whose demand on services()[i] is at
  // least `limit`.
  std::optional<std::size_t> first_at_least(std::size_t i, std::size_t from, double limit) const;
  std::optional<std::size_t> next_change(std::size_t i, std::size_t segment) const;

  std::vector<ServiceId> services_;
  std::vector<std::vector<UserCount>> demand_;  // by service, by segment
  // By service, by segment: the first later segment with another demand,
  // and the first segment from it on with no demand (the segment count
  // when none).
  std::vector<std::vector<std::size_t>> next_change_;
  std::vector<std::vector<std::size_t>> next_zero_;
  // By service: a max tree over the segments' demand, leaves from `leaves_`.
  std::vector<std::vector<std::int64_t>> tree_;
  std::size_t leaves_ = 1;
};

// One run's following of the demand: health has the demand of the current
// segment, and the next segment start at which a change of it must be
// evaluated is the one demand event on the queue.
class DemandSchedule {
 public:
  DemandSchedule(const CapacityDemand& demand, const ActivityCalendar& calendar,
                 EventQueue<Event>& queue, HealthPropagator& health)
      : demand_(demand), calendar_(calendar), queue_(queue), health_(health) {}

  void reset();
  // Gives health the demand of the segment, if it has another.
  void sync(std::size_t segment);
  // Schedules the first segment start after `segment` at which health must
  // see the demand again, as health stands now.
  void schedule(std::size_t segment);
  // The demand event has fired.
  void fired() { event_.reset(); }

 private:
  // By capacity-limited service: the next segment evaluated, as found from
  // `from` with `limit`; it holds until that segment or another limit.
  struct Check {
    double limit = -1;
    std::size_t from = 0;
    std::optional<std::size_t> next;
  };
  static constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

  // In a new segment every check can be out of date.
  void recheck_all(std::size_t segment);
  // In the segment of the last look, only checks whose limit moved are.
  void recheck_limits(std::size_t segment);
  void refresh(std::size_t i, std::size_t segment, double limit);
  // Counts a check's next segment toward the earliest.
  void count(const Check& check);
  void find_earliest();

  const CapacityDemand& demand_;
  const ActivityCalendar& calendar_;
  EventQueue<Event>& queue_;
  HealthPropagator& health_;
  // The segment whose demand health has, and the pending demand change.
  std::optional<std::size_t> segment_;
  std::optional<EventHandle> event_;
  std::size_t event_segment_ = 0;
  std::vector<Check> checks_;
  // The segment of the last look at the checks, and the earliest next
  // segment among them (kNever for none) with how many checks have it: a
  // propagation in the same segment looks only at the limits that moved
  // (most propagations in an estate of 10^5 services, each of which looked
  // at all its thousands of capacity-limited services).
  std::optional<std::size_t> checked_segment_;
  std::size_t earliest_ = kNever;
  std::size_t at_earliest_ = 0;
};

}  // namespace faultline::detail
