#include "replay/estate.hpp"

#include <algorithm>

namespace faultline::detail {

namespace {

// Whether the services' capabilities keep their history: to end an outage
// that lasts (or reaches its consumers through caches), or to roll back a
// step's waves, with what happened since left as it is.
bool keeps_history(const Scenario& scenario) {
  return std::any_of(scenario.faults.begin(), scenario.faults.end(),
                     [](const Fault& f) {
                       return f.kind == FaultKind::outage && (f.lasts || f.cache_ttl);
                     }) ||
         std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const Step& s) {
           return s.action == ActionKind::enable_waves && s.rollback;
         });
}

}  // namespace

Estate::Estate(RunContext& run, Failover& failover, TenantStates& tenants)
    : run_(run),
      failover_(failover),
      tenants_(tenants),
      base_healthy_(run.topology.deployments().size()),
      capabilities_(run.topology.services().size(), keeps_history(run.scenario)),
      faults_last_(std::any_of(run.scenario.faults.begin(), run.scenario.faults.end(),
                               [](const Fault& f) { return f.lasts.has_value(); })),
      degradations_(run),
      deployment_failed_(run.topology.deployments().size()),
      service_failed_(run.topology.services().size()),
      rollout_halted_(run.scenario.faults.size()),
      cohorts_reached_(run.scenario.faults.size()),
      holding_turns_(run.scenario.faults.size()),
      releasing_turns_(run.scenario.faults.size()) {
  for (const Deployment& d : run.topology.deployments())
    instances_.push_back(d.instances);
}

void Estate::reset() {
  std::copy(instances_.begin(), instances_.end(), base_healthy_.begin());
  capabilities_.reset();
  degradations_.reset();
  std::fill(deployment_failed_.begin(), deployment_failed_.end(), 0);
  std::fill(service_failed_.begin(), service_failed_.end(), 0);
  std::fill(rollout_halted_.begin(), rollout_halted_.end(), 0);
  std::fill(cohorts_reached_.begin(), cohorts_reached_.end(), 0);
  std::fill(holding_turns_.begin(), holding_turns_.end(), 0);
  std::fill(releasing_turns_.begin(), releasing_turns_.end(), 0);
  turns_to_come_ = 0;
  if (faults_last_)
    run_.open_streams(random_, StreamPurpose::fault, rollout_halted_.size());
}

void Estate::apply_deployment(DeploymentId d) {
  run_.health.set_healthy_instances(d, deployment_failed_[d.value] ? 0 : base_healthy_[d.value]);
  failover_.check(run_.health.service_of(d));
}

void Estate::apply_service(ServiceId s) {
  run_.health.set_capability(s, service_failed_[s.value] ? 0.0 : capabilities_[s]);
}

void Estate::strike(FaultId index) {
  const Fault& fault = run_.scenario.faults[index.value];
  int deleted = 0;
  TenantsMoved lost;
  if (fault.kind == FaultKind::bad_deploy) {
    deleted = rollout_halted_[index.value] ? 0 : roll_out(index, 1);
  } else if (fault.kind == FaultKind::delete_instances) {
    for (const DeploymentId d : fault.deployments) {
      const int healthy = base_healthy_[d.value];
      const int remaining = fault.instances ? std::max(0, healthy - *fault.instances) : 0;
      deleted += healthy - remaining;
      base_healthy_[d.value] = remaining;
      apply_deployment(d);
    }
  } else if (fault.kind == FaultKind::degradation) {
    degradations_.strike(index, schedule_heal(index));
  } else {
    lost = strike_outage(index);
  }
  run_.recorder.record(run_.now, TimelineKind::fault, index, [&](TimelineEntry& e) {
    e.instances = deleted;
    e.tenants = lost.tenants;
    e.users = lost.users;
  });
}

