#pragma once
// One run of a scenario, reusable: a Monte Carlo worker keeps one Run and
// executes it again and again without allocating; the model stays shared.

#include <memory>
#include <vector>

#include "faultline/replay.hpp"
#include "replay/capacity_demand.hpp"
#include "replay/crew_accounting.hpp"
#include "replay/estate.hpp"
#include "replay/events.hpp"
#include "replay/failover.hpp"
#include "replay/failure_models.hpp"
#include "replay/outcomes.hpp"
#include "replay/overload.hpp"
#include "replay/restoration_credit.hpp"
#include "replay/run_context.hpp"
#include "replay/run_ending.hpp"
#include "replay/run_options.hpp"
#include "replay/run_tables.hpp"
#include "replay/standstill.hpp"
#include "replay/step_execution.hpp"
#include "replay/tenant_states.hpp"
#include "replay/user_accounting.hpp"

namespace faultline::detail {

// One run: owns the event queue (in its context) and hands each event to the
// part it is about; after a change of what health sees, one propagation
// tells the parts what health decided. See "How the engine is built" in
// the README.
class Run {
 public:
  // Ready steps go in the order of the scenario's strategy, or of `rank`.
  // A run alone builds its own tables; the workers of a study share theirs.
  explicit Run(const Scenario& scenario);
  explicit Run(std::shared_ptr<const RunTables> tables);
  Run(std::shared_ptr<const RunTables> tables, std::vector<std::uint32_t> rank);
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  // A new order for the runs to come.
  void set_ranks(std::vector<std::uint32_t> rank) { steps_.set_ranks(std::move(rank)); }

  // Executes the scenario from the start into result, reusing its memory.
  void execute(const RunOptions& options, RunResult& result);
  // The last run's likelihood ratio and surprisals, when it was stretched.
  const StretchedDraws& stretched() const { return context_.stretched; }

 private:
  void reset(const RunOptions& options, RunResult& result);
  void schedule_start();
  // Hands the event to what it is about, then starts the steps that can.
  void handle(const Event& e);
  void on(const events::FaultStrikes& e);
  void on(const events::FaultHeals& e);
  void on(const events::CacheCohortTurns& e);
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
  void on(const events::DeploymentRestarts& e);
  void on(const events::ScriptedFailure& e);
  void on(const events::HoldUpStarts& e);
  void on(const events::CrewResized& e);
  void on(const events::BatchEnds& e);
  void on(const events::BatchRetryStarts& e);
  void on(const events::MethodArrives& e);
  void on(const events::RollbackDone& e);
  void on(const events::ShiftStarts& e);
  // Settles health after changes, and follows what health decides.
  void propagate();
  void follow_check(DeploymentId d);
  // The group's cut-off users, if changed, from health and its tenants.
  void update_group(UserGroupId g);
  void advance_to(SimTime t);
  void finish(SimTime end);

  const std::shared_ptr<const RunTables> tables_;
  RunContext context_;
  UserAccounting users_;
  DemandSchedule demand_schedule_;
  RestorationCredit credit_;
  UsersBack users_back_;
  FailureModels failures_;
  Failover failover_;
  TenantStates tenants_;
  Estate estate_;
  Overload overload_;
  StepExecution steps_;
  CrewAccounting crews_;
  Standstill standstill_;
  RunEnding ending_;
  // Scratch for propagate: the groups to look at again, each once however
  // many of its services changed (a region lost at 10^5 services changes
  // tens of thousands, and a group uses ten). Nothing that updating a group
  // calls propagates again, which would clear it under the loop.
  ChangeList<UserGroupId> groups_to_update_;
};

}  // namespace faultline::detail
