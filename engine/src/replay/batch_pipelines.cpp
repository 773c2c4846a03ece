#include "replay/batch_pipelines.hpp"

#include <algorithm>

namespace faultline::detail {

BatchPipelines::BatchPipelines(RunContext& run, RunbookExecutor& runbook, TenantStates& tenants,
                               RestorationCredit& credit, RandomStreams& random)
    : run_(run),
      runbook_(runbook),
      tenants_(tenants),
      credit_(credit),
      random_(random),
      pipelines_(run.scenario.steps.size()),
      any_batches_(std::any_of(run.scenario.steps.begin(), run.scenario.steps.end(),
                               [](const Step& s) { return s.batches.has_value(); })) {
  for (std::uint32_t s = 0; s < pipelines_.size(); ++s) {
    if (run.scenario.steps[s].batches)
      list_tenants(StepId{s});
  }
}

void BatchPipelines::list_tenants(StepId s) {
  const Step& step = run_.scenario.steps[s.value];
  Pipeline& p = pipelines_[s.value];
  p.listed = listed_order(run_.topology, *step.service, step.batches->order);
  const auto kept = tenants_.order(*step.service);
  p.listed_is_kept = std::equal(p.listed.begin(), p.listed.end(), kept.begin(), kept.end());
}

void BatchPipelines::reset() {
  if (!any_batches_)
    return;
  for (Pipeline& p : pipelines_) {
    p.order.clear();
    p.cut = {};
    p.batches.clear();
    p.next = 0;
    p.under_way = 0;
    p.any_gave_up = false;
    p.last_method = 0;
    p.short_of_members_since.reset();
    p.arrived.clear();
    p.arrivals.clear();
  }
  filling_.clear();
  running_.clear();
  crew_spans_.clear();
}

// Methods still to arrive at a time wake the run then.
PipelineProgress BatchPipelines::start(StepId s) {
  Pipeline& p = pipelines_[s.value];
  for (const Method& m : run_.scenario.steps[s.value].methods) {
    p.arrived.push_back(available(m));
    if (m.available_from && *m.available_from > run_.now)
      p.arrivals.push_back(run_.queue.schedule(*m.available_from, events::MethodArrives{s}));
  }
  // With every method there, nothing can arrive to take over.
  if (std::find(p.arrived.begin(), p.arrived.end(), 0) != p.arrived.end())
    running_.push_back(s);
  cut_in_order(s, p);
  p.last_method = first_available(s, 0).value_or(0);
  if (!start_next_batch(s))
    return PipelineProgress::done;
  if (p.next < p.batches.size())
    filling_.push_back(s);
  return PipelineProgress::under_way;
}

// With every tenant of the service out, as after an outage of all of them,
// a step whose order is the same in every run cuts the same batches: they
// are cut once and copied, from TenantStates' own order when it is the
// step's.
void BatchPipelines::cut_in_order(StepId s, Pipeline& p) {
  const Step& step = run_.scenario.steps[s.value];
  p.comebacks = tenants_.comebacks(*step.service);
  const bool all_out =
      static_cast<std::size_t>(tenants_.out_count(*step.service)) == p.listed.size();
  if (!same_every_run(step.batches->order) || !all_out) {
    order_tenants(s, p);
    p.cut = p.order;
    cut_batches(*step.batches, p);
    return;
  }
  if (p.listed_is_kept) {
    p.cut = tenants_.order(*step.service);
  } else {
    p.order = p.listed;
    p.cut = p.order;
  }
  if (p.all_out_batches.empty()) {
    cut_batches(*step.batches, p);
    p.all_out_batches = p.batches;
  } else {
    p.batches = p.all_out_batches;
  }
}

// The tenants out on the service now, in the step's order; ties, and
// `random` in the nominal run, keep the topology's.
void BatchPipelines::order_tenants(StepId s, Pipeline& p) {
  const Step& step = run_.scenario.steps[s.value];
  for (const TenantId t : p.listed) {
    if (tenants_.out_on(*step.service, t))
      p.order.push_back(t);
  }
  switch (step.batches->order) {
    case BatchOrder::as_listed:
    case BatchOrder::largest_first:
    case BatchOrder::smallest_first:
      break;
    case BatchOrder::oldest_first:
      std::stable_sort(p.order.begin(), p.order.end(), [&](TenantId a, TenantId b) {
        return tenants_.out_since(a) < tenants_.out_since(b);
      });
      break;
    case BatchOrder::random:
      // Fisher-Yates on the step's own stream, so that it is the same for
      // any thread count.
      if (run_.options.sampling) {
        for (std::size_t i = p.order.size(); i > 1; --i) {
          const auto j = static_cast<std::size_t>(random_[s.value].uniform() * i);
          std::swap(p.order[i - 1], p.order[j]);
        }
      }
      break;
  }
}

void BatchPipelines::cut_batches(const BatchPlan& plan, Pipeline& p) {
  Batch batch;
  for (std::uint32_t i = 0; i < p.cut.size(); ++i) {
    const UserCount users = tenants_.users_of(p.cut[i]);
    const bool full = plan.size > 0 ? batch.count == static_cast<std::uint32_t>(plan.size)
                                    : plan.users && batch.users + users > *plan.users;
    if (batch.count > 0 && full) {
      p.batches.push_back(batch);
      batch = Batch{};
      batch.first = i;
    }
    ++batch.count;
    batch.users += users;
  }
  if (batch.count > 0)
    p.batches.push_back(batch);
}

void BatchPipelines::skip_empty_batches(StepId s) {
  Pipeline& p = pipelines_[s.value];
  const ServiceId service = *run_.scenario.steps[s.value].service;
  while (p.next < p.batches.size()) {
    if (only_its_own_back(service, p) ||
        tenants_.any_out(service, tenants_of(p, p.batches[p.next])))
      return;
    p.batches[p.next].over = true;
    record(s, BatchId{static_cast<std::uint32_t>(p.next++)}, TimelineKind::batch_skipped);
  }
}

bool BatchPipelines::start_next_batch(StepId s) {
  skip_empty_batches(s);
  Pipeline& p = pipelines_[s.value];
  if (p.next == p.batches.size())
    return false;
  const ServiceId service = *run_.scenario.steps[s.value].service;
  const BatchId b{static_cast<std::uint32_t>(p.next++)};
  Batch& batch = p.batches[b.value];
  // Usually every one is: the batch stays as it was cut.
  if (!only_its_own_back(service, p) && !tenants_.all_out(service, tenants_of(p, batch)))
    keep_those_out(service, p, batch);
  ++p.under_way;
  batch.started = run_.now;
  // A new batch has given up on no method, and one is there from the start:
  // the loader refuses a batch step whose every method arrives later.
  batch.method = *first_available(s, 0);
  attempt(s, b);
  return true;
}

// The batch keeps those of its tenants still out, in its order, moving
// the others behind them; a cut in the tenants' kept order is copied first.
void BatchPipelines::keep_those_out(ServiceId service, Pipeline& p, Batch& batch) {
  if (p.cut.data() != p.order.data()) {
    p.order.assign(p.cut.begin(), p.cut.end());
    p.cut = p.order;
  }
  const auto first = p.order.begin() + batch.first;
  const auto last = first + batch.count;
  batch.count = static_cast<std::uint32_t>(
      std::stable_partition(first, last, [&](TenantId t) { return tenants_.out_on(service, t); }) -
      first);
  batch.users = UserCount{};
  for (const TenantId t : tenants_of(p, batch))
    batch.users += tenants_.users_of(t);
}

void BatchPipelines::stop(StepId s) {
  for (const EventHandle h : pipelines_[s.value].arrivals)
    run_.queue.cancel(h);
  pipelines_[s.value].arrivals.clear();
}

bool BatchPipelines::available(const Method& m) const {
  if (m.available_from)
    return run_.now >= *m.available_from;
  if (m.available_after)
    return run_.result->steps[m.available_after->value].completed.has_value();
  return true;
}

std::optional<std::size_t> BatchPipelines::first_available(StepId s, std::uint64_t gave_up) const {
  const auto& methods = run_.scenario.steps[s.value].methods;
  for (std::size_t m = 0; m < methods.size(); ++m) {
    if (!(gave_up >> m & 1) && available(methods[m]))
      return m;
  }
  return std::nullopt;
}

void BatchPipelines::check_arrivals() {
  std::erase_if(running_, [&](StepId s) {
    return progress(pipelines_[s.value]) != PipelineProgress::under_way;
  });
  for (const StepId s : running_) {
    const auto& methods = run_.scenario.steps[s.value].methods;
    for (std::size_t m = 0; m < methods.size(); ++m) {
      char& arrived = pipelines_[s.value].arrived[m];
      if (arrived || !available(methods[m]))
        continue;
      arrived = 1;
      if (methods[m].in_flight == InFlight::hand_over)
        hand_over(s, m);
    }
  }
}

// The attempt under way (or the retry awaited) is dropped. An attempt
// whose work ends at this instant is not: it is done, and its end says
// whether it worked; if not, the method that arrived takes over then (see
// fail).
void BatchPipelines::hand_over(StepId s, std::size_t method) {
  Pipeline& p = pipelines_[s.value];
  for (std::uint32_t b = 0; b < p.next; ++b) {
    Batch& batch = p.batches[b];
    if (batch.over || batch.method <= method || batch.gave_up >> method & 1 ||
        batch.attempt_ends == run_.now)
      continue;
    if (batch.pending)
      run_.queue.cancel(*batch.pending);
    switch_method(s, BatchId{b}, method);
  }
}

std::optional<std::size_t> BatchPipelines::taking_over(StepId s, const Batch& batch) const {
  const auto& methods = run_.scenario.steps[s.value].methods;
  const Pipeline& p = pipelines_[s.value];
  for (std::size_t m = 0; m < batch.method; ++m) {
    if (p.arrived[m] && methods[m].in_flight == InFlight::hand_over && !(batch.gave_up >> m & 1))
      return m;
  }
  return std::nullopt;
}

void BatchPipelines::switch_method(StepId s, BatchId b, std::size_t method) {
  Batch& batch = pipelines_[s.value].batches[b.value];
  const std::size_t before = batch.method;
  batch.method = method;
  batch.retries_used = 0;
  batch.failures = 0;
  record(s, b, TimelineKind::batch_handed_over, before);
  attempt(s, b);
}

// Each attempt draws the method's duration afresh, and adds its time per
// tenant.
void BatchPipelines::attempt(StepId s, BatchId b) {
  const Step& step = run_.scenario.steps[s.value];
  Batch& batch = pipelines_[s.value].batches[b.value];
  const Method& m = step.methods[batch.method];
  ++batch.attempts;
  const Duration work = run_.draw(m.duration, random_, s.value) +
                        Duration{m.per_tenant.ms * static_cast<std::int64_t>(batch.count)};
  ++run_.result->steps[s.value].attempts;
  // Its step under way since before this shift is handed over to it.
  batch.attempt_ends = runbook_.work_ends(s, run_.now, work, *run_.result->steps[s.value].started);
  batch.pending = run_.queue.schedule(*batch.attempt_ends, events::BatchEnds{s, b});
}

std::span<const StepId> BatchPipelines::fill() {
  finished_.clear();
  auto keep = filling_.begin();
  for (const StepId s : filling_) {
    Pipeline& p = pipelines_[s.value];
    // Its last batches were skipped as another ended, which said so.
    if (p.next == p.batches.size()) {
      note_member_wait(s, p);
      continue;
    }
    // Batches whose tenants came back meanwhile need no crew to skip.
    skip_empty_batches(s);
    const BatchPlan& plan = *run_.scenario.steps[s.value].batches;
    while (p.next < p.batches.size() && p.under_way < plan.at_once &&
           runbook_.take_members(s, plan.members, run_.now)) {
      if (!start_next_batch(s))
        runbook_.release_members(s, plan.members);
    }
    note_member_wait(s, p);
    if (p.next < p.batches.size())
      *keep++ = s;
    else if (p.under_way == 0)
      finished_.push_back(s);
  }
  filling_.erase(keep, filling_.end());
  return finished_;
}

void BatchPipelines::note_member_wait(StepId s, Pipeline& p) {
  if (!run_.recorder.recording())
    return;
  const bool waiting =
      p.next < p.batches.size() && p.under_way < run_.scenario.steps[s.value].batches->at_once;
  std::optional<SimTime>& since = p.short_of_members_since;
  if (waiting && !since) {
    since = run_.now;
  } else if (!waiting && since) {
    if (*since < run_.now)
      run_.result->steps[s.value].batch_member_waits.emplace_back(*since, run_.now);
    since.reset();
  }
}

void BatchPipelines::finish() {
  if (!run_.recorder.recording())
    return;
  for (std::uint32_t s = 0; s < pipelines_.size(); ++s) {
    const Pipeline& p = pipelines_[s];
    StepOutcome& outcome = run_.result->steps[s];
    for (std::size_t b = 0; b < p.next; ++b) {
      if (!p.batches[b].over)
        outcome.batches_held.emplace_back(p.batches[b].started, run_.now);
    }
    if (p.short_of_members_since && *p.short_of_members_since < run_.now)
      outcome.batch_member_waits.emplace_back(*p.short_of_members_since, run_.now);
  }
}

std::optional<SimTime> BatchPipelines::next_shift_start() const {
  std::optional<SimTime> next;
  for (const StepId s : filling_) {
    const auto at = runbook_.off_shift_until(s, run_.now);
    if (at && (!next || *at < *next))
      next = at;
  }
  return next;
}

PipelineProgress BatchPipelines::batch_ends(StepId s, BatchId b) {
  Pipeline& p = pipelines_[s.value];
  Batch& batch = p.batches[b.value];
  batch.pending.reset();
  batch.attempt_ends.reset();
  const Step& step = run_.scenario.steps[s.value];
  if (!run_.succeeds(step.methods[batch.method].success, batch.failures + 1, random_, s.value))
    return fail(s, b);
  credit_.step_acts(s, run_.now);
  const bool only_own = only_its_own_back(*step.service, p);
  // The record names those it brings back, not those back meanwhile: all
  // of its tenants while only its step's batches brought any back.
  std::optional<TenantsNamed> back;
  if (!only_own && run_.recorder.recording())
    back = still_out(*step.service, p, batch);
  tenants_.bring_back(*step.service, tenants_of(p, batch), run_.now);
  if (only_own)
    p.comebacks = tenants_.comebacks(*step.service);
  record(s, b, TimelineKind::batch_done, 0, back);
  run_.result->progress.push_back({run_.now, s});
  run_.propagate();
  credit_.acting(std::nullopt);
  return batch_over(s, b);
}

// The batch's members stay on it between retries. A method that arrived
// as the attempt ended, to take over batches in flight, takes it over now.
PipelineProgress BatchPipelines::fail(StepId s, BatchId b) {
  Batch& batch = pipelines_[s.value].batches[b.value];
  ++batch.failures;
  record(s, b, TimelineKind::batch_attempt_failed);
  if (const auto method = taking_over(s, batch)) {
    switch_method(s, b, *method);
    return PipelineProgress::under_way;
  }
  const Method& m = run_.scenario.steps[s.value].methods[batch.method];
  if (batch.retries_used >= m.retries)
    return next_method_or_give_up(s, b);
  const SimTime retry_at = run_.now + run_.draw(m.retry_delay, random_, s.value);
  switch (retry_verdict(m, retry_at, run_.scenario)) {
    case RetryVerdict::next_method:
      return next_method_or_give_up(s, b);
    case RetryVerdict::stop:
      return PipelineProgress::under_way;
    case RetryVerdict::retry:
      break;
  }
  ++batch.retries_used;
  batch.pending = run_.queue.schedule(retry_at, events::BatchRetryStarts{s, b});
  return PipelineProgress::under_way;
}

void BatchPipelines::retry(StepId s, BatchId b) {
  pipelines_[s.value].batches[b.value].pending.reset();
  record(s, b, TimelineKind::batch_retry);
  attempt(s, b);
}

PipelineProgress BatchPipelines::next_method_or_give_up(StepId s, BatchId b) {
  Pipeline& p = pipelines_[s.value];
  Batch& batch = p.batches[b.value];
  batch.gave_up |= std::uint64_t{1} << batch.method;
  const auto next = first_available(s, batch.gave_up);
  if (!next) {
    p.any_gave_up = true;
    p.last_method = batch.method;
    record(s, b, TimelineKind::batch_gave_up);
    return batch_over(s, b);
  }
  const std::size_t gave_up = batch.method;
  batch.method = *next;
  batch.retries_used = 0;
  batch.failures = 0;
  record(s, b, TimelineKind::batch_next_method, gave_up);
  attempt(s, b);
  return PipelineProgress::under_way;
}

// A batch is done or gave up: its members are free for the next.
PipelineProgress BatchPipelines::batch_over(StepId s, BatchId b) {
  Pipeline& p = pipelines_[s.value];
  --p.under_way;
  const Step& step = run_.scenario.steps[s.value];
  Batch& batch = p.batches[b.value];
  batch.over = true;
  if (!p.any_gave_up)
    p.last_method = batch.method;
  runbook_.release_members(s, step.batches->members);
  if (step.crew)
    crew_spans_.push_back({*step.crew, step.batches->members, batch.started, run_.now});
  if (run_.recorder.recording())
    run_.result->steps[s.value].batches_held.emplace_back(batch.started, run_.now);
  skip_empty_batches(s);
  return progress(p);
}

PipelineProgress BatchPipelines::progress(const Pipeline& p) const {
  if (p.under_way > 0 || p.next < p.batches.size())
    return PipelineProgress::under_way;
  return p.any_gave_up ? PipelineProgress::failed : PipelineProgress::done;
}

std::span<const CrewSpan> BatchPipelines::crew_spans(SimTime end) {
  if (!any_batches_)
    return {};
  for (std::uint32_t s = 0; s < pipelines_.size(); ++s) {
    const Step& step = run_.scenario.steps[s];
    if (!step.crew)
      continue;
    const Pipeline& p = pipelines_[s];
    for (std::size_t b = 0; b < p.next; ++b) {
      if (!p.batches[b].over)
        crew_spans_.push_back({*step.crew, step.batches->members, p.batches[b].started, end});
    }
  }
  return crew_spans_;
}

BatchPipelines::TenantsNamed BatchPipelines::still_out(ServiceId service, const Pipeline& p,
                                                       const Batch& batch) const {
  TenantsNamed out;
  for (const TenantId t : tenants_of(p, batch)) {
    if (tenants_.out_on(service, t)) {
      ++out.tenants;
      out.users += tenants_.users_of(t);
    }
  }
  return out;
}

void BatchPipelines::record(StepId s, BatchId b, TimelineKind kind, std::size_t previous_method,
                            std::optional<TenantsNamed> named) {
  const Pipeline& p = pipelines_[s.value];
  const Batch& batch = p.batches[b.value];
  run_.recorder.record(run_.now, kind, s, [&](TimelineEntry& e) {
    e.previous_method = previous_method;
    e.batch = static_cast<int>(b.value) + 1;
    e.batches = static_cast<int>(p.batches.size());
    e.tenants = named ? named->tenants : static_cast<int>(batch.count);
    e.users = named ? named->users : batch.users;
    e.attempt = batch.attempts;
    e.method = batch.method;
  });
}

}  // namespace faultline::detail
