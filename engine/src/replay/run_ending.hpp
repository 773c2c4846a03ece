#pragma once
// Where a run ends, and what it leaves to come. With a horizon, there.
// Without one, events that change nothing (demand changes, cache refreshes
// a restore masks, resizes of crews no step needs) keep no run going: it
// ends once only they are to come and every user is back, or, with users
// still cut off, at the default horizon (or its last work, if later). As
// it ends, what is left on the queue is read for a strike still to come,
// which compare's window check needs (RunResult::strikes_to_come).

#include "faultline/replay.hpp"
#include "replay/capacity_demand.hpp"
#include "replay/estate.hpp"
#include "replay/events.hpp"
#include "replay/run_context.hpp"
#include "replay/run_tables.hpp"
#include "replay/step_execution.hpp"
#include "replay/user_accounting.hpp"

namespace faultline::detail {

// Reads the parts of a run and keeps no state of its own between runs.
class RunEnding {
 public:
  RunEnding(const RunTables& tables, RunContext& run, const UserAccounting& users,
            const StepExecution& steps, const Estate& estate, const DemandSchedule& demand);

  // Demand changes, and cohort turns that change nothing, are no work of
  // the run's: they alone do not keep it going.
  bool is_work(const Event& e) const;
  // The popped event comes after the run's end; `last_work` is the time
  // of the last event that was work.
  bool past_the_end(const EventQueue<Event>::Fired& event, SimTime last_work) const;
  SimTime end_of_run(SimTime last_work) const;
  // The run ends before `first` and whatever is left on the queue, which
  // is emptied up to the first strike; the result says whether there is one.
  void note_strikes_to_come(const EventQueue<Event>::Fired* first);
  // Throws UnfinishedRun when `t` is past the calendars.
  void check_laid_out(SimTime t) const {
    if (t > laid_out_until_) [[unlikely]]
      refuse_past_the_calendars(t);
  }

 private:
  bool only_idle_events_to_come(const Event& popped) const;
  // Resizes on the queue of crews no longer needed.
  std::size_t idle_resizes_queued(const Event& popped) const;
  // Events that can cut users off: a fault's strike and its rollout's
  // waves (unless a step halted it), a cache turn that takes up the
  // outage, a unit's failure, an overload, and a rollback that takes back
  // what a step's waves enabled. Not a demand change: one past a capacity
  // sheds load, but the runs without a horizon do not go on for it either
  // (see is_work).
  bool strikes(const Event& e) const;
  // How far a run may go: without a horizon, only as far as its users'
  // activity and its crews' shifts (`shifts`: some crew works them) are
  // laid out, where either changes.
  static SimTime laid_out_until(const RunTables& tables, bool shifts);
  [[noreturn]] void refuse_past_the_calendars(SimTime t) const;

  RunContext& run_;
  const UserAccounting& users_;
  const StepExecution& steps_;
  const Estate& estate_;
  const DemandSchedule& demand_;
  const SimTime laid_out_until_;
};

}  // namespace faultline::detail
