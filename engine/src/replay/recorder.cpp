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
  result.served_changes.clear();
  served_ = options.record_served || options.record_timeline ? &result.served_changes : nullptr;
  std::fill(last_served_.begin(), last_served_.end(), kNone);
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
  if (served_)
    note_served(s, health.served_fraction, now);
}

// A share that changes again at the same instant is set in place.
void Recorder::note_served(ServiceId s, double fraction, SimTime now) {
  std::size_t& last = last_served_[s.value];
  if (last != kNone && (*served_)[last].at == now) {
    (*served_)[last].served_fraction = fraction;
    return;
  }
  if (fraction == (last == kNone ? 1.0 : (*served_)[last].served_fraction))
    return;
  last = served_->size();
  served_->push_back({now, s, fraction});
}

void Recorder::close_states(SimTime end) {
  for (std::size_t s = 0; s < state_since_.size(); ++s)
    close_state_interval(result_->services[s], state_since_[s], end);
}

}  // namespace faultline::detail
