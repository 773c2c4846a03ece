#include <algorithm>

#include "faultline/runbook.hpp"

namespace faultline {

std::string_view to_string(StepStatus s) {
  switch (s) {
    case StepStatus::blocked:
      return "blocked";
    case StepStatus::waiting:
      return "waiting";
    case StepStatus::ready:
      return "ready";
    case StepStatus::running:
      return "running";
    case StepStatus::done:
      return "done";
    case StepStatus::failed:
      return "failed";
  }
  return "blocked";
}

RunbookExecutor::RunbookExecutor(const Scenario& scenario, std::vector<std::uint32_t> rank)
    : scenario_(scenario),
      status_(scenario.steps.size()),
      unfinished_predecessors_(scenario.steps.size()),
      busy_(scenario.crews.size()),
      rank_(std::move(rank)) {
  reset();
}

void RunbookExecutor::reset() {
  std::fill(status_.begin(), status_.end(), StepStatus::blocked);
  for (std::size_t i = 0; i < scenario_.steps.size(); ++i) {
    unfinished_predecessors_[i] = static_cast<int>(scenario_.steps[i].after.size());
  }
  std::fill(busy_.begin(), busy_.end(), 0);
  ready_.clear();
  started_.clear();
  waiting_.clear();
  handed_out_.clear();
}

void RunbookExecutor::begin(SimTime now) {
  for (std::uint32_t i = 0; i < scenario_.steps.size(); ++i) {
    if (unfinished_predecessors_[i] == 0)
      release(StepId{i}, now);
  }
}

void RunbookExecutor::release(StepId s, SimTime now) {
  const auto& not_before = scenario_.steps[s.value].not_before;
  if (not_before && *not_before > now) {
    status_[s.value] = StepStatus::waiting;
    waiting_.push_back(s);
    return;
  }
  make_ready(s);
}

void RunbookExecutor::reach_earliest_start(StepId s) {
  make_ready(s);
}

void RunbookExecutor::make_ready(StepId s) {
  status_[s.value] = StepStatus::ready;
  const auto at = std::upper_bound(ready_.begin(), ready_.end(), s, [&](StepId a, StepId b) {
    return rank_[a.value] < rank_[b.value];
  });
  ready_.insert(at, s);
}

void RunbookExecutor::complete(StepId s, SimTime now) {
  status_[s.value] = StepStatus::done;
  if (const auto crew = scenario_.steps[s.value].crew)
    --busy_[crew->value];
  for (const StepId next : scenario_.successors[s.value]) {
    if (--unfinished_predecessors_[next.value] == 0)
      release(next, now);
  }
}

void RunbookExecutor::fail(StepId s) {
  status_[s.value] = StepStatus::failed;
  if (const auto crew = scenario_.steps[s.value].crew)
    --busy_[crew->value];
}

std::span<const StepId> RunbookExecutor::dispatch() {
  started_.clear();
  auto keep = ready_.begin();
  for (const StepId s : ready_) {
    const auto crew = scenario_.steps[s.value].crew;
    if (crew && busy_[crew->value] >= scenario_.crews[crew->value].size) {
      *keep++ = s;
      continue;
    }
    if (crew)
      ++busy_[crew->value];
    status_[s.value] = StepStatus::running;
    started_.push_back(s);
  }
  ready_.erase(keep, ready_.end());
  return started_;
}

std::span<const StepId> RunbookExecutor::take_waiting() {
  waiting_.swap(handed_out_);
  waiting_.clear();
  return handed_out_;
}

}  // namespace faultline
