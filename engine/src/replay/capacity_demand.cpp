#include "replay/capacity_demand.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace faultline::detail {

CapacityDemand::CapacityDemand(const Topology& topology, const ActivityCalendar& calendar)
    : segments_(calendar.segments()) {
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (topology.service(ServiceId{s}).capacity_limited)
      services_.push_back(ServiceId{s});
  }
  if (segments_ > std::numeric_limits<SegmentIndex>::max())
    throw std::length_error("more calendar segments than a demand index holds");
  while (leaves_ < segments_)
    leaves_ *= 2;
  if (services_.empty())
    return;
  // Segment by segment: the groups' weights are gathered once for all.
  demand_.reserve(segments_ * services_.size());
  for (std::size_t segment = 0; segment < segments_; ++segment) {
    const std::vector<std::uint16_t> weights = calendar.weights(segment);
    for (const ServiceId s : services_)
      demand_.push_back(demand_on(topology, s, weights));
  }
  next_change_.resize(services_.size() * segments_);
  next_zero_.resize(services_.size() * segments_);
  tree_.assign(services_.size() * 2 * leaves_, -1);
  outlines_.resize(services_.size());
  for (std::size_t i = 0; i < services_.size(); ++i) {
    index_changes(i);
    build_tree(i);
  }
}

void CapacityDemand::index_changes(std::size_t i) {
  const auto change = [&](std::size_t m) -> SegmentIndex& { return next_change_[cell(i, m)]; };
  const auto zero = [&](std::size_t m) -> SegmentIndex& { return next_zero_[cell(i, m)]; };
  const auto none = static_cast<SegmentIndex>(segments_);
  for (std::size_t m = segments_; m-- > 0;) {
    const bool last = m + 1 == segments_;
    change(m) = last ? none
                     : (demand(i, m + 1) != demand(i, m) ? static_cast<SegmentIndex>(m + 1)
                                                         : change(m + 1));
    zero(m) =
        demand(i, m) == UserCount{} ? static_cast<SegmentIndex>(m) : (last ? none : zero(m + 1));
  }
  // The last segment without demand (none when every segment has some).
  SegmentIndex last_zero = none;
  for (std::size_t m = segments_; m-- > 0 && last_zero == none;)
    last_zero = zero(m);
  outlines_[i].last_zero = last_zero;
}

void CapacityDemand::build_tree(std::size_t i) {
  std::int64_t* tree = tree_.data() + i * 2 * leaves_;
  for (std::size_t m = 0; m < segments_; ++m)
    tree[leaves_ + m] = demand(i, m).value;
  for (std::size_t node = leaves_; node-- > 1;)
    tree[node] = std::max(tree[2 * node], tree[2 * node + 1]);
  outlines_[i].peak = tree[1];
}

std::size_t CapacityDemand::position(ServiceId s) const {
  const auto it = std::lower_bound(services_.begin(), services_.end(), s);
  if (it == services_.end() || *it != s)
    throw std::logic_error("a demand position asked of a service without capacity");
  return static_cast<std::size_t>(it - services_.begin());
}

std::optional<std::size_t> CapacityDemand::next_change(std::size_t i, std::size_t segment) const {
  const std::size_t next = next_change_[cell(i, segment)];
  return next < segments_ ? std::optional(next) : std::nullopt;
}

// Walks down the tree to the leftmost leaf at or after `from` whose value
// reaches the limit.
std::optional<std::size_t> CapacityDemand::first_at_least(std::size_t i, std::size_t from,
                                                          double limit) const {
  if (from >= segments_ || static_cast<double>(outlines_[i].peak) < limit)
    return std::nullopt;
  // Read where a new segment's look at every service reads next, not in
  // the service's tree: the usual answer for a service over its limit.
  if (static_cast<double>(demand(i, from).value) >= limit)
    return from;
  const std::int64_t* tree = tree_.data() + i * 2 * leaves_;
  const auto reaches = [&](std::size_t node) { return static_cast<double>(tree[node]) >= limit; };
  // Climbs from the leaf, looking at right siblings, to the first subtree
  // after `from` that holds such a leaf.
  std::size_t node = leaves_ + from;
  if (!reaches(node)) {
    while (true) {
      if (node == 1)
        return std::nullopt;
      if (node % 2 == 0 && reaches(node + 1)) {
        node = node + 1;
        break;
      }
      node /= 2;
    }
  }
  while (node < leaves_)
    node = reaches(2 * node) ? 2 * node : 2 * node + 1;
  return node - leaves_;
}

