#pragma once
// The runbook executor: walks the step DAG, holds steps until their
// predecessors are done and their earliest start has come, and starts them as
// crews on shift free up. It decides; the run schedules the resulting events.

#include <optional>
#include <span>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

enum class StepStatus {
  blocked,  // predecessors not done yet
  waiting,  // predecessors done, earliest start still ahead
  ready,    // may start, waiting for a crew (or its shift)
  // past its earliest start, but a service it requires is not as it needs
  awaiting_services,
  running,
  verifying,     // work done, waiting for its gate's services
  rolling_back,  // failed; its crew is undoing what it did
  done,
  skipped,  // its condition did not hold; counts as done for its successors
  failed,   // every attempt failed; the steps after it never start
};

std::string_view to_string(StepStatus s);

// Whether a change of the crew's size can still make a difference, the
// steps being as `status` says (by StepId): some step of the crew can still
// start or is under way with its crew.
bool crew_needed(const Scenario& scenario, std::span<const StepStatus> status, CrewId crew);

// When a crew works: its shifts turned into simulated time, overlapping ones
// merged. Without shifts it always works.
class ShiftCalendar {
 public:
  ShiftCalendar() = default;
  // Working intervals from a day before T0 until `until`; beyond it the crew
  // is taken to work around the clock.
  ShiftCalendar(const Crew& crew, const ScenarioClock& clock, SimTime until);

  bool on_shift(SimTime t) const;
  // t itself when on shift.
  SimTime next_shift_start(SimTime t) const;
  // When the shift under way at t ends; nothing when the crew works on for
  // good. Only for t on shift.
  std::optional<SimTime> shift_ends(SimTime t) const;
  // When `work` on a step begun at `step_began`, the work itself begun at
  // `start`, is done. The hand-over at a shift's start is for a step under
  // way before it: the work pauses outside the shifts and resumes after
  // each hand-over, and begun off shift or in one it starts after it. So
  // however a step's work is cut (waves, methods, retries, a rollback,
  // batches) it is handed over as one piece would be.
  SimTime work_ends(SimTime start, Duration work, SimTime step_began) const;

 private:
  struct Interval {
    SimTime from;
    SimTime to;
  };
  // The first interval that ends after t.
  std::vector<Interval>::const_iterator covering_or_next(SimTime t) const;

  std::vector<Interval> intervals_;  // sorted, disjoint; empty: always working
  Duration handover_;
};

class RunbookExecutor {
 public:
  // rank[s] orders ready steps competing for crews (see strategy.hpp).
  RunbookExecutor(const Scenario& scenario, std::vector<std::uint32_t> rank);

  // Back to the state before begin(), keeping the memory for the next run.
  void reset();
  // A new order, between runs.
  void set_ranks(std::vector<std::uint32_t> rank) { rank_ = std::move(rank); }

  // Releases the steps without predecessors at now.
  void begin(SimTime now);
  // The step's earliest start has come.
  void reach_earliest_start(StepId step);
  // The step's work is done but its gate is not open: frees its crew.
  void finish_work(StepId step);
  // The step finished: frees its crew if it still holds it, releases the
  // successors it unblocks.
  void complete(StepId step, SimTime now);
  // The step was started but its condition does not hold: frees its crew and
  // releases its successors as if it were done.
  // A ready step is skipped without a crew: it leaves the ready steps.
  void skip(StepId step, SimTime now);
  // The steps ready to start, in rank order, whether or not a crew can
  // take them now, with those awaiting services.
  std::span<const StepId> ready() const { return ready_; }
  // Whether a ready step awaits the services it requires: dispatch passes
  // it over, and a lower-ranked step may take its crew.
  void await_services(StepId step, bool awaiting);
  // The step failed; its crew stays on it to roll back.
  void start_rollback(StepId step);
  // The step gave up (after any rollback): frees its crew; its successors stay
  // blocked.
  void fail(StepId step);
  // The crew's `change`-th resized entry is reached: its size changes from
  // now on; steps already running keep going.
  void resize(CrewId crew, std::size_t change);
  // Some crew is resized: without, no resize is ever to come.
  bool any_resizes() const { return any_resizes_; }
  // The crew's resized entries not reached yet.
  std::size_t resizes_to_come(CrewId crew) const {
    return scenario_.crews[crew.value].resized.size() - resizes_reached_[crew.value];
  }
  // crew_needed (below) of the steps as they are now.
  bool crew_needed(CrewId crew) const;

  // Starts ready steps not awaiting services, in rank order, while their
  // crews are on shift and have a free member, up to and including the
  // first batch step, whose pipeline fills before the rest may start;
  // returns the steps started.
  std::span<const StepId> dispatch(SimTime now);
  // Steps released since the last call whose earliest start lies ahead: the
  // caller wakes each with reach_earliest_start at its not_before.
  std::span<const StepId> take_waiting();
  // The earliest shift start after now of a crew that has ready steps but is
  // off shift: the caller dispatches again then.
  std::optional<SimTime> next_shift_start(SimTime now) const;
  // Some crew works shifts: without, no step ever waits for one.
  bool any_shifts() const { return any_shifts_; }
  // A running batch step takes `members` more of its crew for a batch, if
  // its crew is on shift and has them free (always, without a crew).
  bool take_members(StepId step, int members, SimTime now);
  // A batch is over: its members are free.
  void release_members(StepId step, int members);
  // When the step's crew comes on shift, if it is off shift now.
  std::optional<SimTime> off_shift_until(StepId step, SimTime now) const;
  // When a step's work begun now takes `work` of its crew's working time,
  // the step having begun at `step_began` (ShiftCalendar::work_ends).
  SimTime work_ends(StepId step, SimTime now, Duration work, SimTime step_began) const;

  StepStatus status(StepId s) const { return status_[s.value]; }
  // When the step's predecessors were all done; nothing before that.
  std::optional<SimTime> released(StepId s) const { return released_[s.value]; }
  int busy(CrewId c) const { return busy_[c.value]; }
  int size(CrewId c) const { return size_[c.value]; }

 private:
  void release(StepId s, SimTime now);
  void release_successors(StepId s, SimTime now);
  void make_ready(StepId s);
  void free_crew(StepId s);

  const Scenario& scenario_;
  std::vector<ShiftCalendar> calendars_;  // by crew
  bool any_shifts_ = false;
  bool any_resizes_ = false;
  std::vector<StepStatus> status_;
  std::vector<std::optional<SimTime>> released_;
  std::vector<int> unfinished_predecessors_;
  std::vector<int> busy_;
  std::vector<int> size_;
  std::vector<std::size_t> resizes_reached_;  // by crew
  std::vector<int> held_;  // by step: members of its crew it holds
  // By step: members it takes to start (a batch step, its first batch's).
  std::vector<int> members_to_start_;
  std::vector<std::uint32_t> rank_;
  std::vector<StepId> ready_;  // kept in rank order
  std::vector<StepId> started_;
  std::vector<StepId> waiting_;
  std::vector<StepId> handed_out_;  // what take_waiting returned last
};

}  // namespace faultline
