#pragma once
// The services' outcomes of a worker's runs, kept a row per run and added
// to the services' statistics a block of rows at a time. At 10^5 services
// those statistics are some 20 MB per worker with their buckets beside
// them, and reaching each once per run, not once per block, was a sixth of
// the workers' time. The statistics are the same to the bit: their sums,
// counts and extremes do not depend on the order of the values.

#include <cstdint>
#include <span>
#include <vector>

#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"

namespace faultline::detail {

// Values kept a row per run, `columns` to a row, and handed on a column at
// a time, its values in the order their rows were kept.
class RunRows {
 public:
  RunRows(std::size_t columns, std::size_t rows)
      : columns_(columns), capacity_(rows), values_(columns * rows), column_(rows) {}

  bool full() const { return rows_ == capacity_; }
  // The next row, for a run's values, kept once keep() says so; only while
  // not full.
  std::span<std::int64_t> next_row() { return {values_.data() + columns_ * rows_, columns_}; }
  void keep() { ++rows_; }
  // take(column, values) for each column, the values copied out to be
  // changed at will; the rows are then empty.
  template <class Take>
  void flush(const Take& take) {
    for (std::size_t c = 0; c < columns_; ++c) {
      for (std::size_t r = 0; r < rows_; ++r)
        column_[r] = values_[r * columns_ + c];
      take(c, std::span<std::int64_t>(column_.data(), rows_));
    }
    rows_ = 0;
  }

 private:
  std::size_t columns_;
  std::size_t capacity_;
  std::size_t rows_ = 0;
  std::vector<std::int64_t> values_;  // by row, then column
  std::vector<std::int64_t> column_;
};

class ServiceRows {
 public:
  // As many rows as fit 32 MiB (20 at 10^5 services), at least one and at
  // most 64.
  static std::size_t rows_for(std::size_t services);

  // `rows` of them, at least one.
  ServiceRows(std::size_t services, std::size_t rows);
  explicit ServiceRows(std::size_t services) : ServiceRows(services, rows_for(services)) {}

  // Keeps the run's outcomes, adding the rows kept to `into` first when
  // they are full. Throws std::invalid_argument for a time down below 0 or
  // from 2^61 ms on, far past any run's (a duration is at most 1,000
  // years, 2^45 ms), and std::logic_error for a run of another estate.
  void add(const RunResult& run, std::span<ServiceStatistics> into);
  // Adds the rows kept to `into`, and forgets them.
  void flush(std::span<ServiceStatistics> into);

 private:
  std::size_t services_;
  // By service: the time down, doubled, plus 1 when it went down (two
  // figures in one value, a third less to write and read each run); and
  // when it came back, or one of the two codes below.
  RunRows down_;
  RunRows restored_;
  static constexpr std::int64_t kNeverBack = -1;  // still out as the run ended
  static constexpr std::int64_t kNotOut = -2;     // nothing to come back from
};

}  // namespace faultline::detail
