#include <date/tz.h>

#include <algorithm>

#include "faultline/activity.hpp"
#include "faultline/runbook.hpp"

namespace faultline {

std::string_view to_string(StepStatus s) {
  switch (s) {
    case StepStatus::blocked:
      return "blocked";
    case StepStatus::waiting:
      return "waiting";
    case StepStatus::ready:
      return "ready";
    case StepStatus::awaiting_services:
      return "awaiting services";
    case StepStatus::running:
      return "running";
    case StepStatus::verifying:
      return "verifying";
    case StepStatus::rolling_back:
      return "rolling back";
    case StepStatus::done:
      return "done";
    case StepStatus::skipped:
      return "skipped";
    case StepStatus::failed:
      return "failed";
  }
  return "blocked";
}

ShiftCalendar::ShiftCalendar(const Crew& crew, const ScenarioClock& clock, SimTime until)
    : handover_(crew.handover) {
  using std::chrono::days;
  using std::chrono::milliseconds;
  const auto t0 = clock.t0_utc();
  const auto to_sim = [&](date::sys_time<std::chrono::seconds> utc) {
    return SimTime{std::chrono::duration_cast<milliseconds>(utc - t0).count()};
  };
  for (const Shift& shift : crew.shifts) {
    const date::time_zone* zone = ScenarioClock::find_zone(shift.time_zone);
    if (zone == nullptr)
      continue;
    const auto first_day = date::floor<days>(zone->to_local(t0)) - days{1};
    const auto last_day =
        date::floor<days>(zone->to_local(t0 + std::chrono::milliseconds{until.ms})) + days{1};
    const auto length = shift.to > shift.from ? shift.to - shift.from
                                              : shift.to - shift.from + std::chrono::hours{24};
    for (auto day = first_day; day <= last_day; day += days{1}) {
      const date::weekday wd{day};
      if (shift.weekdays_only && (wd == date::Saturday || wd == date::Sunday))
        continue;
      const auto begins = day + shift.from;
      // A local time skipped by a daylight-saving change starts at the change.
      const auto from = zone->to_sys(begins, date::choose::earliest);
      const auto to = zone->to_sys(begins + length, date::choose::earliest);
      intervals_.push_back({to_sim(from), to_sim(to)});
    }
  }
  std::sort(intervals_.begin(), intervals_.end(),
            [](const Interval& a, const Interval& b) { return a.from < b.from; });
  // Overlapping shifts hand over while both work: one interval. Back-to-back
  // ones stay apart, so work carried across pauses for the hand-over.
  std::vector<Interval> merged;
  for (const Interval& i : intervals_) {
    if (!merged.empty() && i.from < merged.back().to) {
      merged.back().to = std::max(merged.back().to, i.to);
    } else {
      merged.push_back(i);
    }
  }
  intervals_ = std::move(merged);
}

std::vector<ShiftCalendar::Interval>::const_iterator ShiftCalendar::covering_or_next(
    SimTime t) const {
  return std::upper_bound(intervals_.begin(), intervals_.end(), t,
                          [](SimTime at, const Interval& i) { return at < i.to; });
}

bool ShiftCalendar::on_shift(SimTime t) const {
  const auto it = covering_or_next(t);
  return it == intervals_.end() || it->from <= t;
}

SimTime ShiftCalendar::next_shift_start(SimTime t) const {
  const auto it = covering_or_next(t);
  return it == intervals_.end() || it->from <= t ? t : it->from;
}

std::optional<SimTime> ShiftCalendar::shift_ends(SimTime t) const {
  const auto it = covering_or_next(t);
  if (it == intervals_.end())
    return std::nullopt;
  return it->to;
}

SimTime ShiftCalendar::work_ends(SimTime start, Duration work, SimTime step_began) const {
  auto it = covering_or_next(start);
  SimTime t = start;
  if (it != intervals_.end())
    t = std::max(start, step_began < it->from ? it->from + handover_ : it->from);
  Duration left = work;
  while (it != intervals_.end()) {
    if (t < it->to) {
      if (left <= it->to - t)
        return t + left;
      left = left - (it->to - t);
    }
    const SimTime shift_ended = it->to;
    ++it;
    t = (it == intervals_.end() ? shift_ended : it->from) + handover_;
  }
  return t + left;
}

RunbookExecutor::RunbookExecutor(const Scenario& scenario, std::vector<std::uint32_t> rank)
    : scenario_(scenario),
      status_(scenario.steps.size()),
      released_(scenario.steps.size()),
      unfinished_predecessors_(scenario.steps.size()),
      busy_(scenario.crews.size()),
      size_(scenario.crews.size()),
      resizes_reached_(scenario.crews.size()),
      held_(scenario.steps.size()),
      members_to_start_(scenario.steps.size(), 1),
      rank_(std::move(rank)) {
  for (std::size_t s = 0; s < scenario.steps.size(); ++s) {
    if (const auto& batches = scenario.steps[s].batches)
      members_to_start_[s] = batches->members;
  }
  for (const Crew& crew : scenario.crews) {
    calendars_.emplace_back(crew, scenario.clock, activity_until(scenario));
    any_shifts_ = any_shifts_ || !crew.shifts.empty();
    any_resizes_ = any_resizes_ || !crew.resized.empty();
  }
  reset();
}

void RunbookExecutor::reset() {
  std::fill(status_.begin(), status_.end(), StepStatus::blocked);
  std::fill(released_.begin(), released_.end(), std::nullopt);
  for (std::size_t i = 0; i < scenario_.steps.size(); ++i) {
    unfinished_predecessors_[i] = static_cast<int>(scenario_.steps[i].after.size());
  }
  std::fill(busy_.begin(), busy_.end(), 0);
  std::fill(held_.begin(), held_.end(), 0);
  for (std::size_t c = 0; c < size_.size(); ++c)
    size_[c] = scenario_.crews[c].size;
  std::fill(resizes_reached_.begin(), resizes_reached_.end(), 0);
  ready_.clear();
  started_.clear();
  waiting_.clear();
  handed_out_.clear();
}

void RunbookExecutor::begin(SimTime now) {
  for (std::uint32_t i = 0; i < scenario_.steps.size(); ++i) {
    if (unfinished_predecessors_[i] == 0)
      release(StepId{i}, now);
  }
}

void RunbookExecutor::release(StepId s, SimTime now) {
  released_[s.value] = now;
  const auto& not_before = scenario_.steps[s.value].not_before;
  if (not_before && *not_before > now) {
    status_[s.value] = StepStatus::waiting;
    waiting_.push_back(s);
    return;
  }
  make_ready(s);
}

void RunbookExecutor::reach_earliest_start(StepId s) {
  make_ready(s);
}

void RunbookExecutor::make_ready(StepId s) {
  status_[s.value] = StepStatus::ready;
  const auto at = std::upper_bound(ready_.begin(), ready_.end(), s, [&](StepId a, StepId b) {
    return rank_[a.value] < rank_[b.value];
  });
  ready_.insert(at, s);
}

void RunbookExecutor::free_crew(StepId s) {
  const StepStatus st = status_[s.value];
  if (st != StepStatus::running && st != StepStatus::rolling_back)
    return;
  if (const auto crew = scenario_.steps[s.value].crew)
    busy_[crew->value] -= held_[s.value];
  held_[s.value] = 0;
}

bool RunbookExecutor::take_members(StepId s, int members, SimTime now) {
  const auto crew = scenario_.steps[s.value].crew;
  if (crew &&
      (busy_[crew->value] + members > size_[crew->value] || !calendars_[crew->value].on_shift(now)))
    return false;
  if (crew)
    busy_[crew->value] += members;
  held_[s.value] += members;
  return true;
}

void RunbookExecutor::release_members(StepId s, int members) {
  if (const auto crew = scenario_.steps[s.value].crew)
    busy_[crew->value] -= members;
  held_[s.value] -= members;
}

void RunbookExecutor::release_successors(StepId s, SimTime now) {
  for (const StepId next : scenario_.successors[s.value]) {
    if (--unfinished_predecessors_[next.value] == 0)
      release(next, now);
  }
}

void RunbookExecutor::finish_work(StepId s) {
  free_crew(s);
  status_[s.value] = StepStatus::verifying;
}

void RunbookExecutor::complete(StepId s, SimTime now) {
  free_crew(s);
  status_[s.value] = StepStatus::done;
  release_successors(s, now);
}

void RunbookExecutor::skip(StepId s, SimTime now) {
  free_crew(s);
  std::erase(ready_, s);
  status_[s.value] = StepStatus::skipped;
  release_successors(s, now);
}

void RunbookExecutor::await_services(StepId s, bool awaiting) {
  status_[s.value] = awaiting ? StepStatus::awaiting_services : StepStatus::ready;
}

void RunbookExecutor::start_rollback(StepId s) {
  status_[s.value] = StepStatus::rolling_back;
}

void RunbookExecutor::fail(StepId s) {
  free_crew(s);
  status_[s.value] = StepStatus::failed;
}

void RunbookExecutor::resize(CrewId crew, std::size_t change) {
  size_[crew.value] = scenario_.crews[crew.value].resized[change].size;
  resizes_reached_[crew.value] = change + 1;
}

// A step blocked behind one that failed (or behind such a step) never
// starts; one verifying holds no crew.
bool crew_needed(const Scenario& scenario, std::span<const StepStatus> status, CrewId crew) {
  std::vector<char> never_starts(status.size());
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t s = 0; s < status.size(); ++s) {
      if (status[s] != StepStatus::blocked || never_starts[s])
        continue;
      const auto& after = scenario.steps[s].after;
      never_starts[s] = std::any_of(after.begin(), after.end(), [&](StepId p) {
        return status[p.value] == StepStatus::failed || never_starts[p.value];
      });
      changed = changed || never_starts[s];
    }
  }
  for (std::size_t s = 0; s < status.size(); ++s) {
    const StepStatus st = status[s];
    const bool over = st == StepStatus::done || st == StepStatus::skipped ||
                      st == StepStatus::failed || st == StepStatus::verifying;
    if (scenario.steps[s].crew == crew && !over && !never_starts[s])
      return true;
  }
  return false;
}

