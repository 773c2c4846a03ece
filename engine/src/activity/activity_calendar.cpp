#include <date/tz.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

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

// Groups in the same time zone with the same weekly curve share one curve
// and one column of weights: an estate of 10^4 groups in a handful of zones
// keeps a handful, small enough to stay in cache as runs read them.
ActivityCalendar::ActivityCalendar(const Topology& topology, const ScenarioClock& clock,
                                   SimTime until) {
  std::map<std::pair<std::string, ActivityCurve::Weights>, std::uint32_t> curve_of_key;
  std::vector<std::vector<Change>> per_curve;
  for (const UserGroup& group : topology.user_groups()) {
    ActivityCurve::Weights weights{};
    for (int h = 0; h < ActivityCurve::kHoursPerWeek; ++h)
      weights[static_cast<std::size_t>(h)] = group.activity.permille(h);
    const auto [it, added] = curve_of_key.try_emplace({group.time_zone, weights},
                                                      static_cast<std::uint32_t>(per_curve.size()));
    if (added)
      per_curve.push_back(changes_of(group, clock, until));
    curve_of_group_.push_back(it->second);
  }
  starts_.push_back(SimTime{});
  for (const auto& changes : per_curve) {
    for (const Change& c : changes)
      starts_.push_back(c.at);
  }
  std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
  for (const auto& changes : per_curve) {
    std::vector<SimTime> starts;
    std::vector<std::uint16_t> permille;
    for (const Change& c : changes) {
      starts.push_back(c.at);
      permille.push_back(c.permille);
    }
    curves_.push_back(curve_of(std::move(starts), std::move(permille)));
  }
  curve_count_ = curves_.size();
  for (const std::uint32_t c : curve_of_group_)
    highest_of_group_.push_back(curves_[c].weights.back());
  permille_.resize(starts_.size() * curve_count_);
  for (std::size_t c = 0; c < curve_count_; ++c) {
    std::size_t next = 0;
    const auto& changes = per_curve[c];
    std::uint16_t current = changes.empty() ? 1000 : changes.front().permille;
    for (std::size_t s = 0; s < starts_.size(); ++s) {
      while (next < changes.size() && changes[next].at <= starts_[s])
        current = changes[next++].permille;
      permille_[s * curve_count_ + c] = current;
    }
  }
}

std::vector<std::uint16_t> ActivityCalendar::weights(std::size_t segment) const {
  std::vector<std::uint16_t> by_group;
  by_group.reserve(curve_of_group_.size());
  for (std::uint32_t g = 0; g < curve_of_group_.size(); ++g)
    by_group.push_back(permille(segment, UserGroupId{g}));
  return by_group;
}

ActivityCalendar::GroupCurve ActivityCalendar::curve_of(std::vector<SimTime> starts,
                                                        std::vector<std::uint16_t> permille) {
  GroupCurve c;
  if (starts.empty()) {
    starts.push_back(SimTime{});
    permille.push_back(1000);
  }
  c.weights = permille;
  std::sort(c.weights.begin(), c.weights.end());
  c.weights.erase(std::unique(c.weights.begin(), c.weights.end()), c.weights.end());
  const std::size_t n = starts.size();
  const std::size_t w = c.weights.size();
  c.time_before.assign((n + 1) * w, 0);
  for (std::size_t k = 0; k < n; ++k) {
    std::copy_n(c.time_before.begin() + static_cast<std::ptrdiff_t>(k * w), w,
                c.time_before.begin() + static_cast<std::ptrdiff_t>((k + 1) * w));
    if (k + 1 < n) {
      const auto at = static_cast<std::size_t>(
          std::lower_bound(c.weights.begin(), c.weights.end(), permille[k]) - c.weights.begin());
      c.time_before[(k + 1) * w + at] += (starts[k + 1] - starts[k]).ms;
    }
  }
  std::size_t leaves = 1;
  while (leaves < n)
    leaves *= 2;
  c.max_tree.assign(2 * leaves, 0);
  std::copy(permille.begin(), permille.end(),
            c.max_tree.begin() + static_cast<std::ptrdiff_t>(leaves));
  for (std::size_t node = leaves; node-- > 1;)
    c.max_tree[node] = std::max(c.max_tree[2 * node], c.max_tree[2 * node + 1]);
  c.starts = std::move(starts);
  c.permille = std::move(permille);
  return c;
}

