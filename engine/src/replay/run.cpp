#include "replay/run.hpp"

#include <variant>

#include "faultline/strategy.hpp"

namespace faultline::detail {

Run::Run(const Scenario& scenario) : Run(std::make_shared<const RunTables>(scenario)) {}

Run::Run(std::shared_ptr<const RunTables> tables)
    : Run(tables, step_ranks(tables->scenario(), tables->scenario().strategy)) {}

Run::Run(std::shared_ptr<const RunTables> tables, std::vector<std::uint32_t> rank)
    : tables_(std::move(tables)),
      context_(tables_->scenario(), [this] { propagate(); }),
      users_(context_.topology, tables_->calendar()),
      demand_schedule_(tables_->demand(), tables_->calendar(), context_.queue, context_.health),
      credit_(context_.scenario),
      failures_(context_.topology, context_.queue),
      failover_(context_, credit_),
      tenants_(context_.scenario),
      estate_(context_, failover_, tenants_),
      overload_(context_, estate_),
      steps_(context_, std::move(rank), estate_, failover_, credit_, tenants_),
      crews_(context_.scenario),
      standstill_(context_.scenario, failures_),
      ending_(*tables_, context_, users_, steps_, estate_, demand_schedule_),
      groups_to_update_(context_.topology.user_groups().size()) {}

// Every part resets its own state.
void Run::reset(const RunOptions& options, RunResult& result) {
  context_.options = options;
  context_.result = &result;
  context_.now = SimTime{};
  context_.stretched.reset(options.sampling ? options.sampling->stretch : nullptr,
                           options.sampling ? options.sampling->run : 0);
  context_.queue.reset();
  context_.health.reset();
  result.end = SimTime{};
  result.strikes_to_come = false;
  result.observed.clear();
  context_.recorder.reset(options, result);
  users_.reset(result, options.sample_times, context_.recorder.timeline());
  demand_schedule_.reset();
  credit_.reset(result);
  failover_.reset();
  tenants_.reset(result);
  estate_.reset();
  overload_.reset();
  steps_.reset();
  users_back_.reset(result);
  crews_.reset(result, options.sample_times);
  standstill_.reset();
}

// Health sees the demand at T0 before anything happens; the faults, then
// the crews' size changes, then the runbook's beginning go on the queue,
// and the first failures come after every scheduled event at their time.
// A size change thus comes before any step starts at its instant, T0 as
// any other (found by a helper: a crew resized to 0 at T0 started a step
// first, one resized at T0+1h started none then).
void Run::schedule_start() {
  propagate();
  const Scenario& scenario = context_.scenario;
  for (std::uint32_t f = 0; f < scenario.faults.size(); ++f)
    context_.queue.schedule(scenario.faults[f].at, events::FaultStrikes{FaultId{f}});
  for (std::uint32_t c = 0; c < scenario.crews.size(); ++c) {
    const auto& resized = scenario.crews[c].resized;
    for (std::size_t i = 0; i < resized.size(); ++i)
      context_.queue.schedule(resized[i].at, events::CrewResized{CrewId{c}, i});
  }
  context_.queue.schedule(SimTime{}, events::RunbookBegins{});
  failures_.reset(context_.options.sampling);
}

void Run::execute(const RunOptions& options, RunResult& result) {
  reset(options, result);
  schedule_start();
  SimTime last_work;
  while (auto event = context_.queue.pop()) {
    if (ending_.past_the_end(*event, last_work)) {
      ending_.note_strikes_to_come(event);
      break;
    }
    standstill_.count(event->at, event->payload);
    advance_to(event->at);
    if (ending_.is_work(event->payload))
      last_work = event->at;
    handle(event->payload);
  }
  finish(ending_.end_of_run(last_work));
}

void Run::handle(const Event& e) {
  std::visit([this](const auto& event) { on(event); }, e);
  steps_.dispatch();
  context_.recorder.record_crews(steps_.runbook(), context_.now);
}

void Run::on(const events::FaultStrikes& e) {
  estate_.strike(e.fault);
  propagate();
}

void Run::on(const events::FaultHeals& e) {
  estate_.heal(e.fault);
  propagate();
}

void Run::on(const events::CacheCohortTurns& e) {
  estate_.turn_cohort(e.fault, e.holds_outage);
  propagate();
}

void Run::on(const events::RolloutWave& e) {
  if (estate_.reach_wave(e.fault, e.wave))
    propagate();
}

void Run::on(const events::RunbookBegins&) {
  steps_.begin();
}

void Run::on(const events::EarliestStart& e) {
  steps_.reach_earliest_start(e.step);
}

void Run::on(const events::AttemptEnds& e) {
  steps_.attempt_ends(e.step, e.wave);
}

void Run::on(const events::RetryStarts& e) {
  steps_.retry(e.step, e.wave);
}

void Run::on(const events::UnitFails& e) {
  estate_.set_unit_failed(failures_.unit(e.unit), true);
  propagate();
  failures_.fail(e.unit, context_.now);
}

void Run::on(const events::UnitRepaired& e) {
  estate_.set_unit_failed(failures_.unit(e.unit), false);
  propagate();
  failures_.repair(e.unit, context_.now);
}

void Run::on(const events::DemandChanges&) {
  demand_schedule_.fired();
  propagate();
}

void Run::on(const events::LossDetected& e) {
  failover_.detect_loss(e.service);
}

void Run::on(const events::FailoverDone& e) {
  failover_.finish(e.service);
}

void Run::on(const events::OverloadTrips& e) {
  overload_.trip(e.deployment);
  propagate();
}

void Run::on(const events::DeploymentRestarts& e) {
  overload_.restart(e.deployment);
  propagate();
}

void Run::on(const events::ScriptedFailure& e) {
  steps_.scripted_failure(e.step);
}

void Run::on(const events::HoldUpStarts& e) {
  steps_.hold_up(e.step, e.hold_up);
}

void Run::on(const events::CrewResized& e) {
  steps_.resize_crew(e.crew, e.change);
}

void Run::on(const events::BatchEnds& e) {
  steps_.batch_ends(e.step, e.batch);
}

void Run::on(const events::BatchRetryStarts& e) {
  steps_.batch_retry(e.step, e.batch);
}

void Run::on(const events::MethodArrives&) {
  steps_.methods_arrive();
}

void Run::on(const events::RollbackDone& e) {
  steps_.rollback_done(e.step);
}

void Run::on(const events::ShiftStarts&) {
  steps_.shift_starts();
}

// What health decides goes to the record, the users, overload timers and
// gates; then demand is scheduled to be looked at again where it can matter.
void Run::propagate() {
  HealthPropagator& health = context_.health;
  demand_schedule_.sync(users_.segment());
  const std::span<const ServiceId> changed = health.propagate();
  // Checks first: the record reads cause before effect.
  for (const DeploymentId d : health.check_changes())
    follow_check(d);
  groups_to_update_.clear();
  for (const ServiceId s : changed) {
    context_.recorder.record_state(s, health.health(s), context_.now);
    for (const UserGroupId g : context_.topology.users_of(s))
      groups_to_update_.add(g);
  }
  for (const UserGroupId g : tenants_.take_changed_groups())
    groups_to_update_.add(g);
  for (const UserGroupId g : groups_to_update_.items())
    update_group(g);
  for (const DeploymentId d : health.load_changes())
    overload_.check(d);
  steps_.open_gates();
  if (!tables_->demand().services().empty())
    demand_schedule_.schedule(users_.segment());
}

// A load balancer took the deployment out of rotation or put it back: the
// record says why, and an active-passive service's failover looks again.
void Run::follow_check(DeploymentId d) {
  const HealthPropagator& health = context_.health;
  const NetworkView& probe = health.probe(d);
  context_.recorder.record(
      context_.now, health.checked_out(d) ? TimelineKind::check_failed : TimelineKind::check_passed,
      d, [&](TimelineEntry& e) {
        e.packet_loss = probe.packet_loss;
        e.added_latency_ms = probe.added_latency_ms;
      });
  failover_.check(health.service_of(d));
}

// The users brought back take their share of the group's loss so far that
// is not yet put down to anything.
void Run::update_group(UserGroupId g) {
  const UserCount affected = context_.health.affected_users(g, tenants_.out_users(g));
  const UserCount before = users_.affected(g);
  if (affected == before)
    return;
  if (affected < before)
    users_back_.came_back(before - affected, credit_.acting().has_value());
  const UserTime share = users_.set_affected(g, affected);
  if (share != UserTime{})
    credit_.credit(g, share, context_.now);
}

// Accounts user-time for the interval that ends at t, and samples affected
// users and busy crews at the sampling times before t.
void Run::advance_to(SimTime t) {
  ending_.check_laid_out(t);
  if (t > context_.now) {
    users_.settle();
    users_back_.instant_ends(context_.now, users_.total_affected());
    crews_.instant_ends(steps_.runbook(), t - context_.now);
    context_.recorder.trace_health(context_.health, context_.now);
  }
  crews_.sample_before(t, steps_.runbook());
  users_.advance_to(t);
  context_.now = t;
}

void Run::finish(SimTime end) {
  users_.settle();
  context_.recorder.trace_health(context_.health, context_.now);
  advance_to(end);
  // A segment starting at the very end is an instant of the run too.
  users_.settle();
  users_back_.instant_ends(context_.now, users_.total_affected());
  users_.finish();
  context_.result->end = end;
  context_.recorder.close_states(end);
  context_.result->services_restored = services_restored(context_.result->services);
  steps_.finish();
  // Milestones of tenants back read the shares.
  tenants_.finish();
  context_.result->all_restored = all_restored(*context_.result);
  for (const Milestone& m : context_.scenario.observed)
    context_.result->observed.push_back(judge(m, *context_.result));
  crews_.finish(steps_.runbook(), steps_.batch_crew_spans(end));
}

}  // namespace faultline::detail
