#include "replay/restoration_credit.hpp"

#include <algorithm>

namespace faultline::detail {

namespace {

// Which user groups use a service the step acts on, or one depending on it.
std::vector<char> groups_reached(const Topology& topology, const Step& step) {
  std::vector<ServiceId> todo;
  if (step.service)
    todo.push_back(*step.service);
  for (const DeploymentId d : step.deployments)
    todo.push_back(topology.deployment(d).service);
  std::vector<char> seen(topology.services().size());
  std::vector<char> reached(topology.user_groups().size());
  while (!todo.empty()) {
    const ServiceId s = todo.back();
    todo.pop_back();
    if (seen[s.value])
      continue;
    seen[s.value] = 1;
    for (const UserGroupId g : topology.users_of(s))
      reached[g.value] = 1;
    for (const ServiceId next : topology.dependants(s))
      todo.push_back(next);
  }
  return reached;
}

}  // namespace

RestorationCredit::RestorationCredit(const Scenario& scenario) {
  for (const Step& step : scenario.steps)
    step_reaches_group_.push_back(groups_reached(*scenario.topology, step));
}

void RestorationCredit::reset(RunResult& result) {
  result_ = &result;
  result.restored_loss_otherwise = UserTime{};
  acting_.reset();
  acted_now_.clear();
  acted_at_ = SimTime{-1};
}

void RestorationCredit::step_acts(StepId s, SimTime now) {
  if (acted_at_ != now) {
    acted_now_.clear();
    acted_at_ = now;
  }
  acted_now_.push_back(s);
  acting_ = s;
}

// Several steps finishing together each did part of bringing the users
// back: they share the credit evenly, the first ones taking the odd
// milliseconds.
void RestorationCredit::credit(UserGroupId g, UserTime share, SimTime now) {
  if (!acting_) {
    result_->restored_loss_otherwise += share;
    return;
  }
  causes_.assign(1, *acting_);
  if (acted_at_ == now) {
    for (const StepId s : acted_now_) {
      if (s != *acting_ && step_reaches_group_[s.value][g.value])
        causes_.push_back(s);
    }
  }
  const auto n = static_cast<std::int64_t>(causes_.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t part = share.user_ms / n + (i < share.user_ms % n ? 1 : 0);
    result_->steps[causes_[static_cast<std::size_t>(i)].value].restored_loss += UserTime{part};
  }
}

void UsersBack::reset(RunResult& result) {
  result_ = &result;
  next_ = 0;
  before_ = UserCount{};
  by_steps_ = UserCount{};
  for (StepOutcome& step : result.steps)
    step.users_back = UserCount{};
}

void UsersBack::instant_ends(SimTime now, UserCount affected) {
  const auto& progress = result_->progress;
  counted_.clear();
  for (; next_ < progress.size() && progress[next_].at <= now; ++next_)
    counted_.push_back(next_);
  instant_ends(affected, counted_);
}

// A step that made progress twice in the instant counts once.
void UsersBack::instant_ends(UserCount affected, std::span<const std::size_t> counted) {
  const auto& progress = result_->progress;
  const UserCount drop{
      std::min(std::max<std::int64_t>(0, (before_ - affected).value), by_steps_.value)};
  by_steps_ = UserCount{};
  for (std::size_t i = 0; i < counted.size(); ++i) {
    const StepId s = progress[counted[i]].step;
    if (std::none_of(counted.begin(), counted.begin() + static_cast<std::ptrdiff_t>(i),
                     [&](std::size_t j) { return progress[j].step == s; }))
      result_->steps[s.value].users_back += drop;
  }
  before_ = affected;
}

}  // namespace faultline::detail
