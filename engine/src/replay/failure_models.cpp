#include "replay/failure_models.hpp"

#include <algorithm>

namespace faultline::detail {

FailureModels::FailureModels(const Topology& topology, EventQueue<Event>& queue) : queue_(queue) {
  std::vector<std::optional<std::size_t>> pool_of_service(topology.services().size());
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (const auto repairers = topology.service(ServiceId{s}).repairers) {
      pool_of_service[s] = pools_.size();
      pools_.push_back({*repairers, 0, {}, 0});
    }
  }
  for (std::uint32_t d = 0; d < topology.deployments().size(); ++d) {
    const Deployment& deployment = topology.deployment(DeploymentId{d});
    if (deployment.failures) {
      units_.push_back({&*deployment.failures, DeploymentId{d}, std::nullopt,
                        pool_of_service[deployment.service.value]});
    }
  }
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (const auto& failures = topology.service(ServiceId{s}).failures)
      units_.push_back({&*failures, std::nullopt, ServiceId{s}, std::nullopt});
  }
}

void FailureModels::reset(const std::optional<RunSampling>& sampling) {
  for (RepairPool& pool : pools_) {
    pool.busy = 0;
    pool.queue.clear();
    pool.head = 0;
  }
  if (!sampling)
    return;
  random_.open(sampling->seed, sampling->run, StreamPurpose::failure, units_.size());
  for (std::uint32_t u = 0; u < units_.size(); ++u) {
    const FailureUnitId unit{u};
    queue_.schedule(SimTime{} + time_to_failure(unit), events::UnitFails{unit});
  }
}

Duration FailureModels::time_to_failure(FailureUnitId unit) {
  return std::max(Duration{1},
                  units_[unit.value].model->time_to_failure.sample(random_[unit.value]));
}

void FailureModels::fail(FailureUnitId unit, SimTime now) {
  const auto pool = units_[unit.value].repair_pool;
  if (!pool || pools_[*pool].busy < pools_[*pool].repairers) {
    start_repair(unit, now);
  } else {
    pools_[*pool].queue.push_back(unit);
  }
}

void FailureModels::start_repair(FailureUnitId unit, SimTime now) {
  if (const auto pool = units_[unit.value].repair_pool)
    ++pools_[*pool].busy;
  const Duration ttr = units_[unit.value].model->time_to_repair.sample(random_[unit.value]);
  queue_.schedule(now + ttr, events::UnitRepaired{unit});
}

void FailureModels::repair(FailureUnitId unit, SimTime now) {
  queue_.schedule(now + time_to_failure(unit), events::UnitFails{unit});
  if (const auto pool = units_[unit.value].repair_pool) {
    RepairPool& p = pools_[*pool];
    --p.busy;
    if (p.head < p.queue.size())
      start_repair(p.queue[p.head++], now);
  }
}

}  // namespace faultline::detail
