#include "replay/user_accounting.hpp"

#include <algorithm>
#include <limits>

#include "replay/outcomes.hpp"

namespace faultline::detail {

UserAccounting::UserAccounting(const Topology& topology, const ActivityCalendar& calendar)
    : topology_(topology),
      calendar_(calendar),
      group_affected_(topology.user_groups().size()),
      group_active_(topology.user_groups().size()),
      cursors_(topology.user_groups().size()),
      group_attributed_(topology.user_groups().size()) {}

void UserAccounting::reset(RunResult& result, std::span<const SimTime> sample_times,
                           std::vector<TimelineEntry>* timeline) {
  result_ = &result;
  sample_times_ = sample_times;
  timeline_ = timeline;
  now_ = SimTime{};
  segment_ = 0;
  next_sample_ = 0;
  std::fill(group_affected_.begin(), group_affected_.end(), UserCount{});
  std::fill(group_active_.begin(), group_active_.end(), UserCount{});
  std::fill(group_attributed_.begin(), group_attributed_.end(), UserTime{});
  affected_groups_.clear();
  span_start_ = SimTime{};
  span_segment_ = 0;
  std::fill(cursors_.begin(), cursors_.end(), ActivityCalendar::Cursor{});
  total_affected_ = UserCount{};
  total_active_ = UserCount{};
  changed_ = false;
  recorded_affected_ = UserCount{};
  recorded_active_ = UserCount{};
  result.user_groups.assign(topology_.user_groups().size(), UserImpact{});
  result.overall = UserImpact{};
  result.sampled_active.assign(sample_times.size(), UserCount{});
}

SimTime UserAccounting::next_segment_start() const {
  return segment_ + 1 < calendar_.segments() ? calendar_.segment_start(segment_ + 1)
                                             : SimTime{std::numeric_limits<std::int64_t>::max()};
}

// The active share of each group's cut-off users follows the new weights.
void UserAccounting::enter_segment(std::size_t segment) {
  segment_ = segment;
  for (std::uint32_t g = 0; g < group_affected_.size(); ++g) {
    const UserCount active =
        active_share(group_affected_[g], calendar_.permille(segment, UserGroupId{g}));
    total_active_ += active - group_active_[g];
    group_active_[g] = active;
  }
  changed_ = true;
}

void UserAccounting::count_loss(SimTime until) {
  const Duration span = until - now_;
  if (span.ms <= 0 || total_active_ == UserCount{})
    return;
  for (std::size_t g = 0; g < group_active_.size(); ++g)
    result_->user_groups[g].lost += UserTime{group_active_[g].value * span.ms};
  result_->overall.lost += UserTime{total_active_.value * span.ms};
}

void UserAccounting::take_samples_before(SimTime t) {
  while (next_sample_ < sample_times_.size() && sample_times_[next_sample_] < t)
    result_->sampled_active[next_sample_++] = total_active_;
}

void UserAccounting::advance_to(SimTime t) {
  if (timeline_) {
    advance_each_segment(t);
    return;
  }
  std::size_t segment = segment_;
  while (segment + 1 < calendar_.segments() && calendar_.segment_start(segment + 1) <= t)
    ++segment;
  now_ = t;
  segment_ = segment;
}

// The span since who is cut off last changed, up to now, at once. Each
// group with someone cut off is looked up in its stretches once; a group's
// cursor catches up when it is next affected.
void UserAccounting::close_span() {
  if (now_ > span_start_) {
    spans_.clear();
    for (const UserGroupId g : affected_groups_) {
      ActivityCalendar::Cursor& cursor = cursors_[g.value];
      calendar_.move_to(g, cursor, span_start_);
      spans_.push_back(calendar_.span(g, cursor, span_start_, now_));
      cursor = spans_.back().to;
    }
    sample_span(now_);
    count_span_loss();
    span_peaks(now_);
  }
  span_start_ = now_;
  span_segment_ = segment_;
}

// Samples in the span see the weights of their own segment.
void UserAccounting::sample_span(SimTime t) {
  std::size_t segment = span_segment_;
  for (; next_sample_ < sample_times_.size() && sample_times_[next_sample_] < t; ++next_sample_) {
    const SimTime at = sample_times_[next_sample_];
    while (segment + 1 < calendar_.segments() && calendar_.segment_start(segment + 1) <= at)
      ++segment;
    UserCount active;
    for (const UserGroupId g : affected_groups_)
      active += active_share(group_affected_[g.value], calendar_.permille(segment, g));
    result_->sampled_active[next_sample_] = active;
  }
}

void UserAccounting::count_span_loss() {
  for (std::size_t i = 0; i < affected_groups_.size(); ++i) {
    const UserGroupId g = affected_groups_[i];
    const UserTime lost = calendar_.active_time(g, group_affected_[g.value], spans_[i]);
    result_->user_groups[g.value].lost += lost;
    result_->overall.lost += lost;
  }
}

// Affected users are the same over the span, so their peak is at its
// start; each group's active ones peak at its busiest stretch, looked for
// only when even its busiest weight ever could beat its peak so far. The
// overall active peak is looked for segment by segment only when the
// groups' peaks together could beat it.
void UserAccounting::span_peaks(SimTime t) {
  if (affected_groups_.empty())
    return;
  UserCount bound;
  for (std::size_t i = 0; i < affected_groups_.size(); ++i) {
    const UserGroupId g = affected_groups_[i];
    UserImpact& impact = result_->user_groups[g.value];
    const UserCount affected = group_affected_[g.value];
    update_peaks(impact, affected, UserCount{}, span_start_);
    const UserCount most_ever = active_share(affected, calendar_.highest_weight(g));
    if (most_ever <= impact.peak_active) {
      bound += most_ever;
      continue;
    }
    const auto peak = calendar_.most_active(g, affected, spans_[i]);
    if (peak.active > impact.peak_active) {
      impact.peak_active = peak.active;
      impact.peak_active_at = peak.at;
    }
    bound += peak.active;
  }
  update_peaks(result_->overall, total_affected_, UserCount{}, span_start_);
  if (bound > result_->overall.peak_active)
    overall_span_peak(t);
}

void UserAccounting::overall_span_peak(SimTime t) {
  std::size_t segment = span_segment_;
  SimTime at = span_start_;
  while (at < t) {
    UserCount active;
    for (const UserGroupId g : affected_groups_)
      active += active_share(group_affected_[g.value], calendar_.permille(segment, g));
    update_peaks(result_->overall, UserCount{}, active, at);
    if (segment + 1 >= calendar_.segments())
      return;
    at = calendar_.segment_start(++segment);
  }
}

void UserAccounting::instant_peaks() {
  for (std::size_t g = 0; g < group_affected_.size(); ++g)
    update_peaks(result_->user_groups[g], group_affected_[g], group_active_[g], now_);
  update_peaks(result_->overall, total_affected_, total_active_, now_);
}

void UserAccounting::advance_each_segment(SimTime t) {
  while (true) {
    const SimTime boundary = next_segment_start();
    const SimTime until = std::min(t, boundary);
    take_samples_before(until);
    count_loss(until);
    now_ = until;
    if (boundary > t)
      return;
    enter_segment(segment_ + 1);
    if (boundary == t)
      return;
    settle();
  }
}

void UserAccounting::settle() {
  // Without users lines, the spans after each instant take its peaks.
  if (!changed_ || !timeline_)
    return;
  changed_ = false;
  instant_peaks();
  if (total_affected_ == recorded_affected_ && total_active_ == recorded_active_)
    return;
  recorded_affected_ = total_affected_;
  recorded_active_ = total_active_;
  if (timeline_) {
    TimelineEntry entry = entry_at(now_, TimelineKind::users);
    entry.affected = total_affected_;
    entry.active = total_active_;
    timeline_->push_back(entry);
  }
}

UserTime UserAccounting::set_affected(UserGroupId g, UserCount affected) {
  const UserCount before = group_affected_[g.value];
  if (affected == before)
    return UserTime{};
  if (!timeline_)
    close_span();
  UserTime share;
  if (affected < before) {
    UserTime& attributed = group_attributed_[g.value];
    share = restored_share(result_->user_groups[g.value].lost, attributed, before, affected);
    attributed += share;
  }
  if (before == UserCount{}) {
    affected_groups_.insert(std::upper_bound(affected_groups_.begin(), affected_groups_.end(), g),
                            g);
  } else if (affected == UserCount{}) {
    std::erase(affected_groups_, g);
  }
  total_affected_ += affected - before;
  group_affected_[g.value] = affected;
  if (timeline_) {
    // Kept as it goes for the segment-by-segment walk; spans look it up.
    const UserCount active = active_share(affected, calendar_.permille(segment_, g));
    total_active_ += active - group_active_[g.value];
    group_active_[g.value] = active;
    changed_ = true;
  }
  return share;
}

void UserAccounting::finish() {
  // The end is an instant of its own, with no span after it.
  if (!timeline_) {
    close_span();
    enter_segment(segment_);
    instant_peaks();
  }
  // The state at the end holds for any later sampling time.
  take_samples_before(SimTime{std::numeric_limits<std::int64_t>::max()});
  for (std::uint32_t g = 0; g < group_affected_.size(); ++g)
    result_->user_groups[g].cut_off_at_end = group_affected_[g];
  result_->overall.cut_off_at_end = total_affected_;
}

}  // namespace faultline::detail
