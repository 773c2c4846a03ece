#include "faultline/replay.hpp"

#include <algorithm>

#include "faultline/kernel.hpp"
#include "faultline/runbook.hpp"

namespace faultline {

namespace {

struct RunEvent {
  enum class Kind { fault, runbook_begins, earliest_start, wave_done };
  Kind kind;
  std::uint32_t index = 0;  // fault or step
  int wave = 0;             // 1-based; the last wave completes the step
};

TimelineEntry entry_at(SimTime at, TimelineKind kind, std::uint32_t subject = 0) {
  TimelineEntry e;
  e.at = at;
  e.kind = kind;
  e.subject = subject;
  return e;
}

class Run {
 public:
  explicit Run(const Scenario& scenario)
      : scenario_(scenario),
        topology_(*scenario.topology),
        health_(topology_),
        runbook_(scenario),
        state_since_(topology_.services().size()),
        group_affected_(topology_.user_groups().size()) {
    result_.services.resize(topology_.services().size());
    result_.steps.resize(scenario.steps.size());
    result_.user_groups.resize(topology_.user_groups().size());
  }

  RunResult run() {
    for (std::uint32_t f = 0; f < scenario_.faults.size(); ++f) {
      queue_.schedule(scenario_.faults[f].at, {RunEvent::Kind::fault, f});
    }
    // Scheduled after the faults so that, at T0, the faults come first.
    queue_.schedule(SimTime{}, {RunEvent::Kind::runbook_begins});

    while (auto event = queue_.pop()) {
      if (scenario_.horizon && event->at > *scenario_.horizon)
        break;
      advance_to(event->at);
      handle(event->payload);
    }
    finish(scenario_.horizon.value_or(now_));
    return std::move(result_);
  }

 private:
  void handle(const RunEvent& e) {
    switch (e.kind) {
      case RunEvent::Kind::fault:
        apply_fault(e.index);
        break;
      case RunEvent::Kind::runbook_begins:
        runbook_.begin(now_);
        break;
      case RunEvent::Kind::earliest_start:
        runbook_.reach_earliest_start(StepId{e.index});
        break;
      case RunEvent::Kind::wave_done:
        finish_wave(StepId{e.index}, e.wave);
        break;
    }
    for (const StepId s : runbook_.take_waiting()) {
      queue_.schedule(*scenario_.steps[s.value].not_before,
                      {RunEvent::Kind::earliest_start, s.value});
    }
    for (const StepId s : runbook_.dispatch())
      start_step(s);
  }

  void apply_fault(std::uint32_t index) {
    const Fault& fault = scenario_.faults[index];
    int deleted = 0;
    if (fault.kind == FaultKind::delete_instances) {
      for (const DeploymentId d : fault.deployments) {
        const int healthy = health_.healthy_instances(d);
        const int remaining = fault.instances ? std::max(0, healthy - *fault.instances) : 0;
        deleted += healthy - remaining;
        health_.set_healthy_instances(d, remaining);
      }
    } else {
      // A fault only takes away: a service already serving less stays there.
      const double now_capable = health_.capability(*fault.service);
      health_.set_capability(*fault.service, std::min(now_capable, fault.served_fraction));
    }
    TimelineEntry entry = entry_at(now_, TimelineKind::fault, index);
    entry.instances = deleted;
    result_.timeline.push_back(entry);
    propagate();
  }

  void start_step(StepId s) {
    const Step& step = scenario_.steps[s.value];
    result_.steps[s.value].started = now_;
    result_.timeline.push_back(entry_at(now_, TimelineKind::step_started, s.value));
    const Duration per_wave = step.duration / step.waves;
    for (int wave = 1; wave <= step.waves; ++wave) {
      // The last wave ends exactly at the step's duration, whatever the rounding.
      const SimTime at = wave == step.waves ? now_ + step.duration : now_ + per_wave * wave;
      queue_.schedule(at, {RunEvent::Kind::wave_done, s.value, wave});
    }
  }

  void finish_wave(StepId s, int wave) {
    const Step& step = scenario_.steps[s.value];
    switch (step.action) {
      case ActionKind::none:
        break;
      case ActionKind::rebuild:
        for (const DeploymentId d : step.deployments) {
          health_.set_healthy_instances(d, topology_.deployment(d).instances);
        }
        break;
      case ActionKind::restore:
        raise_capability(*step.service, step.to_fraction);
        break;
      case ActionKind::enable_waves: {
        const Service& service = topology_.service(*step.service);
        double enabled = static_cast<double>(wave) / step.waves;
        if (service.sites > 0) {
          enabled = static_cast<double>(service.sites * wave / step.waves) / service.sites;
        }
        raise_capability(*step.service, enabled);
        if (wave < step.waves) {
          TimelineEntry entry = entry_at(now_, TimelineKind::step_wave, s.value);
          entry.wave = wave;
          entry.waves = step.waves;
          result_.timeline.push_back(entry);
        }
        break;
      }
    }
    if (wave == step.waves) {
      result_.steps[s.value].completed = now_;
      result_.timeline.push_back(entry_at(now_, TimelineKind::step_completed, s.value));
      runbook_.complete(s, now_);
    }
    propagate();
  }