// A fault only takes away: a service already serving less stays there. One
// that reaches its consumers through caches starts taking away at their
// first refresh. Returns the tenants that lost the service now.
TenantsMoved Estate::strike_outage(FaultId index) {
  const Fault& fault = run_.scenario.faults[index.value];
  const ServiceId s = *fault.service;
  TenantsMoved lost;
  if (fault.tenants.empty()) {
    capabilities_.outage(s, index, fault.cache_ttl ? 1.0 : fault.served_fraction);
    apply_service(s);
  } else {
    lost = tenants_.take_out(index, run_.now);
  }
  if (fault.cache_ttl) {
    std::optional<Duration> lasts;
    if (fault.lasts)
      lasts = run_.draw(*fault.lasts, random_, index.value);
    schedule_cohorts(index, lasts);
  } else {
    schedule_heal(index);
  }
  return lost;
}

std::optional<EventHandle> Estate::schedule_heal(FaultId index) {
  const Fault& fault = run_.scenario.faults[index.value];
  if (!fault.lasts)
    return std::nullopt;
  return run_.queue.schedule(run_.now + run_.draw(*fault.lasts, random_, index.value),
                             events::FaultHeals{index});
}

// Cohort i refreshes at phase (i + 1/2) / kCacheCohorts of the TTL, then
// every TTL: it holds the outage from its first refresh while the outage is
// on until its first refresh once it is over.
void Estate::schedule_cohorts(FaultId index, std::optional<Duration> lasts) {
  const std::int64_t ttl = run_.scenario.faults[index.value].cache_ttl->ms;
  // Over before any cohort refreshes: nobody sees it, and it ends then.
  if (lasts && lasts->ms <= ttl / (2 * kCacheCohorts)) {
    run_.queue.schedule(run_.now + *lasts, events::FaultHeals{index});
    return;
  }
  // It ends at its source then, before any cohort refreshing at that very
  // time comes back: the record reads cause before effect.
  if (lasts)
    run_.queue.schedule(run_.now + *lasts, events::FaultHeals{index});
  for (int i = 0; i < kCacheCohorts; ++i) {
    const std::int64_t phase = ttl * (2 * i + 1) / (2 * kCacheCohorts);
    if (lasts && phase >= lasts->ms)
      continue;
    run_.queue.schedule(run_.now + Duration{phase}, events::CacheCohortTurns{index, true});
    ++holding_turns_[index.value];
    ++turns_to_come_;
    if (lasts) {
      const std::int64_t refreshes = (lasts->ms - phase + ttl - 1) / ttl;
      run_.queue.schedule(run_.now + Duration{phase + refreshes * ttl},
                          events::CacheCohortTurns{index, false});
      ++releasing_turns_[index.value];
      ++turns_to_come_;
    }
  }
}

// The deepest the outage goes is with every cohort reached, worked out as
// the turn that reaches it does, to the bit.
bool Estate::masked(FaultId index) const {
  const Fault& fault = run_.scenario.faults[index.value];
  return capabilities_.masks_deepening(*fault.service, index, served_with(fault, kCacheCohorts));
}

bool Estate::end_masked(FaultId index) const {
  const Fault& fault = run_.scenario.faults[index.value];
  return capabilities_.masks_deepening(*fault.service, index, 1.0);
}

double Estate::served_with(const Fault& fault, int reached) {
  const double share = static_cast<double>(reached) / kCacheCohorts;
  return 1.0 - share * (1.0 - fault.served_fraction);
}

bool Estate::turns_to_come_change_nothing() const {
  for (std::uint32_t f = 0; f < holding_turns_.size(); ++f) {
    if ((releasing_turns_[f] > 0 && !end_masked(FaultId{f})) ||
        (holding_turns_[f] > 0 && !masked(FaultId{f})))
      return false;
  }
  return true;
}

void Estate::turn_cohort(FaultId index, bool holds_outage) {
  const Fault& fault = run_.scenario.faults[index.value];
  int& reached = cohorts_reached_[index.value];
  reached += holds_outage ? 1 : -1;
  --(holds_outage ? holding_turns_ : releasing_turns_)[index.value];
  --turns_to_come_;
  capabilities_.deepen(*fault.service, index, served_with(fault, reached));
  apply_service(*fault.service);
}

