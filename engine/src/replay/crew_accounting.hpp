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
  // An instant is over, the crews busy as the runbook has them, and they
  // stay so for `lasting`, until the next instant. Members taken and freed
  // within an instant do not count: the most busy at once is the most at
  // the end of some instant, and those beyond the crew's size are counted
  // over the spans between instants.
  void instant_ends(const RunbookExecutor& runbook, Duration lasting);
  // Busy member-time from the steps' outcomes, and for batch steps from
  // what their batches held, once the run ended; the peaks of the
  // instants, and the member-time on hand.
  void finish(const RunbookExecutor& runbook, std::span<const CrewSpan> batches);

 private:
  void add(CrewId crew, int members, SimTime from, SimTime to);

  const Scenario& scenario_;
  RunResult* result_ = nullptr;
  std::span<const SimTime> sample_times_;
  std::size_t next_sample_ = 0;
  // By crew: its busy members at the last sampling time passed.
  std::vector<int> sampled_busy_;
};

}  // namespace faultline::detail
