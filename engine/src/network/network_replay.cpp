#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <span>
#include <stdexcept>

#include "faultline/activity.hpp"
#include "faultline/network.hpp"
#include "network/network_run.hpp"
#include "network/request_flows.hpp"
#include "replay/restoration_credit.hpp"
#include "replay/user_accounting.hpp"

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
// of the state run's runbook, crews and faults. Users are accounted as at
// state fidelity, each step start an instant; the users a step brings back
// are put down to the runbook step that completed, or finished a wave,
// during the step just ended.
class ResultBuilder {
 public:
  ResultBuilder(const Scenario& scenario, const ActivityCalendar& calendar, const RunResult& state,
                const detail::FlowResult& flows, Duration step)
      : scenario_(scenario),
        topology_(*scenario.topology),
        state_(state),
        flows_(flows),
        step_(step),
        users_(topology_, calendar),
        state_since_(topology_.services().size()) {}

  RunResult build(std::span<const SimTime> sample_times) {
    RunResult result = state_;
    result_ = &result;
    result.timeline.clear();
    std::fill(result.services.begin(), result.services.end(), ServiceOutcome{});
    result.restored_loss_otherwise = UserTime{};
    for (StepOutcome& step : result.steps)
      step.restored_loss = UserTime{};
    users_.reset(result, sample_times, &timeline_);
    users_back_.reset(result);
    // Repeated steps hold the same state, so a run of them is one span.
    for (const detail::StepRun& run : flows_.steps) {
      const SimTime from = SimTime{} + step_ * run.first;
      if (from >= state_.end)
        break;
      apply_step(from, run.flows);
    }
    users_.advance_to(state_.end);
    users_back_.instant_ends(state_.end, users_.total_affected());
    users_.finish();
    for (std::uint32_t s = 0; s < result.services.size(); ++s)
      detail::close_state_interval(result.services[s], state_since_[s], state_.end);
    result.all_restored = detail::all_restored(result.services);
    result.observed.clear();
    for (const Milestone& m : scenario_.observed)
      result.observed.push_back(detail::judge(m, result));
    merge_timeline();
    return result;
  }

 private:
  void apply_step(SimTime from, const detail::StepFlows& flows) {
    users_.advance_to(from);
    for (std::uint32_t s = 0; s < topology_.services().size(); ++s)
      record_state(from, s, health_of(flows, s));
    for (std::uint32_t g = 0; g < topology_.user_groups().size(); ++g) {
      const auto users = static_cast<double>(topology_.user_groups()[g].users.value);
      const UserTime share =
          users_.set_affected(UserGroupId{g}, UserCount{std::llround(users * flows.cut_off[g])});
      if (share == UserTime{})
        continue;
      const auto cause = restoring_step(from);
      (cause ? result_->steps[cause->value].restored_loss : result_->restored_loss_otherwise) +=
          share;
    }
    users_.settle();
    users_back_.instant_ends(from, users_.total_affected());
  }

  void record_state(SimTime now, std::uint32_t s, const ServiceHealth& h) {
    if (const auto from = detail::change_state(result_->services[s], state_since_[s], h, now))
      timeline_.push_back(detail::state_entry(ServiceId{s}, *from, h, now));
  }

  // The last step progress of the state run in (t - step, t].
  std::optional<StepId> restoring_step(SimTime t) const {
    const auto& progress = state_.progress;
    auto it = std::upper_bound(progress.begin(), progress.end(), t,
                               [](SimTime at, const StepProgress& p) { return at < p.at; });
    if (it == progress.begin() || std::prev(it)->at <= t - step_)
      return std::nullopt;
    return std::prev(it)->step;
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
  detail::UserAccounting users_;
  detail::UsersBack users_back_;
  RunResult* result_ = nullptr;
  std::vector<SimTime> state_since_;
  std::vector<TimelineEntry> timeline_;
};

}  // namespace

}  // namespace faultline

namespace faultline::detail {

// Requests are not followed tenant by tenant, and the platform's links
// lose no packets: a run there would leave those users, or the health
// checks a degradation fails, out of its figures.
void check(const Scenario& scenario, const NetworkOptions& network) {
  for (const Fault& f : scenario.faults) {
    if (!f.tenants.empty()) {
      throw std::invalid_argument("fault '" + f.id +
                                  "' takes tenants out, which network fidelity does not model "
                                  "yet; run it at state fidelity");
    }
    if (f.kind == FaultKind::degradation) {
      throw std::invalid_argument("fault '" + f.id +
                                  "' is a degradation, which network fidelity does not model "
                                  "yet; run it at state fidelity");
    }
  }
  for (const Service& s : scenario.topology->services()) {
    if (s.health_check && s.health_check->deep) {
      throw std::invalid_argument("service '" + s.id +
                                  "' has a deep health check, which network fidelity does not "
                                  "model yet; run it at state fidelity");
    }
  }
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
  return {ResultBuilder(scenario, calendar, traced.state, parsed, network.step).build(sample_times),
          parsed.metrics, NetworkBaseline{}};
}

}  // namespace faultline::detail

namespace faultline {

NetworkRunResult replay_network(const Scenario& scenario, const NetworkOptions& options) {
  detail::check(scenario, options);
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
