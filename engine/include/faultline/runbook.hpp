#pragma once
// The runbook executor: walks the step DAG, holds steps until their
// predecessors are done and their earliest start has come, and starts them as
// crews free up. It decides; the run schedules the resulting events.

#include <span>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

enum class StepStatus {
  blocked,  // predecessors not done yet
  waiting,  // predecessors done, earliest start still ahead
  ready,    // may start, waiting for a crew
  running,
  done,
  failed,  // every attempt failed; the steps after it never start
};

std::string_view to_string(StepStatus s);

class RunbookExecutor {
 public:
  // rank[s] orders ready steps competing for crews (see strategy.hpp).
  RunbookExecutor(const Scenario& scenario, std::vector<std::uint32_t> rank);

  // Back to the state before begin(), keeping the memory for the next run.
  void reset();

  // Releases the steps without predecessors at now.
  void begin(SimTime now);
  // The step's earliest start has come.
  void reach_earliest_start(StepId step);
  // The step finished: frees its crew, releases the successors it unblocks.
  void complete(StepId step, SimTime now);
  // The step gave up: frees its crew; its successors stay blocked.
  void fail(StepId step);

  // Starts ready steps, in rank order, while their crews have a free
  // member; returns the steps started.
  std::span<const StepId> dispatch();
  // Steps released since the last call whose earliest start lies ahead: the
  // caller wakes each with reach_earliest_start at its not_before.
  std::span<const StepId> take_waiting();

  StepStatus status(StepId s) const { return status_[s.value]; }
  int busy(CrewId c) const { return busy_[c.value]; }

 private:
  void release(StepId s, SimTime now);
  void make_ready(StepId s);

  const Scenario& scenario_;
  std::vector<StepStatus> status_;
  std::vector<int> unfinished_predecessors_;
  std::vector<int> busy_;
  std::vector<std::uint32_t> rank_;
  std::vector<StepId> ready_;  // kept in rank order
  std::vector<StepId> started_;
  std::vector<StepId> waiting_;
  std::vector<StepId> handed_out_;  // what take_waiting returned last
};

}  // namespace faultline