  // Recovery only gives back: restoring a service that serves more than the
  // target leaves it as it is.
  void raise_capability(ServiceId s, double fraction) {
    health_.set_capability(s, std::max(health_.capability(s), fraction));
  }

  void propagate() {
    bool users_changed = false;
    for (const ServiceId s : health_.propagate()) {
      record_state(s);
      for (const UserGroupId g : topology_.users_of(s)) {
        const UserCount affected = health_.affected_users(g);
        if (affected == group_affected_[g.value])
          continue;
        total_affected_ += affected - group_affected_[g.value];
        group_affected_[g.value] = affected;
        users_changed = true;
        update_peak(result_.user_groups[g.value], affected);
      }
    }
    if (!users_changed)
      return;
    update_peak(result_.overall, total_affected_);
    TimelineEntry entry = entry_at(now_, TimelineKind::users);
    entry.affected = total_affected_;
    result_.timeline.push_back(entry);
  }

  void record_state(ServiceId s) {
    ServiceOutcome& outcome = result_.services[s.value];
    const ServiceHealth& h = health_.health(s);
    const ServiceState to = h.state();
    const ServiceState from = outcome.final_state;
    if (to == from)
      return;
    const bool was_serving_all =
        from == ServiceState::operational || from == ServiceState::degraded_performance;
    const bool serves_all = h.served_fraction >= 1.0;
    close_state_interval(s, now_);
    if (to == ServiceState::major_outage && !outcome.first_down)
      outcome.first_down = now_;
    if (from == ServiceState::major_outage && !outcome.partly_restored_at) {
      outcome.partly_restored_at = now_;
    }
    if (serves_all && !was_serving_all)
      outcome.restored_at = now_;
    if (!serves_all)
      outcome.restored_at.reset();
    outcome.final_state = to;
    TimelineEntry entry = entry_at(now_, TimelineKind::service_state, s.value);
    entry.from = from;
    entry.to = to;
    entry.served_fraction = h.served_fraction;
    result_.timeline.push_back(entry);
  }

  void close_state_interval(ServiceId s, SimTime until) {
    ServiceOutcome& outcome = result_.services[s.value];
    const Duration span = until - state_since_[s.value];
    if (outcome.final_state == ServiceState::major_outage) {
      outcome.down += span;
    } else if (outcome.final_state != ServiceState::operational) {
      outcome.degraded += span;
    }
    state_since_[s.value] = until;
  }

  void update_peak(UserImpact& impact, UserCount affected) {
    if (affected > impact.peak_affected) {
      impact.peak_affected = affected;
      impact.peak_at = now_;
    }
  }

  // Accounts user-time for the interval that ends now.
  void advance_to(SimTime t) {
    const Duration span = t - now_;
    if (span.ms > 0) {
      for (std::size_t g = 0; g < group_affected_.size(); ++g) {
        result_.user_groups[g].lost += UserTime{group_affected_[g].value * span.ms};
      }
      result_.overall.lost += UserTime{total_affected_.value * span.ms};
    }
    now_ = t;
  }

  void finish(SimTime end) {
    advance_to(end);
    result_.end = end;
    for (std::uint32_t s = 0; s < result_.services.size(); ++s) {
      close_state_interval(ServiceId{s}, end);
    }
    for (std::size_t m = 0; m < scenario_.observed.size(); ++m) {
      result_.observed.push_back(judge(scenario_.observed[m]));
    }
  }

  MilestoneOutcome judge(const Milestone& m) const {
    MilestoneOutcome outcome;
    switch (m.event) {
      case MilestoneEvent::service_down:
        outcome.simulated = result_.services[m.service->value].first_down;
        break;
      case MilestoneEvent::service_partly_restored:
        outcome.simulated = result_.services[m.service->value].partly_restored_at;
        break;
      case MilestoneEvent::service_restored:
        outcome.simulated = result_.services[m.service->value].restored_at;
        break;
      case MilestoneEvent::step_started:
        outcome.simulated = result_.steps[m.step->value].started;
        break;
      case MilestoneEvent::step_completed:
        outcome.simulated = result_.steps[m.step->value].completed;
        break;
    }
    if (!outcome.simulated)
      return outcome;
    const Duration diff = *outcome.simulated - m.time;
    outcome.difference = m.timing == MilestoneTiming::by && diff.ms <= 0 ? Duration{} : diff;
    return outcome;
  }

  const Scenario& scenario_;
  const Topology& topology_;
  EventQueue<RunEvent> queue_;
  HealthPropagator health_;
  RunbookExecutor runbook_;
  SimTime now_;
  std::vector<SimTime> state_since_;
  std::vector<UserCount> group_affected_;
  UserCount total_affected_;
  RunResult result_;
};

}  // namespace

RunResult replay(const Scenario& scenario) {
  return Run(scenario).run();
}

}  // namespace faultline
