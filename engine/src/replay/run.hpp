#pragma once
// One run of a scenario, reusable: a Monte Carlo worker keeps one Run and
// executes it again and again without allocating; the model stays shared.

#include <optional>
#include <span>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/health.hpp"
#include "faultline/kernel.hpp"
#include "faultline/random.hpp"
#include "faultline/replay.hpp"
#include "faultline/runbook.hpp"
#include "replay/capacity_demand.hpp"
#include "replay/crew_accounting.hpp"
#include "replay/events.hpp"
#include "replay/failure_models.hpp"
#include "replay/outcomes.hpp"
#include "replay/recorder.hpp"
#include "replay/run_options.hpp"
#include "replay/user_accounting.hpp"

namespace faultline::detail {

class Run {
 public:
  // Ready steps go in the order of the scenario's strategy, or of `rank`.
  explicit Run(const Scenario& scenario);
  Run(const Scenario& scenario, std::vector<std::uint32_t> rank);
  // A new order for the runs to come.
  void set_ranks(std::vector<std::uint32_t> rank) { runbook_.set_ranks(std::move(rank)); }

  // Executes the scenario from the start into result, reusing its memory.
  void execute(const RunOptions& options, RunResult& result);

 private:
  void reset(const RunOptions& options, RunResult& result);
  // Hands the event to what it is about, then starts the steps that can.
  void handle(const Event& e);
  void on(const events::FaultStrikes& e);
  void on(const events::RolloutWave& e);
  void on(const events::RunbookBegins& e);
  void on(const events::EarliestStart& e);
  void on(const events::AttemptEnds& e);
  void on(const events::RetryStarts& e);
  void on(const events::UnitFails& e);
  void on(const events::UnitRepaired& e);
  void on(const events::DemandChanges& e);
  void on(const events::LossDetected& e);
  void on(const events::FailoverDone& e);
  void on(const events::OverloadTrips& e);
  void on(const events::ScriptedFailure& e);
  void on(const events::HoldUpStarts& e);
  void on(const events::CrewResized& e);
  void on(const events::RollbackDone& e);
  void on(const events::ShiftStarts& e);
  void apply_fault(FaultId fault);
  // Takes down the deployments wave `wave` of a bad deploy reaches, unless
  // it was halted, and schedules the next wave; returns the instances lost.
  int roll_out(FaultId fault, int wave);
  void check_failover(ServiceId s);
  void detect_loss(ServiceId s);
  // The first other deployment, in listed order, that can take traffic.
  std::optional<DeploymentId> failover_target(ServiceId s) const;
  void start_switch(ServiceId s);
  void finish_failover(ServiceId s);
  void fail_over(const Step& step);
  void check_overload(DeploymentId d);
  void overload_trips(DeploymentId d);
  // The outcome of the attempt-th try (from 1) at something that succeeds
  // with probability p each time.
  bool succeeds(double p, int attempt, RandomStream* stream) const;
  void dispatch_steps();
  bool condition_holds(const StepCondition& c) const;
  void start_step(StepId s);
  void start_attempt(StepId s, int wave, bool fresh_duration);
  void finish_attempt(StepId s, int wave);
  void fail_attempt(StepId s, int wave, bool scripted);
  void retry(StepId s, int wave);
  void give_up(StepId s);
  void scripted_failure(StepId s);
  void cancel_scripted(StepId s);
  void hold_up(StepId s, std::size_t index);
  void finish_rollback(StepId s);
  void finish_step(StepId s);
  void open_gates();
  void apply_wave(StepId s, int wave);
  void set_unit_failed(FailureUnitId unit, bool failed);
  void raise_capability(ServiceId s, double fraction);
  double enabled_by(const Step& step, int waves) const;
  void apply_deployment(DeploymentId d);
  void apply_service(ServiceId s);
  void propagate();
  void set_group_affected(UserGroupId g, UserCount affected);
  // Puts the users brought back in group g (their loss `share`) down to what
  // brought them back.
  void credit_restored(UserGroupId g, UserTime share);
  void advance_to(SimTime t);
  bool past_the_end(const EventQueue<Event>::Fired& event, SimTime last_work) const;
  SimTime end_of_run(SimTime last_work) const;
  void finish(SimTime end);
  // A sample from streams[index], or the median in the nominal run.
  Duration draw(const Distribution& d, std::vector<RandomStream>& streams,
                std::uint32_t index) const;

  // What an active-passive service's automatic failover is doing.
  struct FailoverState {
    std::optional<EventHandle> pending;  // detection or switch under way
    // A failover failed: it stays down until a runbook step acts.
    bool stuck = false;
    // The loss was noticed but no other deployment could take over: the
    // switch starts once one can.
    bool awaiting_target = false;
    // The runbook step whose action let the switch start, which brings
    // back the users the switch does.
    std::optional<StepId> set_going_by;
  };

  const Scenario& scenario_;
  const Topology& topology_;
  const ActivityCalendar calendar_;
  const CapacityDemand demand_;
  EventQueue<Event> queue_;
  HealthPropagator health_;
  RunbookExecutor runbook_;
  FailureModels failures_;

  // Per run.
  RunResult* result_ = nullptr;
  RunOptions options_;
  SimTime now_;
  UserAccounting users_;
  DemandSchedule demand_schedule_;
  std::vector<RandomStream> step_random_;
  std::vector<RandomStream> failover_random_;  // by service
  std::vector<Duration> attempt_duration_;     // by step: the current attempt's whole-step length
  std::vector<int> retries_used_;
  std::vector<int> wave_failures_;  // by step: failed attempts at the wave under way
  std::vector<StepId> not_needed_;  // ready steps whose condition no longer holds
  // By step, by UserGroupId: whether what the step acts on reaches the
  // group's services (it or something depending on it is used by them).
  std::vector<std::vector<char>> step_reaches_group_;
  // The steps that finished a wave or completed at the current instant:
  // users brought back then are shared among those that reach them.
  std::vector<StepId> acted_now_;
  SimTime acted_at_;
  std::vector<StepId> credit_causes_;                    // scratch for credit_restored
  std::vector<std::optional<EventHandle>> attempt_end_;  // by step: the wave under way
  std::vector<int> wave_under_way_;
  std::vector<SimTime> attempt_end_at_;
  // By step, while it is under way: its scripted failures and hold-ups to come.
  std::vector<std::vector<EventHandle>> scripted_;
  std::vector<Duration> held_up_;     // by step: added to its next attempt
  std::vector<char> forced_failure_;  // by step: a scripted failure awaits its attempt
  // By enable-in-waves step: the capability of its service when it started,
  // which a rollback returns to.
  std::vector<double> capability_before_;
  std::vector<StepId> verifying_;  // steps whose gate is not yet open
  std::optional<SimTime> shift_wake_;
  // What faults and the runbook leave; failure models act on top.
  std::vector<int> base_healthy_;
  std::vector<double> base_capability_;
  std::vector<char> deployment_failed_;
  std::vector<char> service_failed_;
  std::vector<FailoverState> failover_;               // by service
  std::vector<std::optional<EventHandle>> overload_;  // by deployment: its trip, while overloaded
  std::vector<char> rollout_halted_;                  // by fault
  Recorder recorder_;
  // The step whose completion is being applied.
  std::optional<StepId> restoring_step_;
  CrewAccounting crews_;
};

}  // namespace faultline::detail
