#pragma once
// What a run records of services, users and milestones, at state and at
// network fidelity alike.

#include <optional>
#include <span>

#include "faultline/health.hpp"
#include "faultline/replay.hpp"

namespace faultline::detail {

// How the run's services and steps met an observed milestone.
MilestoneOutcome judge(const Milestone& m, const RunResult& result);

// A timeline entry of the kind about the subject, at `at`.
TimelineEntry entry_at(SimTime at, TimelineKind kind, TimelineSubject subject = {});
// Adds the time from `since` to `until` to the outcome's time in its state.
void close_state_interval(ServiceOutcome& outcome, SimTime& since, SimTime until);
// A service's health at `now`: when its state changes, closes the interval
// in the old one, notes when it first went down, first came partly back and
// last came back whole, and returns the state it left.
std::optional<ServiceState> change_state(ServiceOutcome& outcome, SimTime& since,
                                         const ServiceHealth& h, SimTime now);
// The timeline entry of service s leaving state `from` for its health.
TimelineEntry state_entry(ServiceId s, ServiceState from, const ServiceHealth& h, SimTime now);
void update_peaks(UserImpact& impact, UserCount affected, UserCount active, SimTime now);
// When a group's cut-off users fall from `before` to `after`, the users
// brought back take their share of the group's loss not yet put down to
// anything (lost minus attributed).
UserTime restored_share(UserTime lost, UserTime attributed, UserCount before, UserCount after);

// RunResult::services_restored of the services' outcomes at the end.
std::optional<SimTime> services_restored(std::span<const ServiceOutcome> services);
// RunResult::all_restored of its services_restored and tenants_peak, once
// both are set.
std::optional<SimTime> all_restored(const RunResult& result);

}  // namespace faultline::detail
