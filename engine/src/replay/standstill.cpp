#include "replay/standstill.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace faultline::detail {

namespace {

// What each kind of event is, by its place in Event, before what it is about.
constexpr std::array<std::string_view, std::variant_size_v<Event>> kEventWords = {
    "the strike of",
    "the end of",
    "a cache cohort's turn in",
    "a rollout wave of",
    "the runbook's beginning",
    "the earliest start of",
    "the end of an attempt at",
    "the retry of",
    "the failure of",
    "the repair of",
    "a change of demand",
    "failover noticing the loss of",
    "the end of failover for",
    "the overload of",
    "the restart of",
    "a scripted failure of",
    "a hold-up of",
    "a change of size of",
    "the end of a batch of",
    "the retry of a batch of",
    "the arrival of a method of",
    "the end of the rollback of",
    "the start of a crew's shift",
};
// A kind of event added without its words leaves an empty one.
static_assert(std::ranges::none_of(kEventWords, [](std::string_view w) { return w.empty(); }));

// Where the limit lies: a million at least, as a run of a small scenario
// meets a loop soon enough; ten million at most, as a replay keeps some
// 150 bytes of timeline per event at one instant, and the loop that grew
// one to 19 GB before it died was some 10^8 events.
constexpr std::uint64_t kLeastLimit = 1'000'000;
constexpr std::uint64_t kMostLimit = 10'000'000;

// The events a wave or batch of a step makes at one instant by a method:
// an attempt's end and a retry, each time it is tried there, which is its
// retries and the first at most, or, retried without limit, once (the
// loader refuses retries without limit where no time passes; one whose
// delay is 0 only at times repeats at an instant now and then).
std::uint64_t attempt_events_at_one_instant(const Method& m) {
  return 2 * (m.retries == kUnlimitedRetries ? 1 : static_cast<std::uint64_t>(m.retries) + 1);
}

// A step's waves, or its batches (a tenant each at most).
std::uint64_t parts_of(const Step& step, const Topology& topology) {
  if (step.batches && step.service)
    return std::max<std::size_t>(topology.tenants_on(*step.service).size(), 1);
  return std::max<std::size_t>(step.wave_plan.size(), static_cast<std::size_t>(step.waves));
}

}  // namespace

// Each thing of the scenario makes a few events at one instant - a fault
// strikes, heals, turns its cohorts, takes its rollout's deployments; a
// service's loss is noticed and failed over; a deployment trips and
// restarts; a unit fails and is repaired; a step starts, fails, holds up,
// rolls back - and each wave or batch of a step its attempts by each
// method. Eight times that leaves room for all of them at once: only a
// loop gets past it, within the least and most limits above.
std::uint64_t most_events_at_one_instant(const Scenario& scenario) {
  const Topology& topology = *scenario.topology;
  std::uint64_t things = scenario.faults.size() + topology.services().size() +
                         topology.deployments().size() + topology.tenants().size();
  for (const Crew& crew : scenario.crews)
    things += crew.resized.size();
  for (const Fault& fault : scenario.faults) {
    things += fault.tenants.size() + fault.deployments.size();
    if (fault.cache_ttl)
      things += 2 * kCacheCohorts;
  }
  for (const Step& step : scenario.steps) {
    things += 2 + step.hold_ups.size() + step.fails_at.size();
    const std::uint64_t parts = parts_of(step, topology);
    for (const Method& m : step.methods)
      things += parts * attempt_events_at_one_instant(m);
  }
  return std::clamp<std::uint64_t>(8 * things, kLeastLimit, kMostLimit);
}

Standstill::Standstill(const Scenario& scenario, const FailureModels& failures)
    : scenario_(scenario), failures_(failures), limit_(most_events_at_one_instant(scenario)) {}

void Standstill::stop(const Event& event) const {
  throw TimeStoodStill(fmt::format(
      "time stood still at T0+{} ({}): a run met more than {} events at that instant, the last of "
      "them {}; "
      "something in the scenario happens again and again there without time passing (an "
      "attempt, a retry or a repair that takes no time): give it a time above 0",
      format_duration(instant_.since_t0()), scenario_.clock.local_text(instant_), limit_,
      describe(event)));
}

std::string Standstill::describe(const Event& event) const {
  const std::string_view words = kEventWords[event.index()];
  const std::string about = std::visit(
      [this](const auto& e) -> std::string {
        const Topology& topology = *scenario_.topology;
        if constexpr (requires { e.step; })
          return "step '" + scenario_.steps[e.step.value].id + "'";
        else if constexpr (requires { e.fault; })
          return "fault '" + scenario_.faults[e.fault.value].id + "'";
        else if constexpr (requires { e.service; })
          return "service '" + topology.service(e.service).id + "'";
        else if constexpr (requires { e.deployment; })
          return deployment(e.deployment);
        else if constexpr (requires { e.crew; })
          return "crew '" + scenario_.crews[e.crew.value].id + "'";
        else if constexpr (requires { e.unit; }) {
          const FailureModels::Unit& unit = failures_.unit(e.unit);
          return unit.deployment ? deployment(*unit.deployment)
                                 : "service '" + topology.service(*unit.service).id + "'";
        } else {
          return {};
        }
      },
      event);
  return about.empty() ? std::string(words) : fmt::format("{} {}", words, about);
}

std::string Standstill::deployment(DeploymentId d) const {
  return "deployment '" + scenario_.topology->deployment(d).id + "'";
}

}  // namespace faultline::detail
