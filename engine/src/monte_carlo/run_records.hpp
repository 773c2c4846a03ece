#pragma once
// Each run's record, as simulate and compare hand them out, and the order
// they are handed out in: run order, whatever the thread count.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"

namespace faultline::detail {

RunRecord record_of(const Scenario& scenario, const RunResult& run, std::uint64_t index);

// Hands the items of each block of runs to `deliver` one at a time, in run
// order: a block finished before an earlier one waits here for it. A block
// is taken out before it is delivered, so a `deliver` that throws (the
// error goes on to parallel_runs) never hands an item over twice.
template <class Item>
class InRunOrder {
 public:
  // The first run handed out is run `first`.
  explicit InRunOrder(std::function<void(const Item&)> deliver, std::uint64_t first = 0)
      : deliver_(std::move(deliver)), next_(first) {}

  void add(std::uint64_t from, std::vector<Item> items) {
    const std::lock_guard lock(mutex_);
    waiting_.emplace(from, std::move(items));
    while (!waiting_.empty() && waiting_.begin()->first == next_) {
      const std::vector<Item> block = std::move(waiting_.begin()->second);
      waiting_.erase(waiting_.begin());
      next_ += block.size();
      for (const Item& item : block)
        deliver_(item);
    }
  }

 private:
  const std::function<void(const Item&)> deliver_;
  std::mutex mutex_;
  std::uint64_t next_;
  std::map<std::uint64_t, std::vector<Item>> waiting_;
};

}  // namespace faultline::detail
