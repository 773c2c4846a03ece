#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include "faultline/activity.hpp"
#include "faultline/network.hpp"
#include "network/network_run.hpp"
#include "network/request_flows.hpp"

namespace faultline {

namespace {

// Shares computed from sums of fluid requests land a rounding error away
// from whole.
constexpr double kWhole = 1.0 - 1e-9;

ServiceHealth health_of(const detail::StepFlows& flows, std::size_t s) {
  if (flows.requests[s] <= 0)
    return {};
  const double served = flows.served[s] / flows.requests[s];
  return {served >= kWhole ? 1.0 : served, flows.degraded[s] > flows.requests[s] * (1 - kWhole)};
}

// Turns the steps' flows into a run's services, users and timeline, on top
// of the state run's runbook, crews and faults.
class ResultBuilder {
 public:
  ResultBuilder(const Scenario& scenario, const ActivityCalendar& calendar, const RunResult& state,
                const detail::FlowResult& flows, Duration step)
      : scenario_(scenario),
        topology_(*scenario.topology),
        state_(state),
        flows_(flows),
        step_(step),
        calendar_(calendar),
        group_affected_(topology_.user_groups().size()),
        group_active_(topology_.user_groups().size()),
        attributed_(topology_.user_groups().size()),
        state_since_(topology_.services().size()) {}

  RunResult build() {
    RunResult result = state_;
    result_ = &result;
    result.timeline.clear();
    std::fill(result.services.begin(), result.services.end(), ServiceOutcome{});
    std::fill(result.user_groups.begin(), result.user_groups.end(), UserImpact{});
    result.overall = UserImpact{};
    result.restored_loss_otherwise = UserTime{};
    for (StepOutcome& step : result.steps)
      step.restored_loss = UserTime{};
    // Repeated steps hold the same state, so a run of them is one span.
    for (const detail::StepRun& run : flows_.steps) {
      const SimTime from = SimTime{} + step_ * run.first;
      if (from >= state_.end)
        break;
      apply_steps(from, std::min(from + step_ * run.count, state_.end), run.flows);
    }
    for (std::uint32_t s = 0; s < result.services.size(); ++s)
      detail::close_state_interval(result.services[s], state_since_[s], state_.end);
    for (std::uint32_t g = 0; g < group_affected_.size(); ++g)
      result.user_groups[g].cut_off_at_end = group_affected_[g];
    result.overall.cut_off_at_end = total_affected_;
    result.observed.clear();
    for (const Milestone& m : scenario_.observed)
      result.observed.push_back(detail::judge(m, result));
    merge_timeline();
    return result;
  }

 private:
  void apply_steps(SimTime from, SimTime to, const detail::StepFlows& flows) {
    now_ = from;
    for (std::uint32_t s = 0; s < topology_.services().size(); ++s)
      record_state(s, health_of(flows, s));
    for (std::uint32_t g = 0; g < topology_.user_groups().size(); ++g) {
      const auto users = static_cast<double>(topology_.user_groups()[g].users.value);
      set_affected(g, UserCount{std::llround(users * flows.cut_off[g])});
    }
    // Who is active changes with the calendar, within a step too.
    SimTime at = from;
    while (at < to) {
      const std::size_t segment = calendar_.segment_at(at);
      const SimTime until = segment + 1 < calendar_.segments()
                                ? std::min(to, calendar_.segment_start(segment + 1))
                                : to;
      now_ = at;
      settle_users(segment);
      const Duration span = until - at;
      for (std::size_t g = 0; g < group_active_.size(); ++g)
        result_->user_groups[g].lost += UserTime{group_active_[g].value * span.ms};
      result_->overall.lost += UserTime{total_active_.value * span.ms};
      at = until;
    }
  }

  void record_state(std::uint32_t s, const ServiceHealth& h) {
    if (const auto entry =
            detail::change_state(ServiceId{s}, result_->services[s], state_since_[s], h, now_))
      timeline_.push_back(*entry);
  }

  // As at state fidelity: users brought back take their share of the
  // group's loss not yet put down to anything. The cause is the runbook step
  // that completed, or finished a wave, during the step just ended.
  void set_affected(std::uint32_t g, UserCount affected) {
    const UserCount before = group_affected_[g];
    if (affected == before)
      return;
    if (affected < before) {
      const UserTime share =
          detail::restored_share(result_->user_groups[g].lost, attributed_[g], before, affected);
      attributed_[g] += share;
      const auto cause = restoring_step(now_);
      (cause ? result_->steps[cause->value].restored_loss : result_->restored_loss_otherwise) +=
          share;
    }
    total_affected_ += affected - before;
    group_affected_[g] = affected;
  }

  // The last such entry of the state run's timeline in (t - step, t].
  std::optional<StepId> restoring_step(SimTime t) const {
    const auto& timeline = state_.timeline;
    auto it = std::upper_bound(timeline.begin(), timeline.end(), t,
                               [](SimTime at, const TimelineEntry& e) { return at < e.at; });
    while (it != timeline.begin() && std::prev(it)->at > t - step_) {
      --it;
      if (it->kind == TimelineKind::step_completed || it->kind == TimelineKind::step_wave)
        return StepId{it->subject};
    }
    return std::nullopt;
  }

