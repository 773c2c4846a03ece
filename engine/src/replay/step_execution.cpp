#include "replay/step_execution.hpp"

#include <algorithm>
#include <cmath>

namespace faultline::detail {

namespace {

// The share of a whole-step duration that wave `wave` of `waves` takes; the
// shares add up to the duration exactly.
Duration wave_length(Duration whole, int wave, int waves) {
  return Duration{whole.ms * wave / waves - whole.ms * (wave - 1) / waves};
}

}  // namespace

StepExecution::StepExecution(RunContext& run, std::vector<std::uint32_t> rank, Estate& estate,
                             Failover& failover, RestorationCredit& credit, TenantStates& tenants)
    : run_(run),
      estate_(estate),
      failover_(failover),
      credit_(credit),
      runbook_(run.scenario, std::move(rank)),
      attempts_(run.scenario.steps.size()),
      pipelines_(run, runbook_, tenants, credit, random_),
      any_requirements_(std::any_of(run.scenario.steps.begin(), run.scenario.steps.end(),
                                    [](const Step& s) { return !s.requirements.empty(); })),
      any_conditions_(std::any_of(run.scenario.steps.begin(), run.scenario.steps.end(),
                                  [](const Step& s) { return s.only_if.has_value(); })) {}

void StepExecution::reset() {
  runbook_.reset();
  for (Attempts& a : attempts_) {
    std::vector<EventHandle> scripted = std::move(a.scripted);
    scripted.clear();
    a = Attempts{};
    a.scripted = std::move(scripted);
  }
  run_.open_streams(random_, StreamPurpose::step, attempts_.size());
  pipelines_.reset();
  verifying_.clear();
  shift_wake_.reset();
  wakes_.clear();
  run_.result->steps.assign(attempts_.size(), StepOutcome{});
  run_.result->progress.clear();
}

// A step whose condition no longer holds is skipped as soon as it is ready
// (skipping needs no crew member), which may release others at once.
void StepExecution::dispatch() {
  bool again = true;
  while (again) {
    for (const StepId s : runbook_.take_waiting())
      run_.queue.schedule(*run_.scenario.steps[s.value].not_before, events::EarliestStart{s});
    skip_unneeded();
    // A batch step can finish as it starts or fills, releasing others.
    const std::size_t finished_before = steps_finished_;
    await_services();
    // Batch steps under way take free members before new steps do, and one
    // that just started fills its pipeline at once.
    fill_pipelines();
    const std::span<const StepId> started = runbook_.dispatch(run_.now);
    bool batch_step_started = false;
    for (const StepId s : started) {
      start_step(s);
      batch_step_started = batch_step_started || run_.scenario.steps[s.value].batches.has_value();
    }
    // Filling again is for members and methods that a step started or
    // finished since gave or took; with neither, the pipelines are as full
    // as the first fill left them. A batch step ends the runbook's round.
    if (!started.empty() || steps_finished_ != finished_before)
      fill_pipelines();
    again = !not_needed_.empty() || steps_finished_ != finished_before || batch_step_started;
  }
  if (runbook_.any_shifts())
    wake_at_next_shift();
}

void StepExecution::wake_at_next_shift() {
  auto wake = runbook_.next_shift_start(run_.now);
  if (const auto batches = pipelines_.any_batches() ? pipelines_.next_shift_start() : std::nullopt;
      batches && (!wake || *batches < *wake))
    wake = batches;
  if (!wake) {
    // Nothing waits for a shift any more (a batch step finished): a wake
    // left on the queue would stretch the run.
    for (const EventHandle h : wakes_)
      run_.queue.cancel(h);
    wakes_.clear();
    shift_wake_.reset();
  } else if (!shift_wake_ || *wake < *shift_wake_) {
    shift_wake_ = wake;
    wakes_.push_back(run_.queue.schedule(*wake, events::ShiftStarts{}));
  }
}

void StepExecution::shift_starts() {
  for (const EventHandle h : wakes_)
    run_.queue.cancel(h);
  wakes_.clear();
  shift_wake_.reset();
}

void StepExecution::skip_unneeded() {
  not_needed_.clear();
  if (!any_conditions_)
    return;
  for (const StepId s : runbook_.ready()) {
    const auto& condition = run_.scenario.steps[s.value].only_if;
    if (condition && !condition_holds(*condition))
      not_needed_.push_back(s);
  }
  for (const StepId s : not_needed_) {
    runbook_.skip(s, run_.now);
    run_.result->steps[s.value].skipped = run_.now;
    run_.recorder.record(run_.now, TimelineKind::step_skipped, s);
  }
}

// Checked at every dispatch, which follows every event: a step ready but
// not yet started goes back to awaiting if a service it requires falls.
void StepExecution::await_services() {
  if (!any_requirements_)
    return;
  for (const StepId s : runbook_.ready()) {
    const auto& required = run_.scenario.steps[s.value].requirements;
    runbook_.await_services(s, !std::all_of(required.begin(), required.end(), [&](const auto& r) {
      return meets(run_.health.health(r.service).state(), r);
    }));
  }
}

bool StepExecution::condition_holds(const StepCondition& c) const {
  return run_.health.health(c.service).state() > c.below;
}

void StepExecution::resize_crew(CrewId crew, std::size_t change) {
  runbook_.resize(crew, change);
  run_.recorder.crew_resized(crew);
}

// Scripted failures and hold-ups are events only while the step is under
// way, so that they never stretch a run past its last real event.
void StepExecution::start_step(StepId s) {
  run_.result->steps[s.value].started = run_.now;
  const Step& step = run_.scenario.steps[s.value];
  Attempts& a = attempts_[s.value];
  for (const SimTime at : step.fails_at) {
    if (at > run_.now) {
      a.scripted.push_back(run_.queue.schedule(at, events::ScriptedFailure{s}));
    } else {
      a.forced_failure = true;
    }
  }
  // One that came before the start lengthens the first attempt, as one
  // between attempts does the next.
  for (std::size_t h = 0; h < step.hold_ups.size(); ++h) {
    if (step.hold_ups[h].at >= run_.now)
      a.scripted.push_back(run_.queue.schedule(step.hold_ups[h].at, events::HoldUpStarts{s, h}));
    else
      a.held_up += step.hold_ups[h].length;
  }
  run_.recorder.record(run_.now, TimelineKind::step_started, s);
  if (step.batches)
    after_batch(s, pipelines_.start(s));
  else
    start_attempt(s, 1, AttemptCause::step_start);
}

// A step's completion can bring a method another awaits.
void StepExecution::fill_pipelines() {
  if (!pipelines_.any_batches())
    return;
  pipelines_.check_arrivals();
  for (const StepId s : pipelines_.fill())
    after_batch(s, pipelines_.any_gave_up(s) ? PipelineProgress::failed : PipelineProgress::done);
}

void StepExecution::after_batch(StepId s, PipelineProgress progress) {
  run_.result->steps[s.value].method = pipelines_.last_method(s);
  if (progress != PipelineProgress::under_way)
    pipelines_.stop(s);
  switch (progress) {
    case PipelineProgress::under_way:
      return;
    case PipelineProgress::done:
      if (run_.scenario.steps[s.value].verify.empty())
        finish_step(s);
      else
        finish_work(s);
      return;
    case PipelineProgress::failed:
      give_up(s);
      return;
  }
}

// The first attempt and every retry draw the whole step's duration afresh;
// later equal waves keep the duration of the attempt that got there, and
// each attempt at an uneven wave draws that wave's.
void StepExecution::start_attempt(StepId s, int wave, AttemptCause cause) {
  const Step& step = run_.scenario.steps[s.value];
  Attempts& a = attempts_[s.value];
  if (cause != AttemptCause::next_wave && step.wave_plan.empty())
    a.whole_duration = run_.draw(method(s).duration, random_, s.value);
  ++run_.result->steps[s.value].attempts;
  a.wave = wave;
  const Duration length = step.wave_plan.empty()
                              ? wave_length(a.whole_duration, wave, step.waves)
                              : run_.draw(step.wave_plan[wave - 1].duration, random_, s.value);
  const Duration work = length + a.held_up;
  a.held_up = Duration{};
  a.end_at = runbook_.work_ends(s, run_.now, work, began(s));
  a.end = run_.queue.schedule(a.end_at, events::AttemptEnds{s, wave});
}

void StepExecution::attempt_ends(StepId s, int wave) {
  attempts_[s.value].end.reset();
  finish_attempt(s, wave);
}

void StepExecution::finish_attempt(StepId s, int wave) {
  const Step& step = run_.scenario.steps[s.value];
  Attempts& a = attempts_[s.value];
  // The draw is made even for a scripted failure, so that what the step
  // draws next stays paired with other runs.
  const bool success = run_.succeeds(method(s).success, a.wave_failures + 1, random_, s.value);
  if (a.forced_failure || !success) {
    const bool scripted = a.forced_failure;
    a.forced_failure = false;
    if (!success)
      ++a.wave_failures;
    fail_attempt(s, wave, scripted);
    return;
  }
  a.wave_failures = 0;
  credit_.step_acts(s, run_.now);
  apply_wave(s, wave);
  if (wave < step.waves) {
    start_attempt(s, wave + 1, AttemptCause::next_wave);
  } else if (step.verify.empty()) {
    finish_step(s);
  } else {
    finish_work(s);
  }
  run_.propagate();
  credit_.acting(std::nullopt);
}

// The crew is free; the step completes once its gate opens, at once when
// its services are operational.
void StepExecution::finish_work(StepId s) {
  ++steps_finished_;
  cancel_scripted(s);
  runbook_.finish_work(s);
  run_.result->steps[s.value].crew_freed = run_.now;
  run_.result->steps[s.value].work_done = run_.now;
  verifying_.push_back(s);
  run_.propagate();
  if (runbook_.status(s) == StepStatus::verifying)
    run_.recorder.record(run_.now, TimelineKind::step_work_done, s);
}

void StepExecution::cancel_scripted(StepId s) {
  for (const EventHandle h : attempts_[s.value].scripted)
    run_.queue.cancel(h);
  attempts_[s.value].scripted.clear();
}

void StepExecution::finish_step(StepId s) {
  ++steps_finished_;
  cancel_scripted(s);
  StepOutcome& outcome = run_.result->steps[s.value];
  outcome.completed = run_.now;
  if (!outcome.crew_freed)
    outcome.crew_freed = run_.now;
  run_.recorder.record(run_.now, TimelineKind::step_completed, s);
  run_.result->progress.push_back({run_.now, s});
  runbook_.complete(s, run_.now);
}

void StepExecution::open_gates() {
  if (verifying_.empty())
    return;
  auto keep = verifying_.begin();
  for (const StepId s : verifying_) {
    const auto& gate = run_.scenario.steps[s.value].verify;
    const bool open = std::all_of(gate.begin(), gate.end(), [&](ServiceId v) {
      return run_.health.health(v).state() == ServiceState::operational;
    });
    if (open) {
      finish_step(s);
    } else {
      *keep++ = s;
    }
  }
  verifying_.erase(keep, verifying_.end());
}

void StepExecution::fail_attempt(StepId s, int wave, bool scripted) {
  const Step& step = run_.scenario.steps[s.value];
  run_.recorder.record(run_.now, TimelineKind::step_attempt_failed, s, [&](TimelineEntry& e) {
    e.wave = wave;
    e.waves = step.waves;
    e.attempt = run_.result->steps[s.value].attempts;
    e.scripted = scripted;
  });
  Attempts& a = attempts_[s.value];
  const Method& m = method(s);
  if (a.retries_used >= m.retries) {
    next_method_or_give_up(s, wave);
    return;
  }
  const SimTime retry_at = run_.now + run_.draw(m.retry_delay, random_, s.value);
  switch (retry_verdict(m, retry_at, run_.scenario)) {
    case RetryVerdict::next_method:
      next_method_or_give_up(s, wave);
      return;
    case RetryVerdict::stop:
      return;
    case RetryVerdict::retry:
      break;
  }
  ++a.retries_used;
  run_.queue.schedule(retry_at, events::RetryStarts{s, wave});
}

void StepExecution::retry(StepId s, int wave) {
  run_.recorder.record(run_.now, TimelineKind::step_retry, s, [&](TimelineEntry& e) {
    e.wave = wave;
    e.waves = run_.scenario.steps[s.value].waves;
    e.attempt = run_.result->steps[s.value].attempts + 1;
    e.method = attempts_[s.value].method;
  });
  start_attempt(s, wave, AttemptCause::retry);
}

// The waves already done stay done: the next method takes up the wave
// under way, with fresh retries.
void StepExecution::next_method_or_give_up(StepId s, int wave) {
  Attempts& a = attempts_[s.value];
  if (a.method + 1 >= run_.scenario.steps[s.value].methods.size()) {
    give_up(s);
    return;
  }
  ++a.method;
  a.retries_used = 0;
  a.wave_failures = 0;
  run_.result->steps[s.value].method = a.method;
  run_.recorder.record(run_.now, TimelineKind::step_next_method, s, [&](TimelineEntry& e) {
    e.method = a.method;
    e.wave = wave;
    e.waves = run_.scenario.steps[s.value].waves;
  });
  start_attempt(s, wave, AttemptCause::next_method);
}

void StepExecution::give_up(StepId s) {
  ++steps_finished_;
  cancel_scripted(s);
  const Step& step = run_.scenario.steps[s.value];
  run_.result->steps[s.value].failed = true;
  run_.recorder.record(run_.now, TimelineKind::step_failed, s);
  if (step.rollback) {
    runbook_.start_rollback(s);
    const Duration work = run_.draw(*step.rollback, random_, s.value);
    run_.queue.schedule(runbook_.work_ends(s, run_.now, work, began(s)), events::RollbackDone{s});
    return;
  }
  run_.result->steps[s.value].crew_freed = run_.now;
  runbook_.fail(s);
}

void StepExecution::scripted_failure(StepId s) {
  Attempts& a = attempts_[s.value];
  if (a.end && run_.queue.cancel(*a.end)) {
    a.end.reset();
    fail_attempt(s, a.wave, true);
    return;
  }
  a.forced_failure = true;
}

void StepExecution::hold_up(StepId s, std::size_t index) {
  const Duration length = run_.scenario.steps[s.value].hold_ups[index].length;
  Attempts& a = attempts_[s.value];
  if (a.end && run_.queue.cancel(*a.end)) {
    a.end_at = a.end_at + length;
    a.end = run_.queue.schedule(a.end_at, events::AttemptEnds{s, a.wave});
    return;
  }
  a.held_up += length;
}

// What the step's finished waves enabled is disabled again: the service is
// left as the other changes leave it, so what something else has since
// restored stays, and so does a fault that struck meanwhile.
void StepExecution::rollback_done(StepId s) {
  if (rollback_takes_capability(s))
    estate_.roll_back_capability(*run_.scenario.steps[s.value].service, s);
  StepOutcome& outcome = run_.result->steps[s.value];
  outcome.rolled_back = true;
  outcome.crew_freed = run_.now;
  run_.recorder.record(run_.now, TimelineKind::step_rolled_back, s);
  runbook_.fail(s);
  run_.propagate();
}

bool StepExecution::rollback_takes_capability(StepId s) const {
  return run_.scenario.steps[s.value].action == ActionKind::enable_waves &&
         attempts_[s.value].wave > 1;
}

void StepExecution::apply_wave(StepId s, int wave) {
  const Step& step = run_.scenario.steps[s.value];
  switch (step.action) {
    case ActionKind::none:
      break;
    case ActionKind::rebuild:
      for (const DeploymentId d : step.deployments)
        estate_.rebuild(d);
      break;
    case ActionKind::restore:
      if (step.adds)
        estate_.add_capability(*step.service, *step.adds);
      else
        estate_.raise_capability(*step.service, step.to_fraction, s);
      break;
    case ActionKind::enable_waves:
      estate_.raise_capability(*step.service, enabled_by(step, wave), s);
      if (wave < step.waves) {
        run_.recorder.record(run_.now, TimelineKind::step_wave, s, [&](TimelineEntry& e) {
          e.wave = wave;
          e.waves = step.waves;
        });
        run_.result->progress.push_back({run_.now, s});
      }
      break;
    case ActionKind::fail_over:
      failover_.fail_over(step);
      break;
    case ActionKind::halt_rollout:
      estate_.halt_rollout(*step.fault);
      break;
    case ActionKind::mitigate:
      estate_.mitigate(*step.fault);
      break;
    case ActionKind::restore_tenants:
      break;  // batch by batch, in BatchPipelines
  }
}

double StepExecution::enabled_by(const Step& step, int waves) const {
  const Service& service = run_.topology.service(*step.service);
  if (step.wave_plan.empty()) {
    if (service.sites > 0)
      return static_cast<double>(service.sites * waves / step.waves) / service.sites;
    return static_cast<double>(waves) / step.waves;
  }
  // The shares add up to 1 within rounding: the last wave enables all.
  if (waves == step.waves)
    return 1.0;
  double share = 0;
  for (int w = 0; w < waves; ++w)
    share += step.wave_plan[static_cast<std::size_t>(w)].share;
  if (service.sites > 0)
    return std::floor(share * service.sites + 1e-9) / service.sites;
  return share;
}

void StepExecution::finish() {
  if (pipelines_.any_batches())
    pipelines_.finish();
  for (std::uint32_t s = 0; s < attempts_.size(); ++s)
    run_.result->steps[s].released = runbook_.released(StepId{s});
}

}  // namespace faultline::detail
