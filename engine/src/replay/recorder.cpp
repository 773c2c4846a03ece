#include "replay/recorder.hpp"

#include <algorithm>

#include "replay/outcomes.hpp"

namespace faultline::detail {

void Recorder::reset(const RunOptions& options, RunResult& result) {
  result_ = &result;
  result.services.assign(state_since_.size(), ServiceOutcome{});
  std::fill(state_since_.begin(), state_since_.end(), SimTime{});
  result.timeline.clear();
  timeline_ = options.record_timeline ? &result.timeline : nullptr;
  health_trace_ = options.health_trace;
  std::fill(recorded_busy_.begin(), recorded_busy_.end(), 0);
}

void Recorder::record_crews(const RunbookExecutor& runbook, SimTime now) {
  if (!timeline_)
    return;
  for (std::uint32_t c = 0; c < recorded_busy_.size(); ++c) {
    const int busy = runbook.busy(CrewId{c});
    if (busy == recorded_busy_[c])
      continue;
    recorded_busy_[c] = busy;
    record(now, TimelineKind::crew, CrewId{c}, [&](TimelineEntry& e) {
      e.busy = busy;
      e.size = runbook.size(CrewId{c});
    });
  }
}

void Recorder::trace_health(const HealthPropagator& health, SimTime now) {
  if (!health_trace_)
    return;
  health.copy_inputs(traced_);
  if (health_trace_->empty() || health_trace_->back().inputs != traced_)
    health_trace_->push_back({now, traced_});
}

void Recorder::record_state(ServiceId s, const ServiceHealth& health, SimTime now) {
  const auto from = change_state(result_->services[s.value], state_since_[s.value], health, now);
  if (from && timeline_)
    timeline_->push_back(state_entry(s, *from, health, now));
}

void Recorder::close_states(SimTime end) {
  for (std::size_t s = 0; s < state_since_.size(); ++s)
    close_state_interval(result_->services[s], state_since_[s], end);
}

}  // namespace faultline::detail
