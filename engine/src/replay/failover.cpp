#include "replay/failover.hpp"

#include <algorithm>

namespace faultline::detail {

Failover::Failover(RunContext& run, RestorationCredit& credit)
    : run_(run), credit_(credit), states_(run.topology.services().size()) {
  for (const Service& service : run.topology.services())
    active_passive_.push_back(service.redundancy == Redundancy::active_passive ? 1 : 0);
}

void Failover::reset() {
  std::fill(states_.begin(), states_.end(), State{});
  run_.open_streams(random_, StreamPurpose::failover, states_.size());
}

void Failover::forget(ServiceId s) {
  State& state = states_[s.value];
  if (state.pending)
    run_.queue.cancel(*state.pending);
  state = State{};
}

// An active-passive service whose active deployment stops taking traffic
// notices after the detection delay, unless it is back by then.
void Failover::check(ServiceId s) {
  if (!active_passive_[s.value])
    return;
  State& state = states_[s.value];
  if (run_.health.serving(run_.health.active_deployment(s))) {
    forget(s);
    return;
  }
  if (state.pending || state.stuck)
    return;
  if (state.awaiting_target) {
    if (target(s))
      start_switch(s);
    return;
  }
  const Duration detection =
      run_.draw(run_.topology.service(s).failover.detection, random_, s.value);
  state.pending = run_.queue.schedule(run_.now + detection, events::LossDetected{s});
}

std::optional<DeploymentId> Failover::target(ServiceId s) const {
  const auto deployments = run_.health.deployments(s);
  const DeploymentId from = run_.health.active_deployment(s);
  const auto it = std::find_if(deployments.begin(), deployments.end(),
                               [&](DeploymentId d) { return d != from && run_.health.serving(d); });
  return it == deployments.end() ? std::nullopt : std::optional<DeploymentId>(*it);
}

void Failover::detect_loss(ServiceId s) {
  states_[s.value].pending.reset();
  run_.recorder.record(run_.now, TimelineKind::failover_begins, s);
  if (target(s)) {
    start_switch(s);
  } else {
    states_[s.value].awaiting_target = true;
  }
}

void Failover::start_switch(ServiceId s) {
  State& state = states_[s.value];
  state.awaiting_target = false;
  state.set_going_by = credit_.acting();
  const Duration switching =
      run_.draw(run_.topology.service(s).failover.duration, random_, s.value);
  state.pending = run_.queue.schedule(run_.now + switching, events::FailoverDone{s});
}

// With no deployment left to take over, the switch waits for one.
void Failover::finish(ServiceId s) {
  State& state = states_[s.value];
  state.pending.reset();
  const auto to = target(s);
  if (!to) {
    state.awaiting_target = true;
    return;
  }
  if (!run_.succeeds(run_.topology.service(s).failover.success, 1, random_, s.value)) {
    state.stuck = true;
    run_.recorder.record(run_.now, TimelineKind::failover_failed, s);
    return;
  }
  run_.health.set_active_deployment(s, *to);
  run_.recorder.record(run_.now, TimelineKind::failover_done, s,
                       [&](TimelineEntry& e) { e.serving_from = *to; });
  credit_.acting(state.set_going_by);
  run_.propagate();
  credit_.acting(std::nullopt);
}

void Failover::fail_over(const Step& step) {
  const ServiceId s = *step.service;
  const Service& service = run_.topology.service(s);
  const bool active_passive = service.redundancy == Redundancy::active_passive;
  std::optional<DeploymentId> to = step.to_deployment;
  if (!to) {
    const auto it =
        std::find_if(service.deployments.begin(), service.deployments.end(), [&](DeploymentId d) {
          return run_.health.healthy_instances(d) > 0 && !run_.health.checked_out(d) &&
                 (active_passive ? d != run_.health.active_deployment(s)
                                 : !run_.health.in_service(d));
        });
    if (it == service.deployments.end())
      return;
    to = *it;
  }
  if (active_passive) {
    forget(s);
    run_.health.set_active_deployment(s, *to);
    check(s);
  } else {
    run_.health.set_in_service(*to, true);
  }
}

}  // namespace faultline::detail
