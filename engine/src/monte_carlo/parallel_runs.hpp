#pragma once
// Spreading runs over threads: each worker takes blocks of consecutive runs
// from a shared counter. What a run computes depends only on its index, so
// the spread never shows in the results.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace faultline::detail {

// Runs a worker takes at a time: big enough that the shared counter is not
// contended, small enough that threads finish a round together.
inline constexpr std::uint64_t kBlock = 64;

// Throws std::invalid_argument unless 1 <= runs <= kMostRuns and 1 <= threads <= 256.
void check_runs_and_threads(std::uint64_t runs, unsigned threads);

// How often the caller hears how far the runs are.
inline constexpr std::chrono::milliseconds kProgressEvery{200};

// Hands out runs [first, end) in blocks over `workers` workers, each a
// thread of its own: block(w, from, to) makes runs [from, to) on worker w.
// Meanwhile the caller's thread calls progress(runs handed out so far)
// every kProgressEvery, and once more when all are done. A worker's
// exception, or progress's, stops the workers from taking more and is
// rethrown here once all have stopped. Once *stop is set, no
// block is handed out and those under way finish, so the runs made are
// always [first, returned) with nothing missing: the same as asking for
// that many.
std::uint64_t parallel_runs(
    std::uint64_t first, std::uint64_t end, std::size_t workers,
    const std::function<void(std::size_t, std::uint64_t, std::uint64_t)>& block,
    const std::atomic<bool>* stop = nullptr,
    const std::function<void(std::uint64_t)>& progress = {});

}  // namespace faultline::detail
