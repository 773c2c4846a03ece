#pragma once
// The runbook at work: steps start when the runbook executor lets them
// (predecessors, not_before, required services, crews and shifts,
// strategy), skip when their condition no longer holds, and act on the
// estate wave by wave. An attempt can fail (by chance or by script) and be
// retried, be held up, hand over to the step's next method, give up and
// roll back; a step with a gate completes once its services are
// operational.

#include <optional>
#include <vector>

#include "faultline/runbook.hpp"
#include "replay/batch_pipelines.hpp"
#include "replay/estate.hpp"
#include "replay/failover.hpp"
#include "replay/restoration_credit.hpp"
#include "replay/run_context.hpp"

namespace faultline::detail {

class StepExecution {
 public:
  // Ready steps go in the order of `rank`.
  StepExecution(RunContext& run, std::vector<std::uint32_t> rank, Estate& estate,
                Failover& failover, RestorationCredit& credit, TenantStates& tenants);

  void set_ranks(std::vector<std::uint32_t> rank) { runbook_.set_ranks(std::move(rank)); }
  // A new run, writing into the result's steps.
  void reset();
  const RunbookExecutor& runbook() const { return runbook_; }

  void begin() { runbook_.begin(run_.now); }
  void reach_earliest_start(StepId s) { runbook_.reach_earliest_start(s); }
  void attempt_ends(StepId s, int wave);
  void retry(StepId s, int wave);
  void batch_ends(StepId s, BatchId b) { after_batch(s, pipelines_.batch_ends(s, b)); }
  void batch_retry(StepId s, BatchId b) { pipelines_.retry(s, b); }
  // A method of a batch step arrives at its time (see Method::available_from).
  void methods_arrive() { pipelines_.check_arrivals(); }
  // The attempt under way fails now; with none under way (between
  // retries), the next one to end fails.
  void scripted_failure(StepId s);
  // The wave under way ends later; between retries, the next attempt
  // takes longer.
  void hold_up(StepId s, std::size_t index);
  void rollback_done(StepId s);
  // Rolling the step back takes away what its waves enabled: it is an
  // enable-in-waves step past its first wave.
  bool rollback_takes_capability(StepId s) const;
  // A wake fired; dispatch, which follows, schedules the next if needed.
  void shift_starts();
  void resize_crew(CrewId crew, std::size_t change);
  // Starts what the crews can take on, and skips what is no longer needed.
  void dispatch();
  // Completes the steps whose work is done once every service of their
  // gate is operational; after every propagation.
  void open_gates();
  // The run ended: when each step was released.
  void finish();
  // What batch steps' batches held of their crews, once the run ended at `end`.
  std::span<const CrewSpan> batch_crew_spans(SimTime end) { return pipelines_.crew_spans(end); }

 private:
  // What a step's attempts are doing.
  struct Attempts {
    Duration whole_duration;  // the current attempt's whole-step length
    std::size_t method = 0;   // by position in Step::methods
    int retries_used = 0;     // by the method under way
    int wave_failures = 0;  // failed attempts at the wave under way
    int wave = 0;           // the wave under way
    std::optional<EventHandle> end;
    SimTime end_at;
    // While the step is under way: its scripted failures and hold-ups to come.
    std::vector<EventHandle> scripted;
    Duration held_up;             // added to the next attempt
    bool forced_failure = false;  // a scripted failure awaits its attempt
  };

  // Where some crew works shifts: a wake at the next shift start that
  // ready steps or batches wait for, none when nothing waits any more.
  void wake_at_next_shift();

  bool condition_holds(const StepCondition& c) const;
  void skip_unneeded();
  // Marks the ready steps whose required services are not as they need.
  void await_services();
  void start_step(StepId s);
  // What an attempt comes after: it says whether the whole step's duration
  // is drawn afresh.
  enum class AttemptCause { step_start, next_wave, retry, next_method };
  void start_attempt(StepId s, int wave, AttemptCause cause);
  void finish_attempt(StepId s, int wave);
  void finish_work(StepId s);
  void fail_attempt(StepId s, int wave, bool scripted);
  // The method under way gave up: the next starts, or the step gives up.
  void next_method_or_give_up(StepId s, int wave);
  void give_up(StepId s);
  // A restore-tenants step completes once all its batches are done, and
  // fails once they are over and some gave up.
  void after_batch(StepId s, PipelineProgress progress);
  void fill_pipelines();
  // When the step under way began: its work is handed over from then.
  SimTime began(StepId s) const { return *run_.result->steps[s.value].started; }
  const Method& method(StepId s) const {
    return run_.scenario.steps[s.value].methods[attempts_[s.value].method];
  }
  void cancel_scripted(StepId s);
  void finish_step(StepId s);
  void apply_wave(StepId s, int wave);
  // The share of its service an enable-in-waves step has enabled after
  // `waves` waves: whole sites when the service counts them.
  double enabled_by(const Step& step, int waves) const;

  RunContext& run_;
  Estate& estate_;
  Failover& failover_;
  RestorationCredit& credit_;
  RunbookExecutor runbook_;
  std::vector<Attempts> attempts_;    // by step
  RandomStreams random_;              // by step, in a sampled run
  BatchPipelines pipelines_;
  std::vector<StepId> verifying_;     // steps whose gate is not yet open
  std::vector<StepId> not_needed_;    // scratch: ready steps whose condition no longer holds
  bool any_requirements_ = false;     // some step requires services
  bool any_conditions_ = false;       // some step is taken only if a condition holds
  std::optional<SimTime> shift_wake_;
  std::vector<EventHandle> wakes_;  // ShiftStarts scheduled, fired or not
  // Steps that completed, failed or finished their work: dispatch goes
  // round again when one did during it. Only compared, never reset.
  std::size_t steps_finished_ = 0;
};

}  // namespace faultline::detail
