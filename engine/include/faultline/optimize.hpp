#pragma once
// The optimize strategy: a simulated-annealing search over priority lists
// for the one with the least Monte Carlo mean of user-hours lost. Every
// candidate is judged on the same runs (common random numbers), drawn from
// streams of their own, so the estimate of the order found, made afterwards
// on the usual streams, is not flattered by the search. The best of many
// candidates on the same runs is flattered on those runs: the order found
// is checked against the one it started from on as many runs again, of
// streams of their own too, and kept only if it does better there.

#include <cstdint>
#include <memory>
#include <optional>
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
  // Most urgent first, every step: the order found, or the start's when
  // the check did not confirm it.
  std::vector<StepId> order;
  StrategyKind started_from = StrategyKind::as_written;
  // Mean user-hours lost over the search's runs: of the best order found,
  // and of the heuristic it started from.
  double search_user_hours = 0;
  double start_user_hours = 0;
  unsigned evaluations = 0;
  // The same over the check's runs, when the search found an order other
  // than the start's.
  std::optional<double> check_user_hours;
  std::optional<double> check_start_user_hours;
  // `order` is the start's: the search found no other, or the one it found
  // did no better over the check's runs.
  bool kept_start = false;
  // As asked: the runs each candidate was judged on, and the seed.
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
};

// Only the order among steps of one crew matters: steps of different crews
// never compete. Throws std::invalid_argument for options out of range.
OptimizedPriority optimize_priority(const Scenario& scenario, const OptimizeOptions& options);

// The scenario with its strategy set to the priority list, and, when the
// optimize search found it, the search (Scenario::priority_search).
std::shared_ptr<const Scenario> with_priority(
    const Scenario& scenario, std::vector<StepId> order,
    std::shared_ptr<const OptimizedPriority> found_by = nullptr);

}  // namespace faultline