bool RunbookExecutor::crew_needed(CrewId crew) const {
  return faultline::crew_needed(scenario_, status_, crew);
}

// A batch step ends the round it starts in: its pipeline fills before the
// steps ranked after it may take members (found by a helper: at_once was
// lost at the step's start to a step listed after it).
std::span<const StepId> RunbookExecutor::dispatch(SimTime now) {
  started_.clear();
  auto keep = ready_.begin();
  auto s = ready_.begin();
  for (; s != ready_.end(); ++s) {
    if (status_[s->value] == StepStatus::awaiting_services ||
        !take_members(*s, members_to_start_[s->value], now)) {
      *keep++ = *s;
      continue;
    }
    status_[s->value] = StepStatus::running;
    started_.push_back(*s);
    if (scenario_.steps[s->value].batches) {
      ++s;
      break;
    }
  }
  keep = std::copy(s, ready_.end(), keep);
  ready_.erase(keep, ready_.end());
  return started_;
}

std::optional<SimTime> RunbookExecutor::off_shift_until(StepId s, SimTime now) const {
  const auto crew = scenario_.steps[s.value].crew;
  if (!any_shifts_ || !crew || calendars_[crew->value].on_shift(now))
    return std::nullopt;
  return calendars_[crew->value].next_shift_start(now);
}

std::span<const StepId> RunbookExecutor::take_waiting() {
  waiting_.swap(handed_out_);
  waiting_.clear();
  return handed_out_;
}

std::optional<SimTime> RunbookExecutor::next_shift_start(SimTime now) const {
  std::optional<SimTime> next;
  if (!any_shifts_)
    return next;
  for (const StepId s : ready_) {
    const auto crew = scenario_.steps[s.value].crew;
    if (!crew || calendars_[crew->value].on_shift(now) ||
        status_[s.value] == StepStatus::awaiting_services)
      continue;
    const SimTime at = calendars_[crew->value].next_shift_start(now);
    if (!next || at < *next)
      next = at;
  }
  return next;
}

SimTime RunbookExecutor::work_ends(StepId s, SimTime now, Duration work, SimTime step_began) const {
  const auto crew = scenario_.steps[s.value].crew;
  return crew ? calendars_[crew->value].work_ends(now, work, step_began) : now + work;
}

}  // namespace faultline
