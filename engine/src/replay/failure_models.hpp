#pragma once
// Failures that happen on their own: each unit - a deployment or a service
// with a failure model - fails after a drawn time to failure and is back
// after a drawn time to repair, and fails again. Units of a service with
// limited repairers wait in its repair queue. Only sampled runs draw them.

#include <optional>
#include <vector>

#include "faultline/kernel.hpp"
#include "faultline/model.hpp"
#include "faultline/random.hpp"
#include "replay/events.hpp"
#include "replay/run_options.hpp"

namespace faultline::detail {

class FailureModels {
 public:
  struct Unit {
    const FailureModel* model;
    std::optional<DeploymentId> deployment;
    std::optional<ServiceId> service;
    // Units of one service with limited repairers share a repair pool.
    std::optional<std::size_t> repair_pool;
  };

  FailureModels(const Topology& topology, EventQueue<Event>& queue);

  // A new run: the units' streams and, in a sampled run, each unit's first
  // failure on the queue.
  void reset(const std::optional<RunSampling>& sampling);
  // The unit has failed at `now`: a repairer starts on it, or it waits.
  void fail(FailureUnitId unit, SimTime now);
  // The unit is back at `now`: its next failure is drawn, and its repairer
  // takes the next unit waiting.
  void repair(FailureUnitId unit, SimTime now);

  const Unit& unit(FailureUnitId u) const { return units_[u.value]; }

 private:
  struct RepairPool {
    int repairers = 0;
    int busy = 0;
    std::vector<FailureUnitId> queue;  // waiting units, in failure order
    std::size_t head = 0;
  };

  void start_repair(FailureUnitId unit, SimTime now);
  // A failure the instant after a repair would let a run spin at one time.
  Duration time_to_failure(FailureUnitId unit);

  EventQueue<Event>& queue_;
  std::vector<Unit> units_;
  std::vector<RepairPool> pools_;
  RandomStreams random_;  // by unit, in a sampled run
};

}  // namespace faultline::detail
