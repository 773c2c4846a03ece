#pragma once
// Overload: a deployment that stays at or above its service's overload
// threshold for the configured time falls over.

#include <algorithm>
#include <optional>
#include <vector>

#include "replay/estate.hpp"
#include "replay/run_context.hpp"

namespace faultline::detail {

class Overload {
 public:
  Overload(RunContext& run, Estate& estate)
      : run_(run), estate_(estate), trips_(run.topology.deployments().size()) {}

  void reset() { std::fill(trips_.begin(), trips_.end(), std::nullopt); }
  // The deployment's load changed: starts or stops the time to its trip.
  void check(DeploymentId d);
  // The time is over: the deployment falls over (the caller propagates).
  void trip(DeploymentId d);

 private:
  RunContext& run_;
  Estate& estate_;
  std::vector<std::optional<EventHandle>> trips_;  // by deployment, while overloaded
};

}  // namespace faultline::detail
