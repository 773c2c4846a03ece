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
// order: a block finished before an earlier one waits here for it.
template <class Item>
class InRunOrder {
 public:
  explicit InRunOrder(const std::function<void(const Item&)>& deliver) : deliver_(deliver) {}

  void add(std::uint64_t from, std::vector<Item> items) {
    const std::lock_guard lock(mutex_);
    waiting_.emplace(from, std::move(items));
    for (auto it = waiting_.begin(); it != waiting_.end() && it->first == next_;
         it = waiting_.erase(it)) {
      for (const Item& item : it->second)
        deliver_(item);
      next_ += it->second.size();
    }
  }

 private:
  const std::function<void(const Item&)>& deliver_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::vector<Item>> waiting_;
};

}  // namespace faultline::detail
