#include "replay/crew_accounting.hpp"

#include <algorithm>
#include <limits>

namespace faultline::detail {

void CrewAccounting::reset(RunResult& result, std::span<const SimTime> sample_times) {
  result_ = &result;
  sample_times_ = sample_times;
  next_sample_ = 0;
  result.crews.assign(scenario_.crews.size(), CrewOutcome{});
  result.sampled_busy_changes.clear();
  sampled_busy_.assign(scenario_.crews.size(), 0);
}

// The sampling times before t all see the crews as they are now: a change
// since the last of them shows first at the earliest.
void CrewAccounting::sample_before(SimTime t, const RunbookExecutor& runbook) {
  if (next_sample_ == sample_times_.size() || sample_times_[next_sample_] >= t)
    return;
  for (std::uint32_t c = 0; c < sampled_busy_.size(); ++c) {
    const int busy = runbook.busy(CrewId{c});
    if (busy == sampled_busy_[c])
      continue;
    result_->sampled_busy_changes.push_back(
        {static_cast<std::uint32_t>(next_sample_), CrewId{c}, busy - sampled_busy_[c]});
    sampled_busy_[c] = busy;
  }
  while (next_sample_ < sample_times_.size() && sample_times_[next_sample_] < t)
    ++next_sample_;
}

void CrewAccounting::instant_ends(const RunbookExecutor& runbook, Duration lasting) {
  for (std::uint32_t c = 0; c < result_->crews.size(); ++c) {
    CrewOutcome& crew = result_->crews[c];
    const int busy = runbook.busy(CrewId{c});
    crew.peak_busy = std::max(crew.peak_busy, busy);
    if (const int beyond = busy - runbook.size(CrewId{c}); beyond > 0)
      crew.beyond_size += lasting * beyond;
  }
}

void CrewAccounting::add(CrewId crew, int members, SimTime from, SimTime to) {
  result_->crews[crew.value].busy += Duration{(to - from).ms * members};
}

// A crew member is busy with a step from its start until the crew is free of
// it (or the end); a batch step's members, with its batches.
void CrewAccounting::finish(const RunbookExecutor& runbook, std::span<const CrewSpan> batches) {
  // The state at the end holds for any later sampling time.
  sample_before(SimTime{std::numeric_limits<std::int64_t>::max()}, runbook);
  instant_ends(runbook, Duration{});
  for (std::uint32_t s = 0; s < scenario_.steps.size(); ++s) {
    const StepOutcome& o = result_->steps[s];
    const auto crew = scenario_.steps[s].crew;
    if (!crew || !o.started || scenario_.steps[s].batches)
      continue;
    add(*crew, 1, *o.started, o.crew_freed.value_or(result_->end));
  }
  for (const CrewSpan& span : batches)
    add(span.crew, span.members, span.from, span.to);
  const SimTime span_end = runbook_span_end(*result_);
  for (std::uint32_t c = 0; c < scenario_.crews.size(); ++c) {
    CrewOutcome& crew = result_->crews[c];
    crew.on_hand = crew_on_hand(scenario_.crews[c], span_end) + crew.beyond_size;
  }
}

}  // namespace faultline::detail
