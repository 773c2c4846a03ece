#include "replay/degradations.hpp"

#include <algorithm>

namespace faultline::detail {

Degradations::Degradations(RunContext& run)
    : run_(run),
      on_(run.scenario.faults.size()),
      heals_(run.scenario.faults.size()),
      affecting_(run.topology.deployments().size()) {
  for (std::uint32_t f = 0; f < run.scenario.faults.size(); ++f) {
    const Fault& fault = run.scenario.faults[f];
    if (fault.kind != FaultKind::degradation)
      continue;
    for (const DeploymentId d : fault.deployments)
      affecting_[d.value].push_back(FaultId{f});
  }
}

void Degradations::reset() {
  std::fill(on_.begin(), on_.end(), 0);
  std::fill(heals_.begin(), heals_.end(), std::nullopt);
}

void Degradations::strike(FaultId fault, std::optional<EventHandle> heal) {
  on_[fault.value] = 1;
  heals_[fault.value] = heal;
  for (const DeploymentId d : run_.scenario.faults[fault.value].deployments)
    apply(d);
}

bool Degradations::heal(FaultId fault) {
  heals_[fault.value].reset();
  return end(fault);
}

bool Degradations::mitigate(FaultId fault) {
  if (auto& due = heals_[fault.value]; due) {
    run_.queue.cancel(*due);
    due.reset();
  }
  return end(fault);
}

bool Degradations::end(FaultId fault) {
  if (!on_[fault.value])
    return false;
  on_[fault.value] = 0;
  for (const DeploymentId d : run_.scenario.faults[fault.value].deployments)
    apply(d);
  return true;
}

void Degradations::apply(DeploymentId d) {
  Impairment left;
  for (const FaultId f : affecting_[d.value]) {
    if (on_[f.value])
      left = combined(left, run_.scenario.faults[f.value].impairment);
  }
  run_.health.set_impairment(d, left);
}

}  // namespace faultline::detail