void Estate::heal(FaultId index) {
  const Fault& fault = run_.scenario.faults[index.value];
  if (fault.kind == FaultKind::degradation) {
    if (degradations_.heal(index))
      run_.recorder.record(run_.now, TimelineKind::fault_healed, index);
    return;
  }
  const ServiceId s = *fault.service;
  if (!fault.tenants.empty()) {
    const TenantsMoved back = tenants_.heal(index, run_.now);
    run_.recorder.record(run_.now, TimelineKind::fault_healed, index, [&](TimelineEntry& e) {
      e.tenants = back.tenants;
      e.users = back.users;
    });
    return;
  }
  // Reaching its consumers through caches, it leaves them as each cohort
  // next refreshes (turn_cohort); the source serves again now.
  if (releasing_turns_[index.value] > 0) {
    run_.recorder.record(run_.now, TimelineKind::fault_healed, index, [&](TimelineEntry& e) {
      e.served_fraction = capabilities_.without(s, index);
    });
    return;
  }
  const double back_to = capabilities_.heal(s, index);
  apply_service(s);
  run_.recorder.record(run_.now, TimelineKind::fault_healed, index,
                       [&](TimelineEntry& e) { e.served_fraction = back_to; });
}

bool Estate::reach_wave(FaultId fault, int wave) {
  if (rollout_halted_[fault.value])
    return false;
  roll_out(fault, wave);
  return true;
}

int Estate::roll_out(FaultId index, int wave) {
  const Fault& fault = run_.scenario.faults[index.value];
  const auto per_wave = static_cast<std::size_t>(fault.per_wave);
  const auto first = static_cast<std::size_t>(wave - 1) * per_wave;
  const std::size_t end = std::min(fault.deployments.size(), first + per_wave);
  const auto waves = static_cast<int>((fault.deployments.size() + per_wave - 1) / per_wave);
  int taken = 0;
  for (std::size_t i = first; i < end; ++i) {
    const DeploymentId d = fault.deployments[i];
    taken += base_healthy_[d.value];
    base_healthy_[d.value] = 0;
    apply_deployment(d);
  }
  if (wave < waves)
    run_.queue.schedule(run_.now + fault.every, events::RolloutWave{index, wave + 1});
  if (wave > 1) {
    run_.recorder.record(run_.now, TimelineKind::rollout_wave, index, [&](TimelineEntry& e) {
      e.instances = taken;
      e.wave = wave;
      e.waves = waves;
    });
  }
  return taken;
}

void Estate::rebuild(DeploymentId d) {
  base_healthy_[d.value] = instances_[d.value];
  apply_deployment(d);
}

int Estate::take_down(DeploymentId d) {
  const int had = base_healthy_[d.value];
  base_healthy_[d.value] = 0;
  apply_deployment(d);
  return had;
}

bool Estate::restart(DeploymentId d, int instances) {
  if (base_healthy_[d.value] >= instances)
    return false;
  base_healthy_[d.value] = instances;
  apply_deployment(d);
  return true;
}

void Estate::raise_capability(ServiceId s, double fraction, StepId by) {
  capabilities_.raise(s, fraction, by);
  apply_service(s);
}

void Estate::add_capability(ServiceId s, double share) {
  capabilities_.add(s, share);
  apply_service(s);
}

void Estate::roll_back_capability(ServiceId s, StepId step) {
  capabilities_.roll_back(s, step);
  apply_service(s);
}

void Estate::set_unit_failed(const FailureModels::Unit& unit, bool failed) {
  if (unit.deployment) {
    deployment_failed_[unit.deployment->value] = failed;
    apply_deployment(*unit.deployment);
  } else {
    service_failed_[unit.service->value] = failed;
    apply_service(*unit.service);
  }
}

}  // namespace faultline::detail
