#pragma once
// What a run schedules on its event queue: each kind of event a small type
// that names what it refers to, so that a handler missing for one is a
// compile error rather than a silent fall-through.

#include <cstddef>
#include <variant>

#include "faultline/ids.hpp"

namespace faultline::detail {

// Something with a failure model: a deployment or a service (see FailureModels).
using FailureUnitId = Id<struct FailureUnitTag>;
// A batch of a restore-tenants step, by position in the step's batches.
using BatchId = Id<struct BatchTag>;

namespace events {

struct FaultStrikes {
  FaultId fault;
};
// An outage that lasts for a while ends by itself.
struct FaultHeals {
  FaultId fault;
};
// A cohort of an outage's consumers refreshes its cache (see
// Fault::cache_ttl): it now holds the outage's answer, or a good one again.
struct CacheCohortTurns {
  FaultId fault;
  bool holds_outage = true;
};
// A bad deploy reaches its next wave of deployments (from 2).
struct RolloutWave {
  FaultId fault;
  int wave = 0;
};
struct RunbookBegins {};
// A step's not_before has come.
struct EarliestStart {
  StepId step;
};
// The attempt at a wave (1-based; 1 for a whole step) ends.
struct AttemptEnds {
  StepId step;
  int wave = 0;
};
// The retry of a failed attempt at the wave starts.
struct RetryStarts {
  StepId step;
  int wave = 0;
};
struct UnitFails {
  FailureUnitId unit;
};
struct UnitRepaired {
  FailureUnitId unit;
};
// The demand on capacity-limited services changes in a way their health
// must see (see CapacityDemand): the calendar segment that starts.
struct DemandChanges {
  std::size_t segment = 0;
};
// An active-passive service's automatic failover notices the loss.
struct LossDetected {
  ServiceId service;
};
struct FailoverDone {
  ServiceId service;
};
// A deployment stayed at its service's overload threshold long enough.
struct OverloadTrips {
  DeploymentId deployment;
};
// A deployment that fell over restarts by itself.
struct DeploymentRestarts {
  DeploymentId deployment;
};
// One of the step's scripted failures (fails_at).
struct ScriptedFailure {
  StepId step;
};
// One of the step's hold-ups: its position in the step's hold_ups.
struct HoldUpStarts {
  StepId step;
  std::size_t hold_up = 0;
};
// One of the crew's size changes: its position in the crew's `resized`.
struct CrewResized {
  CrewId crew;
  std::size_t change = 0;
};
// The attempt at a batch of a restore-tenants step ends.
struct BatchEnds {
  StepId step;
  BatchId batch;
};
// The retry of a failed batch starts.
struct BatchRetryStarts {
  StepId step;
  BatchId batch;
};
// A method of a restore-tenants step becomes available at its time.
struct MethodArrives {
  StepId step;
};
struct RollbackDone {
  StepId step;
};
// A crew with ready steps comes on shift.
struct ShiftStarts {};

}  // namespace events

using Event = std::variant<
    events::FaultStrikes, events::FaultHeals, events::CacheCohortTurns, events::RolloutWave,
    events::RunbookBegins, events::EarliestStart, events::AttemptEnds, events::RetryStarts,
    events::UnitFails, events::UnitRepaired, events::DemandChanges, events::LossDetected,
    events::FailoverDone, events::OverloadTrips, events::DeploymentRestarts,
    events::ScriptedFailure, events::HoldUpStarts, events::CrewResized, events::BatchEnds,
    events::BatchRetryStarts, events::MethodArrives, events::RollbackDone, events::ShiftStarts>;

}  // namespace faultline::detail
