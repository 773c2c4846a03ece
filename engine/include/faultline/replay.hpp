#pragma once
// One deterministic run of a scenario: faults, runbook, health, and the
// figures users care about.

#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "faultline/health.hpp"
#include "faultline/model.hpp"

namespace faultline {

enum class TimelineKind {
  fault,
  fault_healed,  // an outage that lasts for a while ended by itself
  rollout_wave,  // a bad deploy reaches more deployments
  step_started,
  step_wave,
  step_work_done,  // the work is done, the verification gate not yet open
  step_completed,
  step_attempt_failed,   // an attempt failed; a retry follows unless none is left
  step_retry,            // a retry of the failed attempt starts
  step_next_method,      // a method gave up; the next one starts
  step_skipped,          // its condition did not hold
  step_failed,           // the last attempt failed
  step_rolled_back,      // after failing, its rollback is done
  batch_done,            // a batch of a restore-tenants step brought its tenants back
  batch_attempt_failed,  // an attempt at a batch failed
  batch_retry,           // a retry of the failed batch starts
  batch_next_method,     // a method gave up on a batch; the next one takes it
  batch_gave_up,         // a batch's last attempt failed: its tenants stay out
  batch_skipped,         // none of a batch's tenants was still out as its turn came
  batch_handed_over,     // a method that arrived takes a batch under way over
  crew,                  // how many of a crew's members are busy changed
  failover_begins,       // an active-passive service's loss was noticed
  failover_done,
  failover_failed,
  overloaded,    // a deployment fell over under load
  restarted,     // a deployment that fell over restarted by itself
  check_failed,  // a deployment's health check failed: out of rotation
  check_passed,  // a deployment's health check passes again: back in rotation
  service_state,
  users,
};

// What a timeline entry is about, as its kind says: the fault (fault,
// fault_healed, rollout_wave), step (step_*), service (failover_*,
// service_state), deployment (overloaded, restarted, check_*) or crew (crew); nothing
// for users.
using TimelineSubject =
    std::variant<std::monostate, FaultId, StepId, ServiceId, DeploymentId, CrewId>;

struct TimelineEntry {
  SimTime at;
  TimelineKind kind = TimelineKind::fault;
  TimelineSubject subject;
  // The subject, for a kind about one; std::bad_variant_access otherwise.
  FaultId fault() const { return std::get<FaultId>(subject); }
  StepId step() const { return std::get<StepId>(subject); }
  ServiceId service() const { return std::get<ServiceId>(subject); }
  DeploymentId deployment() const { return std::get<DeploymentId>(subject); }
  CrewId crew() const { return std::get<CrewId>(subject); }
  // failover_done: the deployment now serving.
  DeploymentId serving_from;
  // fault, rollout_wave: instances taken down; restarted: instances back.
  int instances = 0;
  // step_wave: the wave just finished, of waves; step_attempt_failed,
  // step_retry: the wave tried; rollout_wave: the wave.
  int wave = 0;
  int waves = 0;
  // step_attempt_failed, step_retry: the step's attempt (from 1), counting
  // every wave and retry, and whether it failed as scripted (fails_at).
  int attempt = 0;
  bool scripted = false;
  // step_next_method: the method that starts; step_retry: the method
  // retried; by position in Step::methods.
  std::size_t method = 0;
  // batch_*: the batch (from 1) of the step's batches, its tenants and
  // their users; batch_done: those it brought back (none, when every one
  // came back meanwhile, as a fault healed). fault (an outage of tenants),
  // fault_healed: the tenants it took out or gave back.
  int batch = 0;
  int batches = 0;
  // batch_next_method, batch_handed_over: the method the batch had.
  std::size_t previous_method = 0;
  int tenants = 0;
  UserCount users;
  // crew: members busy now, of its size.
  int busy = 0;
  int size = 0;
  // service_state: what the service serves; fault_healed: the capability
  // its service gets back (it may serve less, for other reasons).
  ServiceState from = ServiceState::operational;
  ServiceState to = ServiceState::operational;
  double served_fraction = 1.0;
  // check_failed, check_passed: the share of the deployment's probes lost
  // and the latency they met (see HealthCheck).
  double packet_loss = 0.0;
  double added_latency_ms = 0.0;
  // users, after this instant across all groups: registered users cut off,
  // and those of them active now.
  UserCount affected;
  UserCount active;
};

struct ServiceOutcome {
  Duration down;      // in major outage
  Duration partial;   // in partial outage: serving some of its users
  Duration degraded;  // in degraded performance: serving all of them, slowed
  std::optional<SimTime> first_down;
  // When it first left major outage after going down.
  std::optional<SimTime> partly_restored_at;
  // When it last came back to serving everything; empty if it never lost
  // anything or had not come back by the end.
  std::optional<SimTime> restored_at;
  ServiceState final_state = ServiceState::operational;
};

struct StepOutcome {
  // When its predecessors were all done (at the runbook's start, for a step
  // without any): from then on only its earliest start, a crew or a shift
  // could hold it. Empty when a predecessor never finished.
  std::optional<SimTime> released;
  std::optional<SimTime> started;
  // A step with a verification gate: when its work was done, from which it
  // waited for the gate to open.
  std::optional<SimTime> work_done;
  std::optional<SimTime> completed;
  // When its crew was free of it: at completion, at the end of the work
  // before a verification gate, or after giving up (and rolling back).
  std::optional<SimTime> crew_freed;
  bool failed = false;  // gave up after its last retry
  // When it was skipped: its condition did not hold once it was ready.
  std::optional<SimTime> skipped;
  bool rolled_back = false;
  int attempts = 0;  // waves or whole-step attempts, counting retries
  // Its method under way when it stopped (completed, gave up or the run
  // ended), by position in Step::methods; for a restore-tenants step, that
  // of its last batch to give up or, with none given up, to be over.
  std::size_t method = 0;
  // The user-time that the users it brought back had lost until then: when
  // a group's cut-off users fall by a share, that share of the group's loss
  // not yet put down to anything goes to the cause.
  UserTime restored_loss;
  // A restore-tenants step, with the timeline only, for the Waits
  // (stalls.hpp): when each batch held its members, from its start until
  // it was over, in the order the batches were over; and the stretches in
  // which a batch was ready to start but the crew did not give it its
  // members, on shift or off, in time order. Those under way at the end
  // end there.
  std::vector<std::pair<SimTime, SimTime>> batches_held;
  std::vector<std::pair<SimTime, SimTime>> batch_member_waits;
  // Registered users no longer cut off over the instants at which it
  // completed or finished a wave (at network fidelity, over the first
  // network step from then): each such drop counts in full for every step
  // that made progress then.
  UserCount users_back;
};

// done, skipped, rolled_back, failed, unfinished (started, not ended) or
// not_started.
std::string_view outcome_name(const StepOutcome& o);

struct CrewOutcome {
  Duration busy;  // time spent on steps, summed over its members
  int peak_busy = 0;
  // Of that, the time its members spent on steps beyond its size: members
  // kept on a step past a cut of the crew.
  Duration beyond_size;
  // The member-time it had on hand in the runbook's span (see
  // runbook_span_end): its size as resized (crew_on_hand), and beyond it
  // the members kept on, so that it is never less than busy.
  Duration on_hand;

