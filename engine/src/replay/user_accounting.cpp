#include "replay/user_accounting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "replay/outcomes.hpp"

namespace faultline::detail {

UserAccounting::UserAccounting(const Topology& topology, const ActivityCalendar& calendar)
    : topology_(topology),
      calendar_(calendar),
      latest_countable_(SimTime{} + topology.longest_countable()),
      group_affected_(topology.user_groups().size()),
      group_active_(topology.user_groups().size()),
      affected_place_(topology.user_groups().size()),
      unchanged_since_(topology.user_groups().size()),
      first_sample_(topology.user_groups().size()),
      cursors_(topology.user_groups().size()),
      group_attributed_(topology.user_groups().size()) {}

void UserAccounting::reset(RunResult& result, std::span<const SimTime> sample_times,
                           std::vector<TimelineEntry>* timeline) {
  result_ = &result;
  sample_times_ = sample_times;
  // The weights at the samples are looked up when the sample times change,
  // which in Monte Carlo is once: every run samples at the same times.
  if (!std::ranges::equal(sample_times, sampled_at_)) {
    sampled_at_.assign(sample_times.begin(), sample_times.end());
    sample_weights_.resize(calendar_.curves() * sample_times.size());
    for (std::size_t i = 0; i < sample_times.size(); ++i) {
      const std::size_t segment = calendar_.segment_at(std::max(sample_times[i], SimTime{}));
      for (std::uint32_t c = 0; c < calendar_.curves(); ++c)
        sample_weights_[c * sample_times.size() + i] = calendar_.curve_permille(segment, c);
    }
  }
  timeline_ = timeline;
  now_ = SimTime{};
  segment_ = 0;
  next_sample_ = 0;
  std::fill(group_affected_.begin(), group_affected_.end(), UserCount{});
  std::fill(group_active_.begin(), group_active_.end(), UserCount{});
  std::fill(group_attributed_.begin(), group_attributed_.end(), UserTime{});
  affected_groups_.clear();
  most_ever_active_ = UserCount{};
  span_start_ = SimTime{};
  span_segment_ = 0;
  std::fill(unchanged_since_.begin(), unchanged_since_.end(), SimTime{});
  std::fill(first_sample_.begin(), first_sample_.end(), 0);
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
  if (t > latest_countable_) [[unlikely]]
    throw_uncountable(t);
  if (timeline_) {
    advance_each_segment(t);
    return;
  }
  std::size_t segment = segment_;
  while (segment + 1 < calendar_.segments() && calendar_.segment_start(segment + 1) <= t)
    ++segment;
  while (next_sample_ < sample_times_.size() && sample_times_[next_sample_] < t)
    ++next_sample_;
  now_ = t;
  segment_ = segment;
}

void UserAccounting::throw_uncountable(SimTime t) const {
  const Duration most = latest_countable_ - SimTime{};
  throw UncountableRun(fmt::format(
      "a run went on to T0+{}, past T0+{}: the loss of the topology's {} users cannot be "
      "counted exactly for longer (2^62 user-milliseconds); give the scenario a horizon of at "
      "most {}",
      format_duration(t - SimTime{}), format_duration(most), topology_.users().value,
      format_duration(most)));
}

// A group's cursor catches up when its span closes: groups that do not
// change cost nothing meanwhile.
void UserAccounting::close_group(UserGroupId g) {
  const UserCount affected = group_affected_[g.value];
  const SimTime since = unchanged_since_[g.value];
  if (affected == UserCount{} || now_ <= since)
    return;
  ActivityCalendar::Cursor& cursor = cursors_[g.value];
  calendar_.move_to(g, cursor, since);
  const ActivityCalendar::Span span = calendar_.span(g, cursor, since, now_);
  group_samples(g);
  cursor = span.to;
  const UserTime lost = calendar_.active_time(g, affected, span);
  UserImpact& impact = result_->user_groups[g.value];
  impact.lost += lost;
  result_->overall.lost += lost;
  // The span's peak of affected users is at its start; its active ones
  // peak at its busiest stretch, looked for only when even the group's
  // busiest weight ever could beat its peak so far.
  update_peaks(impact, affected, UserCount{}, since);
  if (active_share(affected, calendar_.highest_weight(g)) <= impact.peak_active)
    return;
  const auto peak = calendar_.most_active(g, affected, span);
  if (peak.active > impact.peak_active) {
    impact.peak_active = peak.active;
    impact.peak_active_at = peak.at;
  }
}

// Each sample in the span adds the group's active users at its time.
void UserAccounting::group_samples(UserGroupId g) {
  const UserCount affected = group_affected_[g.value];
  const std::uint16_t* weights =
      sample_weights_.data() + calendar_.curve_of(g) * sampled_at_.size();
  for (std::size_t i = first_sample_[g.value]; i < next_sample_; ++i)
    result_->sampled_active[i] += active_share(affected, weights[i]);
}

// Affected users are the same over the span, so their peak is at its
// start. The active ones are looked for segment by segment only when the
// groups' busiest weights together could beat the peak so far.
void UserAccounting::close_overall() {
  if (now_ > span_start_ && !affected_groups_.empty()) {
    update_peaks(result_->overall, total_affected_, UserCount{}, span_start_);
    if (most_ever_active_ > result_->overall.peak_active)
      overall_span_peak();
  }
  span_start_ = now_;
  span_segment_ = segment_;
}

void UserAccounting::overall_span_peak() {
  std::size_t segment = span_segment_;
  SimTime at = span_start_;
  while (at < now_) {
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
  if (!timeline_) {
    close_overall();
    close_group(g);
    unchanged_since_[g.value] = now_;
    first_sample_[g.value] = next_sample_;
  }
  UserTime share;
  if (affected < before) {
    UserTime& attributed = group_attributed_[g.value];
    share = restored_share(result_->user_groups[g.value].lost, attributed, before, affected);
    attributed += share;
  }
  move_group(g, before, affected);
  if (timeline_) {
    // Kept as it goes for the segment-by-segment walk; spans look it up.
    const UserCount active = active_share(affected, calendar_.permille(segment_, g));
    total_active_ += active - group_active_[g.value];
    group_active_[g.value] = active;
    changed_ = true;
  }
  return share;
}

void UserAccounting::move_group(UserGroupId g, UserCount before, UserCount affected) {
  if (before == UserCount{}) {
    affected_place_[g.value] = static_cast<std::uint32_t>(affected_groups_.size());
    affected_groups_.push_back(g);
  } else if (affected == UserCount{}) {
    const UserGroupId last = affected_groups_.back();
    affected_groups_[affected_place_[g.value]] = last;
    affected_place_[last.value] = affected_place_[g.value];
    affected_groups_.pop_back();
  }
  const std::uint16_t busiest = calendar_.highest_weight(g);
  most_ever_active_ += active_share(affected, busiest) - active_share(before, busiest);
  total_affected_ += affected - before;
  group_affected_[g.value] = affected;
}

void UserAccounting::finish() {
  // The end is an instant of its own, with no span after it.
  if (!timeline_) {
    close_overall();
    for (const UserGroupId g : affected_groups_)
      close_group(g);
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
