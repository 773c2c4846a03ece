// How runs are spread over threads (engine/src/monte_carlo/parallel_runs):
// every block made once, the caller told how far the runs are from its own
// thread, and a worker's or a report's failure brought back to it.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "monte_carlo/parallel_runs.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

// The first block waits until the caller has reported progress, so a
// report must come while runs are under way, whatever the machine's speed.
TEST(ParallelRuns, TellsTheCallerHowFarTheRunsAreFromTheCallersThread) {
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> reported{false};
  std::mutex mutex;
  std::vector<std::uint64_t> made;
  std::vector<std::thread::id> reported_from;
  std::vector<std::uint64_t> reports;
  std::vector<std::thread::id> workers_on;
  const std::uint64_t end = 10 * detail::kBlock + 3;
  const std::uint64_t returned = detail::parallel_runs(
      5, end, 2,
      [&](std::size_t, std::uint64_t from, std::uint64_t to) {
        // Not for ever, should the report never come.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (from == 5 && !reported && std::chrono::steady_clock::now() < give_up)
          std::this_thread::yield();
        const std::lock_guard lock(mutex);
        workers_on.push_back(std::this_thread::get_id());
        for (std::uint64_t i = from; i < to; ++i)
          made.push_back(i);
      },
      nullptr,
      [&](std::uint64_t handed_out) {
        reported_from.push_back(std::this_thread::get_id());
        EXPECT_GE(handed_out, reports.empty() ? 5 : reports.back());
        EXPECT_LE(handed_out, end);
        reports.push_back(handed_out);
        reported = true;
      });
  EXPECT_EQ(returned, end);
  ASSERT_GE(reports.size(), 2u) << "one while the first block waits, one at the end";
  EXPECT_EQ(reports.back(), end);
  for (const auto id : reported_from)
    EXPECT_EQ(id, caller);
  for (const auto id : workers_on)
    EXPECT_NE(id, caller) << "every worker is a thread of its own";
  std::sort(made.begin(), made.end());
  ASSERT_EQ(made.size(), end - 5);
  for (std::uint64_t i = 0; i < made.size(); ++i)
    EXPECT_EQ(made[i], 5 + i);
}

// Rounds shorter than kProgressEvery (Monte Carlo's confidence target)
// still tell the caller where they ended.
TEST(ParallelRuns, ReportsOnceMoreWhenTheRunsAreDone) {
  std::vector<std::uint64_t> reports;
  detail::parallel_runs(
      100, 100 + detail::kBlock / 2, 2, [](std::size_t, std::uint64_t, std::uint64_t) {}, nullptr,
      [&](std::uint64_t handed_out) { reports.push_back(handed_out); });
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back(), 100 + detail::kBlock / 2);
}

// The first block waits for the first report, which throws: the failure
// reaches the caller once the workers have stopped.
TEST(ParallelRuns, AReportThatFailsComesBackToTheCaller) {
  std::atomic<bool> reported{false};
  try {
    detail::parallel_runs(
        0, 100 * detail::kBlock, 2,
        [&](std::size_t, std::uint64_t from, std::uint64_t) {
          const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
          while (from == 0 && !reported && std::chrono::steady_clock::now() < give_up)
            std::this_thread::yield();
        },
        nullptr,
        [&](std::uint64_t) {
          reported = true;
          throw std::runtime_error("the terminal went away");
        });
    FAIL() << "the failure was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the terminal went away");
  }
  EXPECT_TRUE(reported);
}

TEST(ParallelRuns, BringsAWorkersFailureBackToTheCaller) {
  try {
    detail::parallel_runs(0, 100 * detail::kBlock, 2,
                          [](std::size_t, std::uint64_t from, std::uint64_t) {
                            if (from == 3 * detail::kBlock)
                              throw std::runtime_error("run 192 failed");
                          });
    FAIL() << "the failure was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "run 192 failed");
  }
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
