#pragma once
// What a run writes down as it goes, when asked: the timeline (with a crew
// line whenever a crew's busy members or size change) and the record of
// health inputs that network fidelity plays onto its platform.

#include <vector>

#include "faultline/health.hpp"
#include "faultline/replay.hpp"
#include "faultline/runbook.hpp"
#include "replay/run_options.hpp"

namespace faultline::detail {

class Recorder {
 public:
  explicit Recorder(const Scenario& scenario) : recorded_busy_(scenario.crews.size()) {}

  // A new run writing into the result's timeline (cleared) and the
  // options' health trace.
  void reset(const RunOptions& options, RunResult& result);

  bool recording() const { return timeline_ != nullptr; }
  // The timeline when it is recorded, else nothing.
  std::vector<TimelineEntry>* timeline() const { return timeline_; }
  void record(const TimelineEntry& entry) {
    if (timeline_)
      timeline_->push_back(entry);
  }
  // A crew line for each crew whose busy members changed since its last.
  void record_crews(const RunbookExecutor& runbook, SimTime now);
  // The crew's next line shows its new size even if its busy members stay.
  void crew_resized(CrewId crew) { recorded_busy_[crew.value] = -1; }
  // Adds health's inputs at `now` to the trace when they changed.
  void trace_health(const HealthPropagator& health, SimTime now);

 private:
  std::vector<TimelineEntry>* timeline_ = nullptr;
  std::vector<HealthChange>* health_trace_ = nullptr;
  std::vector<int> recorded_busy_;  // by crew: members busy in the last crew line
  HealthInputs traced_;             // scratch
};

}  // namespace faultline::detail
