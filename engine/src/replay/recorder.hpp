#pragma once
// What a run writes down as it goes: each service's time in its states and
// when it went down and came back; and, when asked, the timeline (with a
// crew line whenever a crew's busy members or size change) and the record
// of health inputs that network fidelity plays onto its platform.

#include <vector>

#include "faultline/health.hpp"
#include "faultline/replay.hpp"
#include "faultline/runbook.hpp"
#include "replay/outcomes.hpp"
#include "replay/run_options.hpp"

namespace faultline::detail {

class Recorder {
 public:
  explicit Recorder(const Scenario& scenario)
      : recorded_busy_(scenario.crews.size()),
        state_since_(scenario.topology->services().size()),
        last_served_(scenario.topology->services().size(), kNone) {}

  // A new run writing into the result's services and timeline (cleared)
  // and the options' health trace.
  void reset(const RunOptions& options, RunResult& result);

  bool recording() const { return timeline_ != nullptr; }
  // The timeline when it is recorded, else nothing.
  std::vector<TimelineEntry>* timeline() const { return timeline_; }
  // An entry of the kind about the subject at `at`, with `fill` setting
  // its other fields; built only when the timeline is recorded, since
  // Monte Carlo runs make dozens a run.
  template <class Fill = void (*)(TimelineEntry&)>
  void record(
      SimTime at, TimelineKind kind, TimelineSubject subject, Fill fill = [](TimelineEntry&) {}) {
    if (!timeline_)
      return;
    TimelineEntry entry = entry_at(at, kind, subject);
    fill(entry);
    timeline_->push_back(entry);
  }
  // A crew line for each crew whose busy members changed since its last.
  void record_crews(const RunbookExecutor& runbook, SimTime now);
  // The crew's next line shows its new size even if its busy members stay.
  void crew_resized(CrewId crew) { recorded_busy_[crew.value] = -1; }
  // Adds health's inputs at `now` to the trace when they changed.
  void trace_health(const HealthPropagator& health, SimTime now);
  // The service's health now: a change of its state goes to its outcome
  // and the timeline, and a change of its share served to the served
  // changes when they are recorded.
  void record_state(ServiceId s, const ServiceHealth& health, SimTime now);
  // Closes each service's time in the state it ends in.
  void close_states(SimTime end);

 private:
  void note_served(ServiceId s, double fraction, SimTime now);

  RunResult* result_ = nullptr;
  std::vector<TimelineEntry>* timeline_ = nullptr;
  std::vector<HealthChange>* health_trace_ = nullptr;
  std::vector<ServedChange>* served_ = nullptr;
  std::vector<int> recorded_busy_;    // by crew: members busy in the last crew line
  HealthInputs traced_;               // scratch
  std::vector<SimTime> state_since_;  // by service: when it entered its state
  // By service: its last entry in served_, if any.
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> last_served_;
};

}  // namespace faultline::detail
