#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>

#include "faultline/activity.hpp"
#include "faultline/health.hpp"
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
// of the state run's runbook, crews, faults and tenants. Users are
// accounted as at state fidelity, each step start an instant, and each
// change of a group's users of tenants out one too. The users a network
// step brings back are put down to the runbook step that completed, or
// finished a wave, during the step just ended; those a change of tenants
// brings back, to the step that progressed at that instant (a batch). Where
// several did, the last takes the user-hours and each the users back.
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
    cut_off_.assign(topology_.user_groups().size(), 0.0);
    tenant_users_.assign(topology_.user_groups().size(), UserCount{});
    next_tenant_change_ = 0;
    progress_counted_.assign(state_.progress.size(), 0);
    // Repeated steps hold the same state, so a run of them is one span.
    for (const detail::StepRun& run : flows_.steps) {
      const SimTime from = SimTime{} + step_ * run.first;
      if (from >= state_.end)
        break;
      apply_tenant_changes_before(from);
      apply_step(from, run.flows);
    }
    apply_tenant_changes_before(state_.end + Duration::milliseconds(1));
    users_.advance_to(state_.end);
    count_progress(SimTime{} - Duration::milliseconds(1), state_.end);
    users_back_.instant_ends(users_.total_affected(), instant_progress_);
    users_.finish();
    for (std::uint32_t s = 0; s < result.services.size(); ++s)
      detail::close_state_interval(result.services[s], state_since_[s], state_.end);
    result.services_restored = detail::services_restored(result.services);
    result.all_restored = detail::all_restored(result);
    result.observed.clear();
    for (const Milestone& m : scenario_.observed)
      result.observed.push_back(detail::judge(m, result));
    merge_timeline();
    return result;
  }

 private:
  // The requests of each group not served from `from` on, and the tenants
  // out then: each group's users cut off follow both.
  void apply_step(SimTime from, const detail::StepFlows& flows) {
    users_.advance_to(from);
    for (std::uint32_t s = 0; s < topology_.services().size(); ++s)
      record_state(from, s, health_of(flows, s));
    std::copy(flows.cut_off.begin(), flows.cut_off.end(), cut_off_.begin());
    take_tenant_changes_at(from);
    const std::optional<StepId> cause = count_progress(from - step_, from);
    for (std::uint32_t g = 0; g < topology_.user_groups().size(); ++g)
      update_group(UserGroupId{g}, cause);
    end_instant();
  }

  // Tenants that went out or came back between network steps, each change
  // an instant of its own.
  void apply_tenant_changes_before(SimTime t) {
    const auto& changes = state_.group_tenants_out;
    while (next_tenant_change_ < changes.size() && changes[next_tenant_change_].at < t) {
      const SimTime at = changes[next_tenant_change_].at;
      users_.advance_to(at);
      const std::size_t first = next_tenant_change_;
      take_tenant_changes_at(at);
      const std::optional<StepId> cause = count_progress(at - Duration::milliseconds(1), at);
      for (std::size_t i = first; i < next_tenant_change_; ++i)
        update_group(changes[i].group, cause);
      end_instant();
    }
  }

  void take_tenant_changes_at(SimTime t) {
    const auto& changes = state_.group_tenants_out;
    for (; next_tenant_change_ < changes.size() && changes[next_tenant_change_].at == t;
         ++next_tenant_change_)
      tenant_users_[changes[next_tenant_change_].group.value] = changes[next_tenant_change_].users;
  }

  // A tenant out has all its users cut off, the group's other users their
  // share of the requests not served.
  void update_group(UserGroupId g, std::optional<StepId> cause) {
    const UserCount affected =
        users_cut_off(topology_.user_group(g).users, tenant_users_[g.value], cut_off_[g.value]);
    const UserCount before = users_.affected(g);
    if (affected == before)
      return;
    if (affected < before)
      users_back_.came_back(before - affected, cause.has_value());
    const UserTime share = users_.set_affected(g, affected);
    if (share == UserTime{})
      return;
    (cause ? result_->steps[cause->value].restored_loss : result_->restored_loss_otherwise) +=
        share;
  }

  void end_instant() {
    users_.settle();
    users_back_.instant_ends(users_.total_affected(), instant_progress_);
  }

  void record_state(SimTime now, std::uint32_t s, const ServiceHealth& h) {
    if (const auto from = detail::change_state(result_->services[s], state_since_[s], h, now))
      timeline_.push_back(detail::state_entry(ServiceId{s}, *from, h, now));
  }

  // The state run's progress in (after, until] not yet counted by an
  // earlier instant becomes this instant's; returns the step of the last.
  std::optional<StepId> count_progress(SimTime after, SimTime until) {
    const auto& progress = state_.progress;
    const auto by_time = [](SimTime at, const StepProgress& p) { return at < p.at; };
    const auto first = std::upper_bound(progress.begin(), progress.end(), after, by_time);
    const auto last = std::upper_bound(first, progress.end(), until, by_time);
    instant_progress_.clear();
    for (auto it = first; it != last; ++it) {
      const auto i = static_cast<std::size_t>(it - progress.begin());
      if (!progress_counted_[i]) {
        progress_counted_[i] = 1;
        instant_progress_.push_back(i);
      }
    }
    if (instant_progress_.empty())
      return std::nullopt;
    return progress[instant_progress_.back()].step;
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
  // By group: the share of its requests not served in the current network
  // step, and its users of tenants out now.
  std::vector<double> cut_off_;
  std::vector<UserCount> tenant_users_;
  // The first of the state run's group_tenants_out not yet applied.
  std::size_t next_tenant_change_ = 0;
  // By index in the state run's progress: whether an instant counted it;
  // and those the current instant counts.
  std::vector<char> progress_counted_;
  std::vector<std::size_t> instant_progress_;
};

}  // namespace

}  // namespace faultline

