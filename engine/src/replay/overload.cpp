#include "replay/overload.hpp"

namespace faultline::detail {

void Overload::check(DeploymentId d) {
  const auto& overload = run_.topology.service(run_.topology.deployment(d).service).overload;
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
  estate_.take_down(d);
}

}  // namespace faultline::detail
