#include "replay/outcomes.hpp"

#include <algorithm>
#include <cmath>

namespace faultline::detail {

TimelineEntry entry_at(SimTime at, TimelineKind kind, TimelineSubject subject) {
  TimelineEntry e;
  e.at = at;
  e.kind = kind;
  e.subject = subject;
  return e;
}

void close_state_interval(ServiceOutcome& outcome, SimTime& since, SimTime until) {
  const Duration span = until - since;
  switch (outcome.final_state) {
    case ServiceState::major_outage:
      outcome.down += span;
      break;
    case ServiceState::partial_outage:
      outcome.partial += span;
      break;
    case ServiceState::degraded_performance:
      outcome.degraded += span;
      break;
    case ServiceState::operational:
      break;
  }
  since = until;
}

std::optional<ServiceState> change_state(ServiceOutcome& outcome, SimTime& since,
                                         const ServiceHealth& h, SimTime now) {
  const ServiceState to = h.state();
  const ServiceState from = outcome.final_state;
  if (to == from)
    return std::nullopt;
  const bool serves_all = fully_served(h.served_fraction);
  close_state_interval(outcome, since, now);
  if (to == ServiceState::major_outage && !outcome.first_down)
    outcome.first_down = now;
  if (from == ServiceState::major_outage && !outcome.partly_restored_at)
    outcome.partly_restored_at = now;
  if (serves_all && !serves_everyone(from))
    outcome.restored_at = now;
  if (!serves_all)
    outcome.restored_at.reset();
  outcome.final_state = to;
  return from;
}

TimelineEntry state_entry(ServiceId s, ServiceState from, const ServiceHealth& h, SimTime now) {
  TimelineEntry entry = entry_at(now, TimelineKind::service_state, s);
  entry.from = from;
  entry.to = h.state();
  entry.served_fraction = h.served_fraction;
  return entry;
}

void update_peaks(UserImpact& impact, UserCount affected, UserCount active, SimTime now) {
  if (affected > impact.peak_affected) {
    impact.peak_affected = affected;
    impact.peak_at = now;
  }
  if (active > impact.peak_active) {
    impact.peak_active = active;
    impact.peak_active_at = now;
  }
}

// In whole numbers where the product p is below 2^63, and otherwise in
// long double, as it always was. The two agree there: p is exact in long
// double's 64-bit mantissa, and its quotient x = p / before, rounded once,
// moves by at most x * 2^-64 < 1/(2 before), while x lies at least
// 1/(2 before) from any half it is not on; so both round it to the same
// whole number (halves away from zero). Whole numbers spare a run an x87 division and
// a call to llroundl for each group whose users come back.
UserTime restored_share(UserTime lost, UserTime attributed, UserCount before, UserCount after) {
  const std::int64_t unattributed = lost.user_ms - attributed.user_ms;
  const std::int64_t back = (before - after).value;
  std::int64_t product = 0;
  if (unattributed >= 0 && back >= 0 && before.value > 0 &&
      !__builtin_mul_overflow(unattributed, back, &product)) {
    const std::int64_t whole = product / before.value;
    const std::int64_t rest = product % before.value;
    return UserTime{whole + (rest >= before.value - rest ? 1 : 0)};
  }
  return UserTime{static_cast<std::int64_t>(
      std::llround(static_cast<long double>(unattributed) * static_cast<long double>(back) /
                   static_cast<long double>(before.value)))};
}

namespace {

// When the share first came back; within rounding of the shares.
std::optional<SimTime> share_back_at(const Milestone& m, std::span<const TenantsOut> out) {
  for (const TenantsOut& o : out) {
    const double back = m.event == MilestoneEvent::tenants_back ? o.tenants_back : o.users_back;
    if (back >= *m.share - 1e-12)
      return o.at;
  }
  return std::nullopt;
}

// The same for one group's tenants: shares of the most of them out at
// once, counted from when that many were out, as TenantStates::finish.
std::optional<SimTime> group_share_back_at(const Milestone& m,
                                           std::span<const GroupTenantsOut> out) {
  const auto of_group = [&](const GroupTenantsOut& o) { return o.group == *m.group; };
  const bool by_tenants = m.event == MilestoneEvent::tenants_back;
  const auto count = [&](const GroupTenantsOut& o) {
    return by_tenants ? static_cast<double>(o.tenants) : static_cast<double>(o.users.value);
  };
  double most = 0;
  for (const GroupTenantsOut& o : out)
    most = of_group(o) ? std::max(most, count(o)) : most;
  bool peaked = false;
  for (const GroupTenantsOut& o : out) {
    if (!of_group(o))
      continue;
    peaked = peaked || count(o) == most;
    if (peaked && most > 0 && 1.0 - count(o) / most >= *m.share - 1e-12)
      return o.at;
  }
  return std::nullopt;
}

}  // namespace

MilestoneOutcome judge(const Milestone& m, const RunResult& result) {
  MilestoneOutcome outcome;
  switch (m.event) {
    case MilestoneEvent::service_down:
      outcome.simulated = result.services[m.service->value].first_down;
      break;
    case MilestoneEvent::service_partly_restored:
      outcome.simulated = result.services[m.service->value].partly_restored_at;
      break;
    case MilestoneEvent::service_restored:
      outcome.simulated = result.services[m.service->value].restored_at;
      break;
    case MilestoneEvent::step_started:
      outcome.simulated = result.steps[m.step->value].started;
      break;
    case MilestoneEvent::step_completed:
      outcome.simulated = result.steps[m.step->value].completed;
      break;
    case MilestoneEvent::tenants_back:
    case MilestoneEvent::tenant_users_back:
      outcome.simulated = m.group ? group_share_back_at(m, result.group_tenants_out)
                                  : share_back_at(m, result.tenants_out);
      break;
  }
  if (!outcome.simulated)
    return outcome;
  const Duration diff = *outcome.simulated - m.time;
  outcome.difference = m.timing == MilestoneTiming::by && diff.ms <= 0 ? Duration{} : diff;
  outcome.met = milestone_met(m, *outcome.simulated);
  return outcome;
}

std::optional<SimTime> services_restored(std::span<const ServiceOutcome> services) {
  SimTime last{};
  for (const ServiceOutcome& s : services) {
    if (!serves_everyone(s.final_state))
      return std::nullopt;
    if (s.restored_at)
      last = std::max(last, *s.restored_at);
  }
  return last;
}

std::optional<SimTime> all_restored(const RunResult& result) {
  const TenantsPeak& tenants = result.tenants_peak;
  if (!result.services_restored || tenants.tenants == 0)
    return result.services_restored;
  if (!tenants.all_back)
    return std::nullopt;
  return std::max(*result.services_restored, *tenants.all_back);
}

}  // namespace faultline::detail