std::optional<std::size_t> CapacityDemand::next_evaluated(std::size_t i, std::size_t segment,
                                                          double limit) const {
  std::optional<std::size_t> next;
  const auto earliest = [&](std::optional<std::size_t> candidate) {
    if (candidate && (!next || *candidate < *next))
      next = candidate;
  };
  // At or above the limit: the next change is evaluated; below it, the
  // first segment that reaches it.
  if (const auto over = first_at_least(i, segment, limit))
    earliest(*over == segment ? next_change(i, segment) : over);
  // A change from no demand is evaluated; none is after the last segment
  // without demand.
  if (const std::size_t last_zero = outlines_[i].last_zero;
      last_zero < segments_ && segment <= last_zero)
    earliest(next_change(i, next_zero_[cell(i, segment)]));
  return next;
}

void DemandSchedule::reset() {
  segment_.reset();
  event_.reset();
  checks_.assign(demand_.services().size(), Check{});
  for (const std::size_t segment : listed_) {
    due_[segment].clear();
    next_count_[segment] = 0;
  }
  listed_.clear();
  checked_segment_.reset();
  earliest_ = kNever;
}

void DemandSchedule::sync(std::size_t segment) {
  if (segment_ == segment)
    return;
  segment_ = segment;
  const std::span<const ServiceId> services = demand_.services();
  const std::span<const UserCount> demands = demand_.demands(segment);
  for (std::size_t i = 0; i < services.size(); ++i)
    health_.set_demand(services[i], demands[i]);
}

void DemandSchedule::schedule(std::size_t segment) {
  if (!checked_segment_) {
    refresh_all(segment);
  } else {
    if (segment != *checked_segment_)
      refresh_due(*checked_segment_, segment);
    refresh_moved_limits(segment);
  }
  checked_segment_ = segment;
  health_.forget_limit_changes();
  settle_earliest();
  const std::optional<std::size_t> next =
      earliest_ == kNever ? std::nullopt : std::optional(earliest_);
  if (event_ && next == event_segment_)
    return;
  if (event_)
    queue_.cancel(*event_);
  event_.reset();
  if (next) {
    event_segment_ = *next;
    event_ = queue_.schedule(calendar_.segment_start(*next), events::DemandChanges{*next});
  }
}

void DemandSchedule::refresh_all(std::size_t segment) {
  const std::span<const ServiceId> services = demand_.services();
  for (std::size_t i = 0; i < services.size(); ++i)
    refresh(i, segment, health_.fits_below(services[i]));
}

// A check holds until its next segment: it came due if that is past `from`
// and not past `segment` (a check refreshed since is listed again under its
// new next, which is after the segment it was refreshed in). None is before
// earliest_, so the segments before it are not walked (a run passes some
// hundred of them); their lists hold only checks refreshed since, and go
// at the next reset.
void DemandSchedule::refresh_due(std::size_t from, std::size_t segment) {
  const std::span<const ServiceId> services = demand_.services();
  for (std::size_t due = std::max(from + 1, earliest_); due <= segment && due < due_.size();
       ++due) {
    for (const std::uint32_t i : due_[due]) {
      if (checks_[i].next == due)
        refresh(i, segment, health_.fits_below(services[i]));
    }
  }
}

void DemandSchedule::refresh_moved_limits(std::size_t segment) {
  for (const ServiceId s : health_.limit_changes()) {
    const std::size_t i = demand_.position(s);
    const double limit = health_.fits_below(s);
    if (checks_[i].limit != limit)
      refresh(i, segment, limit);
  }
}

void DemandSchedule::refresh(std::size_t i, std::size_t segment, double limit) {
  Check& check = checks_[i];
  if (check.next)
    --next_count_[*check.next];
  check = {limit, demand_.next_evaluated(i, segment, limit)};
  if (!check.next)
    return;
  ++next_count_[*check.next];
  std::vector<std::uint32_t>& due = due_[*check.next];
  if (due.empty())
    listed_.push_back(*check.next);
  due.push_back(static_cast<std::uint32_t>(i));
  earliest_ = std::min(earliest_, *check.next);
}

void DemandSchedule::settle_earliest() {
  while (earliest_ < next_count_.size() && next_count_[earliest_] == 0)
    ++earliest_;
  if (earliest_ >= next_count_.size())
    earliest_ = kNever;
}

}  // namespace faultline::detail
