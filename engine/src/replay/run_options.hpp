#pragma once
// What a run is asked to do: draw from which streams, record what, sample
// when. Shared by the run and its parts.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "faultline/health.hpp"
#include "faultline/time.hpp"
#include "replay/stretched_draws.hpp"

namespace faultline::detail {

// Which random streams a run draws from; absent for the nominal run.
struct RunSampling {
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  // Importance sampling's stretches (stretched_draws.hpp); at 1 each, the
  // scenario's own law drawn as importance sampling draws, every weight 1.
  const StretchPlan* stretch = nullptr;
};

struct RunOptions {
  std::optional<RunSampling> sampling;
  bool record_timeline = false;
  // Records RunResult::served_changes (always with the timeline).
  bool record_served = false;
  // Sorted times at which to sample affected users.
  std::span<const SimTime> sample_times;
  // When set, receives the health inputs at T0 and after every instant
  // that changed them.
  std::vector<HealthChange>* health_trace = nullptr;
};

}  // namespace faultline::detail
