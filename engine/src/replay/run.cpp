#include "replay/run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "faultline/strategy.hpp"

namespace faultline::detail {

namespace {

// Which user groups use a service the step acts on, or one depending on it.
std::vector<char> groups_reached(const Topology& topology, const Step& step) {
  std::vector<ServiceId> todo;
  if (step.service)
    todo.push_back(*step.service);
  for (const DeploymentId d : step.deployments)
    todo.push_back(topology.deployment(d).service);
  std::vector<char> seen(topology.services().size());
  std::vector<char> reached(topology.user_groups().size());
  while (!todo.empty()) {
    const ServiceId s = todo.back();
    todo.pop_back();
    if (seen[s.value])
      continue;
    seen[s.value] = 1;
    for (const UserGroupId g : topology.users_of(s))
      reached[g.value] = 1;
    for (const ServiceId next : topology.dependants(s))
      todo.push_back(next);
  }
  return reached;
}

// The median number of tries until the first success, when each succeeds
// with probability p: the least n with (1 - p)^n <= 1/2. One for p >= 1/2;
// "never" (the largest int) for p = 0.
int median_attempts(double p) {
  if (p >= 0.5)
    return 1;
  if (p <= 0)
    return std::numeric_limits<int>::max();
  const double estimate = std::ceil(std::log(0.5) / std::log1p(-p));
  if (!(estimate < 1e9))
    return std::numeric_limits<int>::max();
  auto n = static_cast<int>(estimate);
  while (n > 1 && std::pow(1 - p, n - 1) <= 0.5)
    --n;
  while (std::pow(1 - p, n) > 0.5)
    ++n;
  return n;
}

// The share of a whole-step duration that wave `wave` of `waves` takes; the
// shares add up to the duration exactly.
Duration wave_length(Duration whole, int wave, int waves) {
  return Duration{whole.ms * wave / waves - whole.ms * (wave - 1) / waves};
}

}  // namespace

Run::Run(const Scenario& scenario) : Run(scenario, step_ranks(scenario, scenario.strategy)) {}

Run::Run(const Scenario& scenario, std::vector<std::uint32_t> rank)
    : scenario_(scenario),
      topology_(*scenario.topology),
      calendar_(topology_, scenario.clock, activity_until(scenario)),
      demand_(topology_, calendar_),
      health_(topology_),
      runbook_(scenario, std::move(rank)),
      failures_(topology_, queue_),
      users_(topology_, calendar_),
      demand_schedule_(demand_, calendar_, queue_, health_),
      attempt_duration_(scenario.steps.size()),
      retries_used_(scenario.steps.size()),
      wave_failures_(scenario.steps.size()),
      attempt_end_(scenario.steps.size()),
      wave_under_way_(scenario.steps.size()),
      attempt_end_at_(scenario.steps.size()),
      scripted_(scenario.steps.size()),
      held_up_(scenario.steps.size()),
      forced_failure_(scenario.steps.size()),
      capability_before_(scenario.steps.size()),
      base_healthy_(topology_.deployments().size()),
      base_capability_(topology_.services().size()),
      deployment_failed_(topology_.deployments().size()),
      service_failed_(topology_.services().size()),
      failover_(topology_.services().size()),
      overload_(topology_.deployments().size()),
      rollout_halted_(scenario.faults.size()),
      recorder_(scenario),
      crews_(scenario) {
  for (const Step& step : scenario_.steps)
    step_reaches_group_.push_back(groups_reached(topology_, step));
}

void Run::reset(const RunOptions& options, RunResult& result) {
  options_ = options;
  result_ = &result;
  now_ = SimTime{};
  demand_schedule_.reset();
  queue_.reset();
  health_.reset();
  runbook_.reset();
  step_random_.clear();
  failover_random_.clear();
  if (const auto& sampling = options.sampling) {
    for (std::uint32_t s = 0; s < scenario_.steps.size(); ++s)
      step_random_.emplace_back(sampling->seed, sampling->run, StreamPurpose::step, s);
    for (std::uint32_t s = 0; s < topology_.services().size(); ++s)
      failover_random_.emplace_back(sampling->seed, sampling->run, StreamPurpose::failover, s);
  }
  std::fill(retries_used_.begin(), retries_used_.end(), 0);
  std::fill(wave_failures_.begin(), wave_failures_.end(), 0);
  std::fill(attempt_end_.begin(), attempt_end_.end(), std::nullopt);
  std::fill(forced_failure_.begin(), forced_failure_.end(), 0);
  for (auto& pending : scripted_)
    pending.clear();
  std::fill(held_up_.begin(), held_up_.end(), Duration{});
  verifying_.clear();
  shift_wake_.reset();
  for (std::size_t d = 0; d < base_healthy_.size(); ++d)
    base_healthy_[d] = topology_.deployments()[d].instances;
  std::fill(base_capability_.begin(), base_capability_.end(), 1.0);
  std::fill(deployment_failed_.begin(), deployment_failed_.end(), 0);
  std::fill(service_failed_.begin(), service_failed_.end(), 0);
  std::fill(failover_.begin(), failover_.end(), FailoverState{});
  std::fill(overload_.begin(), overload_.end(), std::nullopt);
  std::fill(rollout_halted_.begin(), rollout_halted_.end(), 0);
  restoring_step_.reset();
  acted_now_.clear();
  acted_at_ = SimTime{-1};

  result.end = SimTime{};
  recorder_.reset(options, result);
  users_.reset(result, options.sample_times, recorder_.timeline());
  result.steps.assign(scenario_.steps.size(), StepOutcome{});
  crews_.reset(result, options.sample_times);
  result.restored_loss_otherwise = UserTime{};
  result.observed.clear();
}

void Run::execute(const RunOptions& options, RunResult& result) {
  reset(options, result);
  // Health sees the demand at T0 before anything happens.
  propagate();
  for (std::uint32_t f = 0; f < scenario_.faults.size(); ++f) {
    queue_.schedule(scenario_.faults[f].at, events::FaultStrikes{FaultId{f}});
  }
  // Scheduled after the faults so that, at T0, the faults come first.
  queue_.schedule(SimTime{}, events::RunbookBegins{});
  for (std::uint32_t c = 0; c < scenario_.crews.size(); ++c) {
    const auto& resized = scenario_.crews[c].resized;
    for (std::size_t i = 0; i < resized.size(); ++i)
      queue_.schedule(resized[i].at, events::CrewResized{CrewId{c}, i});
  }
  // The first failures come after every scheduled event at their time.
  failures_.reset(options.sampling);

  SimTime last_work;
  while (auto event = queue_.pop()) {
    if (past_the_end(*event, last_work))
      break;
    advance_to(event->at);
    if (!std::holds_alternative<events::DemandChanges>(event->payload))
      last_work = event->at;
    handle(event->payload);
  }
  finish(end_of_run(last_work));
}

// Without a horizon, demand changes alone do not keep a run going: it
// ends once nothing else is to come and every user is back, or, with users
// still cut off, at the default horizon (or its last event, if later).
bool Run::past_the_end(const EventQueue<Event>::Fired& event, SimTime last_work) const {
  if (scenario_.horizon)
    return event.at > *scenario_.horizon;
  const bool only_demand =
      std::holds_alternative<events::DemandChanges>(event.payload) && queue_.empty();
  if (!only_demand)
    return false;
  return users_.total_affected() == UserCount{} ||
         event.at > std::max(last_work, SimTime{} + kDefaultHorizon);
}

SimTime Run::end_of_run(SimTime last_work) const {
  if (scenario_.horizon)
    return *scenario_.horizon;
  if (users_.total_affected() == UserCount{})
    return now_;
  return std::max(last_work, SimTime{} + kDefaultHorizon);
}

void Run::handle(const Event& e) {
  std::visit([this](const auto& event) { on(event); }, e);
  dispatch_steps();
  recorder_.record_crews(runbook_, now_);
}

void Run::on(const events::FaultStrikes& e) {
  apply_fault(e.fault);
}

void Run::on(const events::RolloutWave& e) {
  roll_out(e.fault, e.wave);
}

void Run::on(const events::RunbookBegins&) {
  runbook_.begin(now_);
}

void Run::on(const events::EarliestStart& e) {
  runbook_.reach_earliest_start(e.step);
}

void Run::on(const events::AttemptEnds& e) {
  attempt_end_[e.step.value].reset();
  finish_attempt(e.step, e.wave);
}

void Run::on(const events::RetryStarts& e) {
  retry(e.step, e.wave);
}

void Run::on(const events::UnitFails& e) {
  set_unit_failed(e.unit, true);
  failures_.fail(e.unit, now_);
}

void Run::on(const events::UnitRepaired& e) {
  set_unit_failed(e.unit, false);
  failures_.repair(e.unit, now_);
}

void Run::on(const events::DemandChanges&) {
  demand_schedule_.fired();
  propagate();
}

void Run::on(const events::LossDetected& e) {
  detect_loss(e.service);
}

void Run::on(const events::FailoverDone& e) {
  finish_failover(e.service);
}

void Run::on(const events::OverloadTrips& e) {
  overload_trips(e.deployment);
}

void Run::on(const events::ScriptedFailure& e) {
  scripted_failure(e.step);
}

void Run::on(const events::HoldUpStarts& e) {
  hold_up(e.step, e.hold_up);
}

void Run::on(const events::CrewResized& e) {
  runbook_.resize(e.crew, scenario_.crews[e.crew.value].resized[e.change].size);
  recorder_.crew_resized(e.crew);
}

void Run::on(const events::RollbackDone& e) {
  finish_rollback(e.step);
}

void Run::on(const events::ShiftStarts&) {
  shift_wake_.reset();
}

// Starts what the crews can take on; a step whose condition no longer holds
// is skipped, which may release others at once.
void Run::dispatch_steps() {
  bool again = true;
  while (again) {
    again = false;
    for (const StepId s : runbook_.take_waiting()) {
      queue_.schedule(*scenario_.steps[s.value].not_before, events::EarliestStart{s});
    }
    // A step whose condition no longer holds is skipped as soon as it is
    // ready: skipping needs no crew member.
    not_needed_.clear();
    for (const StepId s : runbook_.ready()) {
      const auto& condition = scenario_.steps[s.value].only_if;
      if (condition && !condition_holds(*condition))
        not_needed_.push_back(s);
    }
    for (const StepId s : not_needed_) {
      runbook_.skip(s, now_);
      result_->steps[s.value].skipped = now_;
      recorder_.record(entry_at(now_, TimelineKind::step_skipped, s.value));
      again = true;
    }
    for (const StepId s : runbook_.dispatch(now_))
      start_step(s);
  }
  if (const auto wake = runbook_.next_shift_start(now_);
      wake && (!shift_wake_ || *wake < *shift_wake_)) {
    shift_wake_ = wake;
    queue_.schedule(*wake, events::ShiftStarts{});
  }
}

bool Run::condition_holds(const StepCondition& c) const {
  return health_.health(c.service).state() > c.below;
}

void Run::apply_deployment(DeploymentId d) {
  health_.set_healthy_instances(d, deployment_failed_[d.value] ? 0 : base_healthy_[d.value]);
  check_failover(topology_.deployment(d).service);
}

void Run::apply_service(ServiceId s) {
  health_.set_capability(s, service_failed_[s.value] ? 0.0 : base_capability_[s.value]);
}

void Run::apply_fault(FaultId index) {
  const Fault& fault = scenario_.faults[index.value];
  int deleted = 0;
  if (fault.kind == FaultKind::bad_deploy) {
    deleted = roll_out(index, 1);
  } else if (fault.kind == FaultKind::delete_instances) {
    for (const DeploymentId d : fault.deployments) {
      const int healthy = base_healthy_[d.value];
      const int remaining = fault.instances ? std::max(0, healthy - *fault.instances) : 0;
      deleted += healthy - remaining;
      base_healthy_[d.value] = remaining;
      apply_deployment(d);
    }
  } else {
    // A fault only takes away: a service already serving less stays there.
    double& capability = base_capability_[fault.service->value];
    capability = std::min(capability, fault.served_fraction);
    apply_service(*fault.service);
  }
  TimelineEntry entry = entry_at(now_, TimelineKind::fault, index.value);
  entry.instances = deleted;
  recorder_.record(entry);
  propagate();
}

int Run::roll_out(FaultId index, int wave) {
  if (rollout_halted_[index.value])
    return 0;
  const Fault& fault = scenario_.faults[index.value];
  const auto first = static_cast<std::size_t>(wave - 1) * static_cast<std::size_t>(fault.per_wave);
  const std::size_t end =
      std::min(fault.deployments.size(), first + static_cast<std::size_t>(fault.per_wave));
  const int waves =
      static_cast<int>((fault.deployments.size() + static_cast<std::size_t>(fault.per_wave) - 1) /
                       static_cast<std::size_t>(fault.per_wave));
  int taken = 0;
  for (std::size_t i = first; i < end; ++i) {
    const DeploymentId d = fault.deployments[i];
    taken += base_healthy_[d.value];
    base_healthy_[d.value] = 0;
    apply_deployment(d);
  }
  if (wave < waves) {
    queue_.schedule(now_ + fault.every, events::RolloutWave{index, wave + 1});
  }
  if (wave > 1) {
    TimelineEntry entry = entry_at(now_, TimelineKind::rollout_wave, index.value);
    entry.instances = taken;
    entry.wave = wave;
    entry.waves = waves;
    recorder_.record(entry);
    propagate();
  }
  return taken;
}

// The nominal run takes the median of the geometric law of attempts: the
// attempt-th try succeeds once at least half of all attempt sequences
// would have succeeded by then.
bool Run::succeeds(double p, int attempt, RandomStream* stream) const {
  if (!options_.sampling)
    return attempt >= median_attempts(p);
  return p >= 1.0 || stream->uniform() < p;
}

// An active-passive service whose active deployment stops taking traffic
// notices after the detection delay, unless it is back by then.
void Run::check_failover(ServiceId s) {
  if (topology_.service(s).redundancy != Redundancy::active_passive)
    return;
  FailoverState& state = failover_[s.value];
  if (health_.serving(health_.active_deployment(s))) {
    if (state.pending)
      queue_.cancel(*state.pending);
    state = FailoverState{};
    return;
  }
  if (state.pending || state.stuck)
    return;
  if (state.awaiting_target) {
    if (failover_target(s))
      start_switch(s);
    return;
  }
  const Duration detection =
      draw(topology_.service(s).failover.detection, failover_random_, s.value);
  state.pending = queue_.schedule(now_ + detection, events::LossDetected{s});
}

std::optional<DeploymentId> Run::failover_target(ServiceId s) const {
  const auto& deployments = topology_.service(s).deployments;
  const DeploymentId from = health_.active_deployment(s);
  const auto it = std::find_if(deployments.begin(), deployments.end(),
                               [&](DeploymentId d) { return d != from && health_.serving(d); });
  return it == deployments.end() ? std::nullopt : std::optional<DeploymentId>(*it);
}

void Run::detect_loss(ServiceId s) {
  failover_[s.value].pending.reset();
  recorder_.record(entry_at(now_, TimelineKind::failover_begins, s.value));
  if (failover_target(s)) {
    start_switch(s);
  } else {
    failover_[s.value].awaiting_target = true;
  }
}

void Run::start_switch(ServiceId s) {
  FailoverState& state = failover_[s.value];
  state.awaiting_target = false;
  state.set_going_by = restoring_step_;
  const Duration switching =
      draw(topology_.service(s).failover.duration, failover_random_, s.value);
  state.pending = queue_.schedule(now_ + switching, events::FailoverDone{s});
}

// The switch goes to the first other deployment in listed order that can
// take traffic; on a failed attempt the service stays down until a runbook
// step acts, and with no deployment left it waits for one.
void Run::finish_failover(ServiceId s) {
  FailoverState& state = failover_[s.value];
  state.pending.reset();
  const auto target = failover_target(s);
  if (!target) {
    state.awaiting_target = true;
    return;
  }
  RandomStream* stream = options_.sampling ? &failover_random_[s.value] : nullptr;
  if (!succeeds(topology_.service(s).failover.success, 1, stream)) {
    state.stuck = true;
    recorder_.record(entry_at(now_, TimelineKind::failover_failed, s.value));
    return;
  }
  health_.set_active_deployment(s, *target);
  TimelineEntry entry = entry_at(now_, TimelineKind::failover_done, s.value);
  entry.deployment = target->value;
  recorder_.record(entry);
  restoring_step_ = state.set_going_by;
  propagate();
  restoring_step_.reset();
}

// A runbook failover: an active-passive service moves to the deployment; any
// other service takes the deployment (a cold standby) into service.
void Run::fail_over(const Step& step) {
  const ServiceId s = *step.service;
  const Service& service = topology_.service(s);
  const bool active_passive = service.redundancy == Redundancy::active_passive;
  std::optional<DeploymentId> target = step.to_deployment;
  if (!target) {
    const auto it =
        std::find_if(service.deployments.begin(), service.deployments.end(), [&](DeploymentId d) {
          return health_.healthy_instances(d) > 0 &&
                 (active_passive ? d != health_.active_deployment(s) : !health_.in_service(d));
        });
    if (it == service.deployments.end())
      return;
    target = *it;
  }
  if (active_passive) {
    FailoverState& state = failover_[s.value];
    if (state.pending)
      queue_.cancel(*state.pending);
    state = FailoverState{};
    health_.set_active_deployment(s, *target);
    check_failover(s);
  } else {
    health_.set_in_service(*target, true);
  }
}

// A deployment that stays at or above its service's overload threshold for
// the configured time falls over.
void Run::check_overload(DeploymentId d) {
  const auto& overload = topology_.service(topology_.deployment(d).service).overload;
  if (!overload)
    return;
  auto& trip = overload_[d.value];
  const bool over = health_.load_ratio(d) >= overload->threshold;
  if (over && !trip) {
    trip = queue_.schedule(now_ + overload->after, events::OverloadTrips{d});
  } else if (!over && trip) {
    queue_.cancel(*trip);
    trip.reset();
  }
}

void Run::overload_trips(DeploymentId d) {
  overload_[d.value].reset();
  recorder_.record(entry_at(now_, TimelineKind::overloaded, d.value));
  base_healthy_[d.value] = 0;
  apply_deployment(d);
  propagate();
}

void Run::start_step(StepId s) {
  result_->steps[s.value].started = now_;
  const Step& step = scenario_.steps[s.value];
  if (step.action == ActionKind::enable_waves)
    capability_before_[s.value] = base_capability_[step.service->value];
  // Scripted failures and hold-ups are events only while the step is under
  // way, so that they never stretch a run past its last real event.
  for (const SimTime at : step.fails_at) {
    if (at > now_) {
      scripted_[s.value].push_back(queue_.schedule(at, events::ScriptedFailure{s}));
    } else {
      forced_failure_[s.value] = 1;
    }
  }
  for (std::size_t h = 0; h < step.hold_ups.size(); ++h) {
    if (step.hold_ups[h].at >= now_) {
      scripted_[s.value].push_back(
          queue_.schedule(step.hold_ups[h].at, events::HoldUpStarts{s, h}));
    }
  }
  recorder_.record(entry_at(now_, TimelineKind::step_started, s.value));
  start_attempt(s, 1, true);
}

// The first attempt and every retry draw the whole step's duration afresh;
// later waves keep the duration of the attempt that got there.
void Run::start_attempt(StepId s, int wave, bool fresh_duration) {
  const Step& step = scenario_.steps[s.value];
  if (fresh_duration)
    attempt_duration_[s.value] = draw(step.duration, step_random_, s.value);
  ++result_->steps[s.value].attempts;
  wave_under_way_[s.value] = wave;
  const Duration work =
      wave_length(attempt_duration_[s.value], wave, step.waves) + held_up_[s.value];
  held_up_[s.value] = Duration{};
  attempt_end_at_[s.value] = runbook_.work_ends(s, now_, work);
  attempt_end_[s.value] = queue_.schedule(attempt_end_at_[s.value], events::AttemptEnds{s, wave});
}

void Run::finish_attempt(StepId s, int wave) {
  const Step& step = scenario_.steps[s.value];
  RandomStream* stream = options_.sampling ? &step_random_[s.value] : nullptr;
  // The draw is made even for a scripted failure, so that what the step
  // draws next stays paired with other runs.
  const bool success = succeeds(step.success, wave_failures_[s.value] + 1, stream);
  if (forced_failure_[s.value] || !success) {
    const bool scripted = forced_failure_[s.value] != 0;
    forced_failure_[s.value] = 0;
    if (!success)
      ++wave_failures_[s.value];
    fail_attempt(s, wave, scripted);
    return;
  }
  wave_failures_[s.value] = 0;
  if (acted_at_ != now_) {
    acted_now_.clear();
    acted_at_ = now_;
  }
  acted_now_.push_back(s);
  restoring_step_ = s;
  apply_wave(s, wave);
  if (wave < step.waves) {
    start_attempt(s, wave + 1, false);
  } else if (step.verify.empty()) {
    finish_step(s);
  } else {
    cancel_scripted(s);
    runbook_.finish_work(s);
    result_->steps[s.value].crew_freed = now_;
    result_->steps[s.value].work_done = now_;
    verifying_.push_back(s);
    // Opens the gate at once when its services are operational.
    propagate();
    if (runbook_.status(s) == StepStatus::verifying)
      recorder_.record(entry_at(now_, TimelineKind::step_work_done, s.value));
  }
  propagate();
  restoring_step_.reset();
}

void Run::cancel_scripted(StepId s) {
  for (const EventHandle h : scripted_[s.value])
    queue_.cancel(h);
  scripted_[s.value].clear();
}

void Run::finish_step(StepId s) {
  cancel_scripted(s);
  StepOutcome& outcome = result_->steps[s.value];
  outcome.completed = now_;
  if (!outcome.crew_freed)
    outcome.crew_freed = now_;
  recorder_.record(entry_at(now_, TimelineKind::step_completed, s.value));
  runbook_.complete(s, now_);
}

// Steps whose work is done complete once every service of their gate is
// operational.
void Run::open_gates() {
  auto keep = verifying_.begin();
  for (const StepId s : verifying_) {
    const auto& gate = scenario_.steps[s.value].verify;
    const bool open = std::all_of(gate.begin(), gate.end(), [&](ServiceId v) {
      return health_.health(v).state() == ServiceState::operational;
    });
    if (open) {
      finish_step(s);
    } else {
      *keep++ = s;
    }
  }
  verifying_.erase(keep, verifying_.end());
}

void Run::fail_attempt(StepId s, int wave, bool scripted) {
  const Step& step = scenario_.steps[s.value];
  TimelineEntry entry = entry_at(now_, TimelineKind::step_attempt_failed, s.value);
  entry.wave = wave;
  entry.waves = step.waves;
  entry.attempt = result_->steps[s.value].attempts;
  entry.scripted = scripted;
  recorder_.record(entry);
  if (retries_used_[s.value] < step.retries) {
    ++retries_used_[s.value];
    queue_.schedule(now_ + draw(step.retry_delay, step_random_, s.value),
                    events::RetryStarts{s, wave});
    return;
  }
  give_up(s);
}

void Run::retry(StepId s, int wave) {
  TimelineEntry entry = entry_at(now_, TimelineKind::step_retry, s.value);
  entry.wave = wave;
  entry.waves = scenario_.steps[s.value].waves;
  entry.attempt = result_->steps[s.value].attempts + 1;
  recorder_.record(entry);
  start_attempt(s, wave, true);
}

void Run::give_up(StepId s) {
  cancel_scripted(s);
  const Step& step = scenario_.steps[s.value];
  result_->steps[s.value].failed = true;
  recorder_.record(entry_at(now_, TimelineKind::step_failed, s.value));
  if (step.rollback) {
    runbook_.start_rollback(s);
    const Duration work = draw(*step.rollback, step_random_, s.value);
    queue_.schedule(runbook_.work_ends(s, now_, work), events::RollbackDone{s});
    return;
  }
  result_->steps[s.value].crew_freed = now_;
  runbook_.fail(s);
}

// The attempt under way fails now; with none under way (between retries),
// the next one to end fails.
void Run::scripted_failure(StepId s) {
  auto& pending = attempt_end_[s.value];
  if (pending && queue_.cancel(*pending)) {
    pending.reset();
    fail_attempt(s, wave_under_way_[s.value], true);
    return;
  }
  forced_failure_[s.value] = 1;
}

// The wave under way ends later; between retries, the next attempt takes
// longer.
void Run::hold_up(StepId s, std::size_t index) {
  const Duration length = scenario_.steps[s.value].hold_ups[index].length;
  auto& pending = attempt_end_[s.value];
  if (pending && queue_.cancel(*pending)) {
    attempt_end_at_[s.value] = attempt_end_at_[s.value] + length;
    pending =
        queue_.schedule(attempt_end_at_[s.value], events::AttemptEnds{s, wave_under_way_[s.value]});
    return;
  }
  held_up_[s.value] += length;
}

// What the step's finished waves enabled is disabled again - unless
// something else has since taken the service further, which stays.
void Run::finish_rollback(StepId s) {
  const Step& step = scenario_.steps[s.value];
  const int waves_done = wave_under_way_[s.value] - 1;
  if (step.action == ActionKind::enable_waves && waves_done > 0 &&
      base_capability_[step.service->value] == enabled_by(step, waves_done)) {
    base_capability_[step.service->value] = capability_before_[s.value];
    apply_service(*step.service);
  }
  StepOutcome& outcome = result_->steps[s.value];
  outcome.rolled_back = true;
  outcome.crew_freed = now_;
  recorder_.record(entry_at(now_, TimelineKind::step_rolled_back, s.value));
  runbook_.fail(s);
  propagate();
}

void Run::apply_wave(StepId s, int wave) {
  const Step& step = scenario_.steps[s.value];
  switch (step.action) {
    case ActionKind::none:
      break;
    case ActionKind::rebuild:
      for (const DeploymentId d : step.deployments) {
        base_healthy_[d.value] = topology_.deployment(d).instances;
        apply_deployment(d);
      }
      break;
    case ActionKind::restore:
      raise_capability(*step.service, step.to_fraction);
      break;
    case ActionKind::enable_waves: {
      raise_capability(*step.service, enabled_by(step, wave));
      if (wave < step.waves) {
        TimelineEntry entry = entry_at(now_, TimelineKind::step_wave, s.value);
        entry.wave = wave;
        entry.waves = step.waves;
        recorder_.record(entry);
      }
      break;
    }
    case ActionKind::fail_over:
      fail_over(step);
      break;
    case ActionKind::halt_rollout:
      rollout_halted_[step.fault->value] = 1;
      break;
  }
}

// The share of its service an enable-in-waves step has enabled after `waves`
// waves: whole sites when the service counts them.
double Run::enabled_by(const Step& step, int waves) const {
  const Service& service = topology_.service(*step.service);
  if (service.sites > 0)
    return static_cast<double>(service.sites * waves / step.waves) / service.sites;
  return static_cast<double>(waves) / step.waves;
}

// Recovery only gives back: restoring a service that serves more than the
// target leaves it as it is.
void Run::raise_capability(ServiceId s, double fraction) {
  double& capability = base_capability_[s.value];
  capability = std::max(capability, fraction);
  apply_service(s);
}

void Run::set_unit_failed(FailureUnitId unit, bool failed) {
  const FailureModels::Unit& u = failures_.unit(unit);
  if (u.deployment) {
    deployment_failed_[u.deployment->value] = failed;
    apply_deployment(*u.deployment);
  } else {
    service_failed_[u.service->value] = failed;
    apply_service(*u.service);
  }
  propagate();
}

Duration Run::draw(const Distribution& d, std::vector<RandomStream>& streams,
                   std::uint32_t index) const {
  return options_.sampling ? d.sample(streams[index]) : d.median();
}

// Settles health after changes, and follows what health decides: affected
// users, overload timers, gates, and when demand must be looked at again.
void Run::propagate() {
  demand_schedule_.sync(users_.segment());
  for (const ServiceId s : health_.propagate()) {
    recorder_.record_state(s, health_.health(s), now_);
    for (const UserGroupId g : topology_.users_of(s)) {
      const UserCount affected = health_.affected_users(g);
      if (affected != users_.affected(g))
        set_group_affected(g, affected);
    }
  }
  for (const DeploymentId d : health_.load_changes())
    check_overload(d);
  if (!verifying_.empty())
    open_gates();
  if (!demand_.services().empty())
    demand_schedule_.schedule(users_.segment());
}

// The users brought back take their share of the group's loss so far that
// is not yet put down to anything.
void Run::set_group_affected(UserGroupId g, UserCount affected) {
  const UserTime share = users_.set_affected(g, affected);
  if (share != UserTime{})
    credit_restored(g, share);
}

// The step acting now, and every other that finished a wave or completed
// at this instant and reaches the group, share the credit evenly (the first
// ones take the odd milliseconds): several steps finishing together each
// did part of bringing the users back.
void Run::credit_restored(UserGroupId g, UserTime share) {
  if (!restoring_step_) {
    result_->restored_loss_otherwise += share;
    return;
  }
  std::vector<StepId>& causes = credit_causes_;
  causes.assign(1, *restoring_step_);
  if (acted_at_ == now_) {
    for (const StepId s : acted_now_) {
      if (s != *restoring_step_ && step_reaches_group_[s.value][g.value])
        causes.push_back(s);
    }
  }
  const auto n = static_cast<std::int64_t>(causes.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t part = share.user_ms / n + (i < share.user_ms % n ? 1 : 0);
    result_->steps[causes[static_cast<std::size_t>(i)].value].restored_loss += UserTime{part};
  }
}

// Accounts user-time for the interval that ends at t, and samples affected
// users and busy crews at the sampling times before t.
void Run::advance_to(SimTime t) {
  if (t > now_) {
    users_.settle();
    recorder_.trace_health(health_, now_);
  }
  crews_.sample_before(t, runbook_);
  users_.advance_to(t);
  now_ = t;
}

void Run::finish(SimTime end) {
  users_.settle();
  recorder_.trace_health(health_, now_);
  advance_to(end);
  // A segment starting at the very end is an instant of the run too.
  users_.settle();
  users_.finish();
  result_->end = end;
  recorder_.close_states(end);
  for (std::uint32_t s = 0; s < scenario_.steps.size(); ++s)
    result_->steps[s].released = runbook_.released(StepId{s});
  for (const Milestone& m : scenario_.observed)
    result_->observed.push_back(judge(m, *result_));
  crews_.finish(runbook_);
}


}  // namespace faultline::detail
