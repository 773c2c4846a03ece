#pragma once
// The optimize strategy: a simulated-annealing search over priority lists
// for the one with the least Monte Carlo mean of user-hours lost. Every
// candidate is judged on the same runs (common random numbers), drawn from
// streams of their own, so the estimate of the order found, made afterwards
// on the usual streams, is not flattered by the search.

#include <cstdint>
#include <memory>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

struct OptimizeOptions {
  std::uint64_t runs = 200;    // per candidate
  unsigned evaluations = 300;  // candidates judged, the starting ones included
  unsigned threads = 1;
  std::uint64_t seed = 1;
};

struct OptimizedPriority {
  std::vector<StepId> order;  // most urgent first, every step
  StrategyKind started_from = StrategyKind::as_written;
  // Mean user-hours lost over the search's runs: of the order found, and of
  // the heuristic it started from.
  double search_user_hours = 0;
  double start_user_hours = 0;
  unsigned evaluations = 0;
};

// Only the order among steps of one crew matters: steps of different crews
// never compete. Throws std::invalid_argument for options out of range.
OptimizedPriority optimize_priority(const Scenario& scenario, const OptimizeOptions& options);

// The scenario with its strategy set to the priority list.
std::shared_ptr<const Scenario> with_priority(const Scenario& scenario, std::vector<StepId> order);

}  // namespace faultline