std::uint16_t ActivityCalendar::GroupCurve::highest(std::size_t first, std::size_t last) const {
  const std::size_t leaves = max_tree.size() / 2;
  std::uint16_t most = 0;
  for (std::size_t lo = first + leaves, hi = last + leaves + 1; lo < hi; lo /= 2, hi /= 2) {
    if (lo % 2 == 1)
      most = std::max(most, max_tree[lo++]);
    if (hi % 2 == 1)
      most = std::max(most, max_tree[--hi]);
  }
  return most;
}

// Climbs from the leaf to the first subtree after it that holds a weight
// that high, then walks down to its leftmost such leaf.
std::size_t ActivityCalendar::GroupCurve::first_at_least(std::size_t from,
                                                         std::uint16_t weight) const {
  const std::size_t leaves = max_tree.size() / 2;
  std::size_t node = leaves + from;
  if (max_tree[node] < weight) {
    while (node > 1 && !(node % 2 == 0 && max_tree[node + 1] >= weight))
      node /= 2;
    if (node == 1)
      return permille.size();
    ++node;
  }
  while (node < leaves)
    node = max_tree[2 * node] >= weight ? 2 * node : 2 * node + 1;
  return node - leaves;
}

// Steps, then gallops, then searches: short moves are the common case.
void ActivityCalendar::move_to(UserGroupId g, Cursor& at, SimTime t) const {
  const auto& starts = curve(g).starts;
  const std::size_t n = starts.size();
  std::size_t k = at.stretch;
  if (k + 1 < n && starts[k + 1] <= t) {
    std::size_t step = 1;
    while (k + step + 1 < n && starts[k + step + 1] <= t) {
      k += step;
      step *= 2;
    }
    const auto end = starts.begin() + static_cast<std::ptrdiff_t>(std::min(n, k + step + 1));
    k = static_cast<std::size_t>(
            std::upper_bound(starts.begin() + static_cast<std::ptrdiff_t>(k), end, t) -
            starts.begin()) -
        1;
  }
  at.stretch = k;
}

ActivityCalendar::Span ActivityCalendar::span(UserGroupId g, Cursor at, SimTime from_time,
                                              SimTime to_time) const {
  Span out{at, at, from_time, to_time};
  move_to(g, out.to, to_time - Duration{1});
  return out;
}

// Whole stretches between the two ends come from the sums of time at each
// weight, or one by one when they are few; the stretches the ends fall in,
// from their own weights.
UserTime ActivityCalendar::active_time(UserGroupId g, UserCount users, const Span& span) const {
  const GroupCurve& c = curve(g);
  const std::size_t first = span.from.stretch;
  const std::size_t last = span.to.stretch;
  if (first == last)
    return UserTime{active_share(users, c.permille[first]).value *
                    (span.to_time - span.from_time).ms};
  std::int64_t total =
      active_share(users, c.permille[first]).value * (c.starts[first + 1] - span.from_time).ms +
      active_share(users, c.permille[last]).value * (span.to_time - c.starts[last]).ms;
  const std::size_t weights = c.weights.size();
  if (last - first - 1 <= weights) {
    for (std::size_t k = first + 1; k < last; ++k)
      total += active_share(users, c.permille[k]).value * (c.starts[k + 1] - c.starts[k]).ms;
    return UserTime{total};
  }
  for (std::size_t w = 0; w < weights; ++w) {
    const std::int64_t ms =
        c.time_before[last * weights + w] - c.time_before[(first + 1) * weights + w];
    if (ms > 0)
      total += active_share(users, c.weights[w]).value * ms;
  }
  return UserTime{total};
}

ActivityCalendar::Peak ActivityCalendar::most_active(UserGroupId g, UserCount users,
                                                     const Span& span) const {
  const GroupCurve& c = curve(g);
  const std::size_t first = span.from.stretch;
  if (first == span.to.stretch || users.value <= 0)
    return {active_share(users, c.permille[first]), span.from_time};
  const std::uint16_t highest = c.highest(first, span.to.stretch);
  const UserCount most = active_share(users, highest);
  // The least weight that rounds to as many people.
  const std::int64_t least =
      std::max<std::int64_t>(0, (1000 * most.value - 500 + users.value - 1) / users.value);
  const std::size_t at =
      c.first_at_least(first, static_cast<std::uint16_t>(std::min<std::int64_t>(least, highest)));
  return {most, at == first ? span.from_time : c.starts[at]};
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
