#pragma once
// Degradations on deployments (packet loss, added latency, lost capacity):
// which are on, and what all of them together leave of each deployment,
// which goes to health at once; the caller propagates. Health checks and
// load then decide what the degradation costs (see HealthCheck).

#include <optional>
#include <vector>

#include "replay/run_context.hpp"

namespace faultline::detail {

class Degradations {
 public:
  explicit Degradations(RunContext& run);

  void reset();
  // Its deployments take its impairment, on top of any other on them;
  // `heal` is its end by itself, when it lasts.
  void strike(FaultId fault, std::optional<EventHandle> heal);
  // It lasted out; returns whether it was still on.
  bool heal(FaultId fault);
  // A step ends it, and its end by itself is called off; returns whether
  // it was still on.
  bool mitigate(FaultId fault);

 private:
  bool end(FaultId fault);
  void apply(DeploymentId d);

  RunContext& run_;
  std::vector<char> on_;                           // by fault
  std::vector<std::optional<EventHandle>> heals_;  // by fault, while one is due
  std::vector<std::vector<FaultId>> affecting_;    // by deployment: the degradations on it
};

}  // namespace faultline::detail
