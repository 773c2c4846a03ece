#include "replay/overload.hpp"

#include <algorithm>

namespace faultline::detail {

namespace {

// Only a service with an overload threshold trips, so only then is there
// anything to keep (and to reset in every run) per deployment.
std::size_t deployments_that_can_trip(const Topology& topology) {
  const bool some = std::any_of(topology.services().begin(), topology.services().end(),
                                [](const Service& s) { return s.overload.has_value(); });
  return some ? topology.deployments().size() : 0;
}

}  // namespace

Overload::Overload(RunContext& run, Estate& estate)
    : run_(run),
      estate_(estate),
      trips_(deployments_that_can_trip(run.topology)),
      fell_with_(trips_.size()),
      restarts_(trips_.size()) {}

void Overload::reset() {
  std::fill(trips_.begin(), trips_.end(), std::nullopt);
  std::fill(fell_with_.begin(), fell_with_.end(), 0);
  std::fill(restarts_.begin(), restarts_.end(), std::nullopt);
  if (run_.topology.has_restarts())
    run_.open_streams(random_, StreamPurpose::restart, trips_.size());
}

void Overload::check(DeploymentId d) {
  const auto& overload = run_.topology.service(run_.health.service_of(d)).overload;
  if (!overload)
    return;
  auto& trip = trips_[d.value];
  const bool over = run_.health.load_ratio(d) >= overload->threshold;
  if (over && !trip) {
    trip = run_.queue.schedule(run_.now + overload->after, events::OverloadTrips{d});
  } else if (!over && trip) {
    run_.queue.cancel(*trip);
    trip.reset();
  }
}

void Overload::trip(DeploymentId d) {
  trips_[d.value].reset();
  run_.recorder.record(run_.now, TimelineKind::overloaded, d);
  fell_with_[d.value] = estate_.take_down(d);
  const auto& overload = run_.topology.service(run_.health.service_of(d)).overload;
  if (!overload->restarts_after)
    return;
  // A restart still due from an earlier fall (the deployment was rebuilt
  // since) gives way to this one's.
  if (auto& due = restarts_[d.value]; due)
    run_.queue.cancel(*due);
  restarts_[d.value] =
      run_.queue.schedule(run_.now + run_.draw(*overload->restarts_after, random_, d.value),
                          events::DeploymentRestarts{d});
}

// A step that rebuilt the deployment meanwhile leaves nothing to restart.
void Overload::restart(DeploymentId d) {
  restarts_[d.value].reset();
  if (estate_.restart(d, fell_with_[d.value])) {
    run_.recorder.record(run_.now, TimelineKind::restarted, d,
                         [&](TimelineEntry& e) { e.instances = fell_with_[d.value]; });
  }
}

}  // namespace faultline::detail
