#include "monte_carlo/parallel_runs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "faultline/monte_carlo.hpp"

namespace faultline::detail {

void check_runs_and_threads(std::uint64_t runs, unsigned threads) {
  if (runs < 1 || runs > kMostRuns) {
    throw std::invalid_argument(
        fmt::format("the number of runs must be between 1 and {}, found {}", kMostRuns, runs));
  }
  if (threads < 1 || threads > 256) {
    throw std::invalid_argument(
        fmt::format("threads must be between 1 and 256, found {}", threads));
  }
}

std::uint64_t parallel_runs(
    std::uint64_t first, std::uint64_t end, std::size_t workers,
    const std::function<void(std::size_t, std::uint64_t, std::uint64_t)>& block,
    const std::atomic<bool>* stop, const std::function<void(std::uint64_t)>& progress) {
  std::atomic<std::uint64_t> next{first};
  const auto handed_out = [&] { return std::min(next.load(), end); };
  // Every block taken below `end` is made, so the runs made are a prefix.
  const auto work = [&](std::size_t w) {
    while (!(stop && stop->load())) {
      const std::uint64_t from = next.fetch_add(kBlock);
      if (from >= end)
        return;
      block(w, from, std::min(from + kBlock, end));
    }
  };
  std::vector<std::exception_ptr> failures(workers);
  // Reports every kProgressEvery and once all are done; a report that throws
  // stops the runs as a worker's failure does.
  std::exception_ptr report_failed;
  const auto report = [&] {
    if (!progress || report_failed)
      return;
    try {
      progress(handed_out());
    } catch (...) {
      report_failed = std::current_exception();
      next = end;
    }
  };
  std::mutex mutex;
  std::condition_variable finished_one;
  std::size_t finished = 0;
  // Every worker is a thread of its own, the caller only waits: glibc gives
  // each new thread its own heap (up to 8 per core), so what a worker
  // allocates and then writes run after run never shares a cache line with
  // the scenario, which sits in the caller's heap and which every worker
  // reads. Worker 0 on the caller's thread made 2 threads only 1.18 times as
  // fast as one on the Webex scenario; apart, 1.78 times.
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        try {
          work(w);
        } catch (...) {
          failures[w] = std::current_exception();
          next = end;
        }
        const std::lock_guard lock(mutex);
        ++finished;
        finished_one.notify_one();
      });
    }
    std::unique_lock lock(mutex);
    while (!finished_one.wait_for(lock, kProgressEvery, [&] { return finished == workers; })) {
      lock.unlock();
      report();
      lock.lock();
    }
  }
  for (const auto& failure : failures) {
    if (failure)
      std::rethrow_exception(failure);
  }
  report();
  if (report_failed)
    std::rethrow_exception(report_failed);
  return handed_out();
}

}  // namespace faultline::detail
