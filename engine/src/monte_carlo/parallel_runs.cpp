#include "monte_carlo/parallel_runs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace faultline::detail {

void parallel_runs(std::uint64_t first, std::uint64_t end, std::size_t workers,
                   const std::function<void(std::size_t, std::uint64_t, std::uint64_t)>& block) {
  std::atomic<std::uint64_t> next{first};
  const auto work = [&](std::size_t w) {
    while (true) {
      const std::uint64_t from = next.fetch_add(kBlock);
      if (from >= end)
        return;
      block(w, from, std::min(from + kBlock, end));
    }
  };
  std::vector<std::exception_ptr> failures(workers);
  {
    std::vector<std::jthread> helpers;
    for (std::size_t w = 1; w < workers; ++w) {
      helpers.emplace_back([&, w] {
        try {
          work(w);
        } catch (...) {
          failures[w] = std::current_exception();
          next = end;
        }
      });
    }
    try {
      work(0);
    } catch (...) {
      failures[0] = std::current_exception();
      next = end;
    }
  }
  for (const auto& failure : failures) {
    if (failure)
      std::rethrow_exception(failure);
  }
}

}  // namespace faultline::detail
