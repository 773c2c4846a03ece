// The services' rows: runs kept a row each and added a block at a time give
// the statistics that adding each run as it ends gives, to the bit.

#include "monte_carlo/service_rows.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "test_support.hpp"

namespace faultline::detail {
namespace FAULTLINE_TEST_FILE {

// Run i of seven, for three services. Service 0 is down 10 i ms; from run
// 1 on it went down, and came back at 100 i ms in the odd runs and not at
// all (ending in major outage) in the even ones. Service 1 never went
// down. Service 2 only ever lost a share: in runs 0 to 2 it came back at
// 5 ms, in the others it ended in partial outage.
RunResult run_number(int i) {
  RunResult run;
  run.services.resize(3);
  ServiceOutcome& out = run.services[0];
  out.down = Duration{10 * i};
  if (i > 0) {
    out.first_down = SimTime{};
    if (i % 2 == 1)
      out.restored_at = SimTime{} + Duration{100 * i};
    else
      out.final_state = ServiceState::major_outage;
  }
  ServiceOutcome& partly = run.services[2];
  if (i <= 2)
    partly.restored_at = SimTime{} + Duration{5};
  else
    partly.final_state = ServiceState::partial_outage;
  return run;
}

// What the tally added before it kept rows: each run's outcomes as it ends.
void add_one_by_one(const RunResult& run, std::vector<ServiceStatistics>& stats) {
  for (std::size_t s = 0; s < run.services.size(); ++s) {
    const ServiceOutcome& out = run.services[s];
    stats[s].downtime_ms.add(out.down.ms);
    stats[s].runs_down += out.first_down ? 1 : 0;
    if (out.restored_at)
      stats[s].restored_at.add(out.restored_at->since_t0().ms);
    else if (out.final_state == ServiceState::major_outage ||
             out.final_state == ServiceState::partial_outage)
      stats[s].restored_at.add_never();
  }
}

// Three rows for seven runs: the fourth and the seventh run flush the rows
// before them, and the last flush adds the seventh.
TEST(ServiceRows, RunsAddedABlockAtATimeGiveTheStatisticsOfRunsAddedOneByOne) {
  ServiceRows rows(3, 3);
  std::vector<ServiceStatistics> blocked(3);
  for (int i = 0; i < 7; ++i)
    rows.add(run_number(i), blocked);
  EXPECT_EQ(blocked[0].downtime_ms.count(), 6U) << "flushed by the 4th and 7th runs";
  rows.flush(blocked);

  // Worked out by hand: downtimes 0, 10, ..., 60 (sum 210); six runs went
  // down; restored at 100, 300 and 500 ms, never in runs 2, 4 and 6.
  EXPECT_EQ(blocked[0].downtime_ms.count(), 7U);
  EXPECT_DOUBLE_EQ(blocked[0].downtime_ms.sum(), 210.0);
  EXPECT_EQ(blocked[0].runs_down, 6U);
  EXPECT_EQ(blocked[0].restored_at.happened().count(), 3U);
  EXPECT_DOUBLE_EQ(blocked[0].restored_at.happened().sum(), 900.0);
  EXPECT_EQ(blocked[0].restored_at.never(), 3U);
  // Service 1: seven downtimes of 0, nothing to come back from.
  EXPECT_EQ(blocked[1].downtime_ms.count(), 7U);
  EXPECT_DOUBLE_EQ(blocked[1].downtime_ms.sum(), 0.0);
  EXPECT_EQ(blocked[1].runs_down, 0U);
  EXPECT_EQ(blocked[1].restored_at.runs(), 0U);
  // Service 2: back at 5 ms three times, never back four times, never down.
  EXPECT_EQ(blocked[2].restored_at.happened().count(), 3U);
  EXPECT_EQ(blocked[2].restored_at.never(), 4U);
  EXPECT_EQ(blocked[2].runs_down, 0U);

  std::vector<ServiceStatistics> direct(3);
  for (int i = 0; i < 7; ++i)
    add_one_by_one(run_number(i), direct);
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_TRUE(testing::same_state(blocked[s].downtime_ms, direct[s].downtime_ms));
    EXPECT_TRUE(
        testing::same_state(blocked[s].restored_at.happened(), direct[s].restored_at.happened()));
    EXPECT_EQ(blocked[s].restored_at.never(), direct[s].restored_at.never());
    EXPECT_EQ(blocked[s].runs_down, direct[s].runs_down);
  }
}

// A flush with no rows kept changes nothing, and the rows start empty
// again after one.
TEST(ServiceRows, AFlushAddsEachRowOnce) {
  ServiceRows rows(3, 4);
  std::vector<ServiceStatistics> stats(3);
  rows.flush(stats);
  EXPECT_EQ(stats[0].downtime_ms.count(), 0U);
  rows.add(run_number(1), stats);
  rows.flush(stats);
  rows.flush(stats);
  EXPECT_EQ(stats[0].downtime_ms.count(), 1U);
  EXPECT_EQ(stats[0].restored_at.happened().count(), 1U);
}

// What the rows cannot hold is refused as the run is kept, not turned into
// another figure: a time down below 0 (the statistics take none), and a
// run of an estate of another size.
TEST(ServiceRows, RefusesWhatTheRowsCannotHold) {
  ServiceRows rows(3, 4);
  std::vector<ServiceStatistics> stats(3);
  RunResult negative = run_number(1);
  negative.services[0].down = Duration{-1};
  EXPECT_THROW(rows.add(negative, stats), std::invalid_argument);
  RunResult other = run_number(1);
  other.services.resize(2);
  EXPECT_THROW(rows.add(other, stats), std::logic_error);
  rows.add(run_number(1), stats);
  rows.flush(stats);
  EXPECT_EQ(stats[0].downtime_ms.count(), 1U) << "only the run kept";
  // A restoration before T0 is no code of the rows': the statistics refuse
  // it when the rows are added, as they refused it run by run.
  RunResult early = run_number(1);
  early.services[0].restored_at = SimTime{} + Duration{-5};
  rows.add(early, stats);
  EXPECT_THROW(rows.flush(stats), std::invalid_argument);
}

// Asked for no rows, they keep one, adding it before the next run.
TEST(ServiceRows, KeepAtLeastOneRow) {
  ServiceRows rows(3, 0);
  std::vector<ServiceStatistics> stats(3);
  rows.add(run_number(1), stats);
  EXPECT_EQ(stats[0].downtime_ms.count(), 0U);
  rows.add(run_number(2), stats);
  EXPECT_EQ(stats[0].downtime_ms.count(), 1U);
}

// Rows are memory against time: a small estate keeps 64, one of 10^5
// services as many as fit 32 MiB, and a huge one a single row.
TEST(ServiceRows, KeepsAsManyRowsAsFitItsMemory) {
  EXPECT_EQ(ServiceRows::rows_for(22), 64U);
  EXPECT_EQ(ServiceRows::rows_for(100'000), 20U);  // 32 MiB / (16 * 10^5 bytes)
  EXPECT_EQ(ServiceRows::rows_for(3'000'000), 1U);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline::detail