  void settle_users(std::size_t segment) {
    for (std::uint32_t g = 0; g < group_active_.size(); ++g) {
      const UserCount active =
          active_share(group_affected_[g], calendar_.permille(segment, UserGroupId{g}));
      total_active_ += active - group_active_[g];
      group_active_[g] = active;
      detail::update_peaks(result_->user_groups[g], group_affected_[g], active, now_);
    }
    detail::update_peaks(result_->overall, total_affected_, total_active_, now_);
    if (total_affected_ == recorded_affected_ && total_active_ == recorded_active_)
      return;
    recorded_affected_ = total_affected_;
    recorded_active_ = total_active_;
    TimelineEntry entry = detail::entry_at(now_, TimelineKind::users);
    entry.affected = total_affected_;
    entry.active = total_active_;
    timeline_.push_back(entry);
  }

  // The state run's timeline without its services and users, with the
  // network's; at one instant, what happened comes before what it did.
  void merge_timeline() {
    std::vector<TimelineEntry>& merged = result_->timeline;
    for (const TimelineEntry& e : state_.timeline) {
      if (e.kind != TimelineKind::service_state && e.kind != TimelineKind::users)
        merged.push_back(e);
    }
    const auto middle = static_cast<std::ptrdiff_t>(merged.size());
    merged.insert(merged.end(), timeline_.begin(), timeline_.end());
    std::inplace_merge(merged.begin(), merged.begin() + middle, merged.end(),
                       [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  }

  const Scenario& scenario_;
  const Topology& topology_;
  const RunResult& state_;
  const detail::FlowResult& flows_;
  Duration step_;
  const ActivityCalendar& calendar_;
  RunResult* result_ = nullptr;
  SimTime now_;
  std::vector<UserCount> group_affected_;
  std::vector<UserCount> group_active_;
  std::vector<UserTime> attributed_;
  std::vector<SimTime> state_since_;
  UserCount total_affected_;
  UserCount total_active_;
  UserCount recorded_affected_;
  UserCount recorded_active_;
  std::vector<TimelineEntry> timeline_;
};

}  // namespace

}  // namespace faultline

namespace faultline::detail {

void check(const NetworkOptions& network) {
  if (network.step.ms <= 0 || network.window < network.step) {
    throw std::invalid_argument(fmt::format(
        "the step must be above 0 and the window at least a step, found a step of {} and a "
        "window of {}",
        format_duration(network.step), format_duration(network.window)));
  }
}

void run_traced(const Scenario& scenario, Run& run, RunOptions options,
                const NetworkOptions& network, TracedRun& traced) {
  traced.trace.clear();
  options.health_trace = &traced.trace;
  run.execute(options, traced.state);
  if (!scenario.horizon)
    traced.state.end = traced.state.end + network.step;
  const std::int64_t steps = traced.state.end.ms / network.step.ms;
  if (steps > static_cast<std::int64_t>(kMostNetworkSteps)) {
    throw std::invalid_argument(fmt::format(
        "a step of {} over the {} the run lasts makes {} steps, more than the {} a network run "
        "takes; use a longer step",
        format_duration(network.step), format_duration(traced.state.end.since_t0()), steps,
        kMostNetworkSteps));
  }
}

IsolatedWork start_flows(const Topology& topology, const ActivityCalendar& calendar,
                         const TracedRun& traced, const NetworkOptions& network) {
  return IsolatedWork([&] {
    return serialize(simulate_flows(topology, calendar, traced.trace, traced.state.end, network));
  });
}

NetworkRunResult network_result(const Scenario& scenario, const ActivityCalendar& calendar,
                                const TracedRun& traced, const std::string& flows,
                                const NetworkOptions& network,
                                std::span<const SimTime> sample_times) {
  const FlowResult parsed = parse_flows(flows, *scenario.topology);
  NetworkRunResult result{
      ResultBuilder(scenario, calendar, traced.state, parsed, network.step).build(), parsed.metrics,
      NetworkBaseline{}};
  // Active users cut off at each sampling time: the last users line by then.
  auto& sampled = result.run.sampled_active;
  sampled.assign(sample_times.size(), UserCount{});
  std::size_t next = 0;
  UserCount active;
  for (const TimelineEntry& e : result.run.timeline) {
    if (e.kind != TimelineKind::users)
      continue;
    while (next < sample_times.size() && sample_times[next] < e.at)
      sampled[next++] = active;
    active = e.active;
  }
  while (next < sample_times.size())
    sampled[next++] = active;
  return result;
}

}  // namespace faultline::detail

namespace faultline {

NetworkRunResult replay_network(const Scenario& scenario, const NetworkOptions& options) {
  detail::check(options);
  detail::TracedRun traced;
  detail::RunOptions run_options;
  run_options.record_timeline = true;
  detail::Run run(scenario);
  detail::run_traced(scenario, run, run_options, options, traced);
  const ActivityCalendar calendar(*scenario.topology, scenario.clock, activity_until(scenario));
  detail::IsolatedWork flows = detail::start_flows(*scenario.topology, calendar, traced, options);
  NetworkBaseline baseline = check_network_baseline(scenario, traced.state.end, options);
  NetworkRunResult result =
      detail::network_result(scenario, calendar, traced, flows.result(), options, {});
  result.baseline = std::move(baseline);
  return result;
}

}  // namespace faultline
