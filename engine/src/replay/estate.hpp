#pragma once
// What faults and the runbook leave of the estate: each deployment's
// healthy instances and each service's capability, with what failure
// models take away on top, and the bad deploys rolling out. Every change
// goes to health at once, and a deployment's to its service's failover;
// the caller propagates.

#include <vector>

#include "replay/degradations.hpp"
#include "replay/failover.hpp"
#include "replay/failure_models.hpp"
#include "replay/run_context.hpp"
#include "replay/service_capabilities.hpp"
#include "replay/tenant_states.hpp"

namespace faultline::detail {

class Estate {
 public:
  Estate(RunContext& run, Failover& failover, TenantStates& tenants);

  void reset();
  // The fault strikes now; a bad deploy reaches its first wave unless it
  // was halted before; an outage of tenants takes their share of its
  // service out. An outage that lasts is scheduled to heal.
  void strike(FaultId fault);
  // The outage or degradation ends by itself (see ServiceCapabilities);
  // one reaching its consumers through caches ends at its source, and
  // leaves them as their cohorts turn.
  void heal(FaultId fault);
  // A cohort of the outage's consumers refreshes its cache (see
  // Fault::cache_ttl): it is reached by the outage, or left by it.
  void turn_cohort(FaultId fault, bool holds_outage);
  // Cohort refreshes still on the queue.
  int cohort_turns_to_come() const { return turns_to_come_; }
  // Whether the cohort's turn would leave every service as it is: a first
  // refresh while later changes mask the outage at its deepest, a last one
  // while they mask its end (see masks_deepening), as when a step restored
  // the whole service.
  bool turn_changes_nothing(FaultId fault, bool holds_outage) const {
    return holds_outage ? masked(fault) : end_masked(fault);
  }
  // Whether each turn still to come would.
  bool turns_to_come_change_nothing() const;
  // A bad deploy reaches wave `wave` (from 2), unless it was halted;
  // returns whether it did.
  bool reach_wave(FaultId fault, int wave);
  void halt_rollout(FaultId fault) { rollout_halted_[fault.value] = 1; }
  // A step halted the bad deploy: its waves still on the queue take nothing.
  bool rollout_halted(FaultId fault) const { return rollout_halted_[fault.value] != 0; }
  // A step ends the degradation, if it is still on.
  void mitigate(FaultId fault) { degradations_.mitigate(fault); }

  // The deployment has all its instances again.
  void rebuild(DeploymentId d);
  // The deployment has none left (it fell over); returns how many it had.
  int take_down(DeploymentId d);
  // The deployment that fell over restarts with `instances`, unless a step
  // has already brought back as many; returns whether it did.
  bool restart(DeploymentId d, int instances);
  // Recovery only gives back: a service serving more than `fraction`
  // stays as it is.
  void raise_capability(ServiceId s, double fraction, StepId by);
  // Adds to the service's capability, up to all of it.
  void add_capability(ServiceId s, double share);
  // The step's raises are rolled back: the capability is what the other
  // changes leave, faults since included.
  void roll_back_capability(ServiceId s, StepId step);
  // A failure model's unit fails or is repaired.
  void set_unit_failed(const FailureModels::Unit& unit, bool failed);

 private:
  // Takes down the deployments wave `wave` of a bad deploy reaches and
  // schedules the next wave; returns the instances lost. A halted rollout
  // reaches no more waves.
  int roll_out(FaultId fault, int wave);
  TenantsMoved strike_outage(FaultId fault);
  // Schedules the end of a fault that lasts.
  std::optional<EventHandle> schedule_heal(FaultId fault);
  // Schedules each cohort's refreshes that turn it, given how long the
  // outage lasts (for ever when absent).
  void schedule_cohorts(FaultId fault, std::optional<Duration> lasts);
  void apply_deployment(DeploymentId d);
  void apply_service(ServiceId s);
  // The outage reaching all its consumers would change nothing.
  bool masked(FaultId fault) const;
  // The outage leaving all its consumers would change nothing.
  bool end_masked(FaultId fault) const;
  // What the service serves with `reached` cohorts of its consumers holding
  // the outage.
  static double served_with(const Fault& fault, int reached);

  RunContext& run_;
  Failover& failover_;
  TenantStates& tenants_;
  std::vector<int> base_healthy_;  // by deployment
  // By deployment, what base_healthy_ starts from: a dense copy, as the
  // model's records are a cache miss each at 10^5.
  std::vector<int> instances_;
  ServiceCapabilities capabilities_;
  // Some fault lasts a drawn time: a sampled run opens a stream for each.
  const bool faults_last_;
  Degradations degradations_;
  std::vector<char> deployment_failed_;  // by deployment, by its failure model
  std::vector<char> service_failed_;     // by service, by its failure model
  std::vector<char> rollout_halted_;     // by fault
  std::vector<int> cohorts_reached_;     // by fault: its consumers' cohorts it holds
  // By fault: its cohorts' first refreshes still to come, which start
  // holding the outage, and their last ones, which let it go; and all of
  // them.
  std::vector<int> holding_turns_;
  std::vector<int> releasing_turns_;
  int turns_to_come_ = 0;
  RandomStreams random_;                 // by fault, in a sampled run where faults last
};

}  // namespace faultline::detail
