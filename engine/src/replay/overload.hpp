#pragma once
// Overload: a deployment that stays at or above its service's overload
// threshold for the configured time falls over; where its service says so,
// it restarts by itself after a while, and falls over again while the load
// stays (a crash loop).

#include <optional>
#include <vector>

#include "replay/estate.hpp"
#include "replay/run_context.hpp"

namespace faultline::detail {

class Overload {
 public:
  Overload(RunContext& run, Estate& estate);

  void reset();
  // The deployment's load changed: starts or stops the time to its trip.
  void check(DeploymentId d);
  // The time is over: the deployment falls over (the caller propagates).
  void trip(DeploymentId d);
  // The deployment restarts with the instances it fell over with (the
  // caller propagates).
  void restart(DeploymentId d);

 private:
  RunContext& run_;
  Estate& estate_;
  // The three are empty where no service has an overload threshold.
  std::vector<std::optional<EventHandle>> trips_;  // by deployment, while overloaded
  std::vector<int> fell_with_;                     // by deployment: instances as it last fell
  std::vector<std::optional<EventHandle>> restarts_;  // by deployment, while one is due
  RandomStreams random_;  // by deployment, in a sampled run where some restart
};

}  // namespace faultline::detail