  // Busy over on hand, at most 1; nothing when it had no one on hand.
  std::optional<double> utilisation() const {
    if (on_hand.ms <= 0)
      return std::nullopt;
    return static_cast<double>(busy.ms) / static_cast<double>(on_hand.ms);
  }
};

// From sampling time `sample` (by position among the sampling times) on,
// `crew` has `change` more members busy than at the sampling time before.
struct CrewBusyChange {
  std::uint32_t sample = 0;
  CrewId crew;
  int change = 0;
};

struct UserImpact {
  // Registered users cut off at worst, whether or not they were active.
  UserCount peak_affected;
  SimTime peak_at;
  // Users active at the time and cut off, at worst.
  UserCount peak_active;
  SimTime peak_active_at;
  // Active users cut off, over time.
  UserTime lost;
  // Registered users still cut off when the run ended: their loss goes on
  // past what `lost` counts.
  UserCount cut_off_at_end;
};

struct MilestoneOutcome {
  std::optional<SimTime> simulated;
  // Simulated minus observed; 0 when a "by" deadline is met. Empty when the
  // simulated event never happened.
  std::optional<Duration> difference;
  bool met = false;  // see milestone_met
};

// Whether an event simulated at `simulated` meets the milestone: within
// its tolerance of the time for `at`, by the time plus it for `by`.
bool milestone_met(const Milestone& m, SimTime simulated);

// A run that could not be carried to its end because of what the scenario
// asks: what() says where it stopped and what to change.
class UnfinishedRun : public std::range_error {
 public:
  using std::range_error::range_error;
};

// A run went on past Topology::longest_countable, where its users' loss
// can no longer be counted exactly: what() says how far and what to do.
class UncountableRun : public UnfinishedRun {
 public:
  using UnfinishedRun::UnfinishedRun;
};

// Events kept coming at one instant, far more than anything in the scenario
// makes there unless it repeats without end (see Standstill): what() says
// when, and the last of them.
class TimeStoodStill : public UnfinishedRun {
 public:
  using UnfinishedRun::UnfinishedRun;
};

// After a change at `at`: tenants out on some per-tenant service, and
// their users; and of the most tenants out at once in the run, and of the
// most users of tenants out at once, the share back (0 until that many
// were out).
struct TenantsOut {
  SimTime at;
  int tenants = 0;
  UserCount users;
  double tenants_back = 0;
  double users_back = 0;
};

// From `at` on, `tenants` of the group, with `users` users, are out on
// some per-tenant service.
struct GroupTenantsOut {
  SimTime at;
  UserGroupId group;
  int tenants = 0;
  UserCount users;
};

// Of a run's tenants_out: the most tenants out at once and the most users
// of tenants out at once (each at its own worst), and when none was out any
// more; empty while some still were at the end, or when none went out.
struct TenantsPeak {
  int tenants = 0;
  UserCount users;
  std::optional<SimTime> all_back;
};

// From `at` on (after everything at that instant), the service serves this
// share of what is asked of it.
struct ServedChange {
  SimTime at;
  ServiceId service;
  double served_fraction = 1.0;
};

// A step completed, or finished one wave of several, at `at`.
struct StepProgress {
  SimTime at;
  StepId step;
};

struct RunResult {
  SimTime end;
  std::vector<TimelineEntry> timeline;
  std::vector<ServiceOutcome> services;  // by ServiceId
  std::vector<StepOutcome> steps;        // by StepId
  std::vector<CrewOutcome> crews;        // by CrewId
  std::vector<UserImpact> user_groups;   // by UserGroupId
  UserImpact overall;
  // Of overall.lost, what users brought back by something other than a step
  // (a fault that healed, an automatic failover, a repair, a restart after
  // an overload, demand falling below capacity) had lost; what neither this
  // nor the steps account for was lost by users still cut off at the end.
  UserTime restored_loss_otherwise;
  std::vector<MilestoneOutcome> observed;  // by position in scenario.observed
  // Active users cut off across all groups at each requested sampling time
  // (after the events at that instant); empty unless sampling times were given.
  std::vector<UserCount> sampled_active;
  // The busy members of each crew at the sampling times, as the changes
  // from one to the next (from none before the first), in the order of the
  // sampling times: a crew's members at a time are its changes up to it,
  // summed. Kept as changes because they are few and the times many.
  std::vector<CrewBusyChange> sampled_busy_changes;
  // When every service that lost anything served everyone again: the last
  // ServiceOutcome::restored_at, T0 when none lost anything; empty when one
  // still served less than everyone at the end. Tenants out on a service
  // do not show in its state.
  std::optional<SimTime> services_restored;
  // When everything lost was back: every service serving everyone again
  // and, where tenants went out, the last of them back (the later of
  // services_restored and tenants_peak.all_back); empty when either was
  // not by the end. Reports, comparisons and rare events read it here.
  std::optional<SimTime> all_restored;
  // A fault, rollout wave, cache turn, unit failure, overload or the
  // rollback of a step's waves was still to strike when the run ended, at
  // its horizon: had it gone on, more users could have been cut off.
  // Comparisons read it (unequal_windows).
  bool strikes_to_come = false;
  // Every step completion and finished wave of an enable-in-waves step, in
  // the order they happened (the timeline's step_completed and step_wave):
  // network fidelity puts the users it brings back down to them.
  std::vector<StepProgress> progress;
  // Tenants out, from the first change on: one entry per instant at which
  // their count or their users changed. Empty when none went out.
  std::vector<TenantsOut> tenants_out;
  TenantsPeak tenants_peak;
  // The same group by group, one entry per instant at which a group's users
  // of tenants out changed, in time order: network fidelity adds them to
  // the users its requests cut off.
  std::vector<GroupTenantsOut> group_tenants_out;
  // A service's share served from each instant at which it changed, in
  // time order (every service serves everything before its first entry; a
  // share that came back within one instant leaves an entry of the same
  // share): recorded with the timeline, and in Monte Carlo runs judged
  // against SLOs (slo.hpp).
  std::vector<ServedChange> served_changes;
};

// The nominal run: scripted faults, every duration at its median, each
// sequence of attempts at its median outcome, no failures drawn from failure
// models. A step that succeeds with probability p per attempt takes the
// median number of attempts of the geometric law, the least n with
// (1 - p)^n <= 1/2 (1 for p >= 1/2), and gives up if its retries run out
// first; a failover, which is tried once, succeeds when p >= 1/2.
RunResult replay(const Scenario& scenario);

// The runbook's span in a run: from T0 until the last crew member was free
// of its step, or the run's end for a step that still held one.
SimTime runbook_span_end(const RunResult& run);
// When the step was over in the run: when it completed, or gave up (its
// crew free of it, any rollback done); one still under way at the end ends
// then. Nothing for a step that never started, or was skipped.
std::optional<SimTime> step_ended(const RunResult& run, StepId s);
// From its start to step_ended; nothing where that is nothing.
std::optional<Duration> step_span(const RunResult& run, StepId s);
// The member-time the crew had from T0 until `until`: its size, as its
// `resized` entries change it, times the time, on shift or off.
Duration crew_on_hand(const Crew& crew, SimTime until);

// Of run.overall.lost, what users still cut off at the end had lost: what
// neither the steps' restored_loss nor restored_loss_otherwise accounts
// for, so that the three add up to the whole.
UserTime loss_still_cut_off(const RunResult& run);

// The steps that never started and were not skipped, in runbook order: a
// run with any did not finish its runbook.
std::vector<StepId> steps_never_started(const RunResult& run);

// The chain of steps that set when the runbook finished, first step first:
// from the step that ended last (one still running at the end ends then),
// back through what each waited for - for a step held by its verification
// gate, the step that completed as the gate opened; otherwise the
// predecessor that completed as it started or, failing that, the step of its
// crew that freed a member then -
// to a step that started at the beginning or at its earliest start. Empty
// when no step started. Where several steps ended last, the first of them
// in runbook order; critical_paths gives each.
std::vector<StepId> critical_path(const Scenario& scenario, const RunResult& result);
// One chain as critical_path's from each step that ended last, in runbook
// order: several where they tied (two crews done at the same instant), and
// speeding up a step on one alone then ends the runbook no sooner.
std::vector<std::vector<StepId>> critical_paths(const Scenario& scenario, const RunResult& result);
// Every step on one of critical_paths, into `steps` (in no set order),
// with `last` as scratch: Monte Carlo's criticality counts a step on any.
void critical_steps(const Scenario& scenario, const RunResult& result,
                    std::vector<std::uint32_t>& last, std::vector<StepId>& steps);

}  // namespace faultline
