#pragma once
// How busy each crew was: its members busy at the sampling times, and, at
// the end, its busy member-time and the most members busy at once.

#include <span>
#include <vector>

#include "faultline/replay.hpp"
#include "faultline/runbook.hpp"
#include "replay/batch_pipelines.hpp"

namespace faultline::detail {

class CrewAccounting {
 public:
  explicit CrewAccounting(const Scenario& scenario) : scenario_(scenario) {}

  // A new run writing into the result's crews and sampled_busy_changes,
  // sampled at `sample_times` (sorted).
  void reset(RunResult& result, std::span<const SimTime> sample_times);
  // Samples the busy members at the sampling times before t.
  void sample_before(SimTime t, const RunbookExecutor& runbook);
  // Busy member-time and peaks from the steps' outcomes, and for batch
  // steps from what their batches held, once the run ended.
  void finish(const RunbookExecutor& runbook, std::span<const CrewSpan> batches);

 private:
  void add(CrewId crew, int members, SimTime from, SimTime to);

  struct CrewChange {
    SimTime at;
    std::uint32_t crew;
    int change;
  };

  const Scenario& scenario_;
  RunResult* result_ = nullptr;
  std::span<const SimTime> sample_times_;
  std::size_t next_sample_ = 0;
  // By crew: its busy members at the last sampling time passed.
  std::vector<int> sampled_busy_;
  std::vector<CrewChange> changes_;  // scratch
  std::vector<int> busy_;            // scratch
};

}  // namespace faultline::detail