namespace faultline::detail {

// The platform's links lose no packets: a run there would leave the
// health checks a degradation fails out of its figures.
void check(const Scenario& scenario, const NetworkOptions& network) {
  for (const Fault& f : scenario.faults) {
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
          parsed.metrics, step_resolution(traced.trace, network.step, traced.state.end),
          NetworkBaseline{}};
}

}  // namespace faultline::detail

namespace faultline {

// A state [from, to) is seen when a step starts in it: the first step start
// at or after `from` comes before `to`. Entries at one instant are one
// change, whose state is the last's.
StepResolution step_resolution(std::span<const HealthChange> trace, Duration step, SimTime end) {
  StepResolution r;
  r.step = step;
  for (std::size_t i = 0; i < trace.size() && trace[i].at < end; ++i) {
    const SimTime from = trace[i].at;
    const SimTime to = i + 1 < trace.size() ? std::min(trace[i + 1].at, end) : end;
    if (to <= from)
      continue;
    const std::int64_t into_step = from.ms % step.ms;
    const SimTime first_start = into_step == 0 ? from : from + (step - Duration{into_step});
    const bool seen = first_start < to;
    if (r.shortest_state == Duration{} || to - from < r.shortest_state)
      r.shortest_state = to - from;
    if (from > SimTime{}) {
      ++r.changes;
      if (seen && into_step != 0) {
        ++r.changes_late;
        r.latest = std::max(r.latest, first_start - from);
      }
    }
    if (seen)
      continue;
    if (r.unseen++ == 0)
      r.first_unseen_at = from;
    r.unseen_time = r.unseen_time + (to - from);
  }
  return r;
}

NetworkRunResult replay_network(const Scenario& scenario, const NetworkOptions& options) {
  detail::check(scenario, options);
  detail::TracedRun traced;
  detail::RunOptions run_options;
  run_options.record_timeline = true;
  const auto tables = std::make_shared<const detail::RunTables>(scenario);
  detail::Run run(tables);
  detail::run_traced(scenario, run, run_options, options, traced);
  const ActivityCalendar& calendar = tables->calendar();
  detail::IsolatedWork flows = detail::start_flows(*scenario.topology, calendar, traced, options);
  NetworkBaseline baseline = check_network_baseline(scenario, traced.state.end, options);
  NetworkRunResult result =
      detail::network_result(scenario, calendar, traced, flows.result(), options, {});
  result.baseline = std::move(baseline);
  return result;
}

}  // namespace faultline
