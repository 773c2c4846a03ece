#pragma once
// One run's user accounting: who is cut off in each group, how many of them
// are active, and the user-time they lose, per group and overall. Activity
// follows the calendar without an event per segment. Each group's span at
// one count of cut-off users is counted when that count changes, its loss,
// peaks and samples from the calendar's sums, without walking the segments
// or events in it; the overall peaks are looked for over the spans in which
// no group changed, and only when they could be beaten. A run that records
// its timeline walks the segments instead, each segment start an instant of
// its own with its users line. Both give the same figures.

#include <span>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/replay.hpp"

namespace faultline::detail {

class UserAccounting {
 public:
  UserAccounting(const Topology& topology, const ActivityCalendar& calendar);

  // A new run at T0, in its first segment, writing into the result's user
  // groups, overall impact and sampled_active (taken at `sample_times`,
  // sorted); users lines go to `timeline` when it is given.
  void reset(RunResult& result, std::span<const SimTime> sample_times,
             std::vector<TimelineEntry>* timeline);

  // Moves on to t and enters the segment holding t; with users lines,
  // counts the loss, peaks and samples until then at once, and otherwise
  // when the span ends. Throws UncountableRun for a t past the topology's
  // longest_countable, before anything is counted.
  void advance_to(SimTime t);
  // Peaks, and the users line, once everything at the current instant is
  // done, so that steps within one instant never count as a peak.
  void settle();
  // The group's cut-off users change now. Returns the user-time the users
  // brought back had lost: their share of the group's loss not yet put
  // down to anything (see restored_share); nothing when none came back.
  UserTime set_affected(UserGroupId g, UserCount affected);
  // The end of the run at the current time: the remaining samples, and who
  // is still cut off.
  void finish();

  UserCount affected(UserGroupId g) const { return group_affected_[g.value]; }
  UserCount total_affected() const { return total_affected_; }
  // The calendar segment in force now.
  std::size_t segment() const { return segment_; }

 private:
  [[noreturn]] void throw_uncountable(SimTime t) const;
  SimTime next_segment_start() const;
  void enter_segment(std::size_t segment);
  // Segment by segment, for a run that records its users lines.
  void advance_each_segment(SimTime t);
  // Counts the loss of [now_, until) at the current activity.
  void count_loss(SimTime until);
  void take_samples_before(SimTime t);
  // Without users lines: group g's span since its cut-off users last
  // changed, up to now, at once from the calendar's sums.
  void close_group(UserGroupId g);
  void group_samples(UserGroupId g);
  // The overall peaks of the span since any group last changed, up to now.
  void close_overall();
  // The most active users over all groups in that span, segment by segment.
  void overall_span_peak();
  // Peaks of the state now, as an instant of its own.
  void instant_peaks();
  // Group g's cut-off users go from `before` to `affected`: it joins or
  // leaves the affected groups, and the totals follow.
  void move_group(UserGroupId g, UserCount before, UserCount affected);

  const Topology& topology_;
  const ActivityCalendar& calendar_;
  const SimTime latest_countable_;
  RunResult* result_ = nullptr;
  std::span<const SimTime> sample_times_;
  // The last sample times seen, and each curve's weight at each of them,
  // [curve x sample time]: a group's samples read them in a row.
  std::vector<SimTime> sampled_at_;
  std::vector<std::uint16_t> sample_weights_;
  std::vector<TimelineEntry>* timeline_ = nullptr;
  SimTime now_;
  std::size_t segment_ = 0;
  // The samples before now.
  std::size_t next_sample_ = 0;
  // Without users lines: since when no group was cut off or brought back,
  // and the segment then.
  SimTime span_start_;
  std::size_t span_segment_ = 0;
  std::vector<UserCount> group_affected_;
  // Of those affected, the active ones; kept as they go for the users lines.
  std::vector<UserCount> group_active_;
  // The groups with someone cut off, in no order (every reader sums), and
  // each group's place among them: joining and leaving cost O(1), not a
  // shift of thousands of groups in a large estate.
  std::vector<UserGroupId> affected_groups_;
  std::vector<std::uint32_t> affected_place_;
  // Of all cut-off users, the most that could ever be active at once: each
  // group's at its busiest weight. Kept as groups change, so a span whose
  // peak cannot be beaten costs nothing however many groups are cut off.
  UserCount most_ever_active_;
  // Without users lines, by group: since when its cut-off users are the
  // same, the first sample since then, and where it stands in the
  // calendar's stretches of its weight.
  std::vector<SimTime> unchanged_since_;
  std::vector<std::size_t> first_sample_;
  std::vector<ActivityCalendar::Cursor> cursors_;
  // User-time lost by each group already put down to what brought its users
  // back.
  std::vector<UserTime> group_attributed_;
  UserCount total_affected_;
  UserCount total_active_;
  // Who is cut off, or active, changed during the current instant.
  bool changed_ = false;
  // The totals in the last users line.
  UserCount recorded_affected_;
  UserCount recorded_active_;
};

}  // namespace faultline::detail
