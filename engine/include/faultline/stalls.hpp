#pragma once
// Why steps waited: every stretch of a run in which a step could not start,
// its work was paused, or, its work done, it could not complete is put down
// to one cause - its predecessors, its earliest start, a service it
// requires not being as it needs, its crew being off shift, its crew's
// members all held by other steps, or its verification gate - with what it
// waited for named.
// Computed from a run's outcomes and timeline, so every report and the
// rehearsal read the same answer.

#include <optional>
#include <variant>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/replay.hpp"

namespace faultline {

// Not yet released: these steps had not all finished; `last` was the last
// of them to finish.
struct PredecessorsWait {
  StepId last;
};
// Released, but its not_before was still ahead.
struct EarliestStartWait {};
// Past its earliest start, but these services it requires were not as it
// needs (in the order it lists them); whatever its crew was doing.
struct RequirementWait {
  std::vector<ServiceId> services;
};
// Ready, but its crew was between shifts; or, with work_paused, under way
// and holding a member of its crew, whose shift had ended: its work waits
// for the next shift (and its hand-over, which counts as work time).
struct OffShiftWait {
  CrewId crew;
  bool work_paused = false;
};
// Ready, its crew on shift, but every member was on another step: these
// held them during the wait, in the order they were first seen holding.
// Empty when the crew had no members at all.
struct CrewBusyWait {
  CrewId crew;
  std::vector<StepId> holding;
};
// A restore-tenants step had a batch ready to start, its first included
// (which starts the step), but not the members a batch needs: its crew had
// fewer than that (its size as the wait began, none included), on shift or
// off; or, on shift, other steps held them (these, in the order first seen
// holding). Its own batches holding the crew are work on it, not a wait.
struct BatchMembersWait {
  CrewId crew;
  int members = 0;  // a batch's
  int crew_size = 0;
  std::vector<StepId> holding;
};
// The work was done, but these services of its gate were not operational,
// in the order they came back (the last one opened the gate; one still out
// at the end of the run comes last).
struct GateWait {
  std::vector<ServiceId> services;
};

using WaitCause = std::variant<PredecessorsWait, EarliestStartWait, RequirementWait, OffShiftWait,
                               CrewBusyWait, BatchMembersWait, GateWait>;

struct Wait {
  SimTime from;
  SimTime to;
  WaitCause cause;
  // Still under way when the run ended: `to` is the end.
  bool at_end = false;

  Duration length() const { return to - from; }
};

// A step's waits in time order. From T0 to its start they account for all
// of the time (from T0 to its release, its predecessors; then the rest), and
// from the end of its work to its completion; a step that never started
// waits until the end of the run. Between its start and the time its crew
// is free of it, they are the stretches its crew was off shift, but for
// those in which it was waiting to retry a failed attempt (the time before
// a retry is drawn on its own; a restore-tenants step's batches waiting to
// retry are not told apart), and those in which a batch ready to start
// waited for its members.
struct StepWaits {
  std::optional<SimTime> released;  // its predecessors were done
  std::vector<Wait> waits;

  // The time lost to causes other than its predecessors: its stalls.
  Duration stalled() const;
  // The wait under way at t, if any.
  const Wait* waiting_at(SimTime t) const;
};

// By StepId. Needs the run's timeline (a gate's services are read from it).
std::vector<StepWaits> step_waits(const Scenario& scenario, const RunResult& result);

// The services the step requires that were not as it needs at t, after
// everything that happened at t, read from the run's timeline.
std::vector<ServiceId> unmet_requirements(const Step& step, const RunResult& result, SimTime t);

struct Stall {
  StepId step;
  Wait wait;
};

// Every wait other than for predecessors, largest first; ties go to the
// earlier one, then to the step written first.
std::vector<Stall> stalls(const std::vector<StepWaits>& waits);

// "predecessors", "earliest_start", "requires", "off_shift", "crew_busy",
// "batch_members", "gate": a cause's name in JSON and CSV.
std::string_view cause_name(const WaitCause& cause);

}  // namespace faultline
