// Error budgets spent by a run. The window opens at T0 and lasts the SLO's
// duration; a service's events in it are its demand over time (state
// fidelity) or its requests (network fidelity); the run's share not served
// spends the budget, (1 - target) of the window's events or slices.

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "faultline/slo.hpp"

namespace faultline {

namespace {

// A span of the run in which the service served less than everything.
struct Shortfall {
  SimTime from;
  SimTime to;
  double not_served = 0;  // 1 - its share served
};

// The service's spans of shortfall within [T0, until), in time order.
std::vector<Shortfall> shortfalls(const RunResult& run, ServiceId s, SimTime until) {
  std::vector<Shortfall> out;
  double served = 1.0;
  SimTime since;
  const auto close = [&](SimTime at) {
    const SimTime to = std::min(at, until);
    if (!fully_served(served) && since < to)
      out.push_back({since, to, 1.0 - served});
  };
  for (const ServedChange& c : run.served_changes) {
    if (c.service != s)
      continue;
    close(c.at);
    served = c.served_fraction;
    since = c.at;
  }
  close(run.end);
  return out;
}

SimTime window_end(const Slo& slo) {
  return SimTime{} + slo.window;
}

// The run's bounds against the window's.
SloBurn bounded(const Slo& slo, const RunResult& run, ServiceId s) {
  const ServiceState last = run.services[s.value].final_state;
  SloBurn out;
  out.run_outlasts_window = run.end > window_end(slo);
  out.short_at_end = run.end < window_end(slo) &&
                     (last == ServiceState::partial_outage || last == ServiceState::major_outage);
  return out;
}

// Whole slices in the window; a last part slice counts as one.
std::int64_t slice_count(const Slo& slo, Duration slice) {
  return (slo.window.ms + slice.ms - 1) / slice.ms;
}

// One objective's budget and spending, given its events.
ObjectiveBurn occurrences(const SloObjective& o, double window_events, double bad) {
  return {(1.0 - o.target) * window_events, bad};
}

// Timeslices and RatioTimeslices alike, from each slice's (bad, total)
// events, for the slices in which any was bad; the others are good.
ObjectiveBurn by_slices(const Slo& slo, const SloObjective& o,
                        const std::vector<std::pair<double, double>>& slices) {
  ObjectiveBurn burn{(1.0 - o.target) * static_cast<double>(slice_count(slo, *o.time_slice_window)),
                     0};
  for (const auto& [bad, total] : slices) {
    if (total <= 0)
      continue;
    const double served = 1.0 - bad / total;
    if (slo.method == BudgetingMethod::ratio_timeslices)
      burn.spent += 1.0 - served;
    else if (served < *o.time_slice_target)
      burn.spent += 1;
  }
  return burn;
}

}  // namespace

double ObjectiveBurn::consumed() const {
  if (budget > 0)
    return spent / budget;
  return spent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

SloEvents events_of(const Slo& slo, bool network_fidelity) {
  if (slo.method != BudgetingMethod::occurrences)
    return SloEvents::time_slices;
  return network_fidelity ? SloEvents::requests : SloEvents::user_seconds;
}

std::string_view to_string(SloEvents events) {
  switch (events) {
    case SloEvents::user_seconds:
      return "user-seconds";
    case SloEvents::requests:
      return "requests";
    case SloEvents::time_slices:
      return "time slices";
  }
  return "";
}

namespace {

SimTime longest_window(const Scenario& scenario, std::span<const Slo> slos) {
  SimTime until = activity_until(scenario);
  for (const Slo& slo : slos)
    until = std::max(until, window_end(slo));
  return until;
}

}  // namespace

SloMeter::SloMeter(const Scenario& scenario, std::vector<Slo> slos,
                   std::optional<NetworkOptions> network)
    : scenario_(&scenario),
      slos_(std::move(slos)),
      network_(network),
      calendar_(*scenario.topology, scenario.clock, longest_window(scenario, slos_)) {
  for (const Slo& slo : slos_) {
    const auto s = scenario.topology->find_service(slo.service);
    if (!s) {
      throw std::invalid_argument(
          fmt::format("SLO '{}' is about service '{}', which topology '{}' does not have", slo.name,
                      slo.service, scenario.topology->name()));
    }
    services_.push_back(*s);
    window_demand_.push_back(demand(*s, SimTime{}, window_end(slo)));
    for (const SloObjective& o : slo.objectives) {
      if (network_ && o.time_slice_window && o.time_slice_window->ms % network_->window.ms != 0) {
        throw std::invalid_argument(fmt::format(
            "SLO '{}' has time slices of {}, which are not a whole number of the network "
            "fidelity's request windows ({}); give request windows (--window) that divide it",
            slo.name, format_duration(*o.time_slice_window), format_duration(network_->window)));
      }
    }
  }
}

// A day at a time: a group of 10^10 users active for a day is 8.6e17
// user-milliseconds, within the calendar's 64-bit sums; a year of them is not.
double SloMeter::demand(ServiceId s, SimTime from, SimTime to) const {
  double total = 0;
  for (const UserGroupId g : scenario_->topology->load_of(s)) {
    const UserCount users = scenario_->topology->user_group(g).users;
    ActivityCalendar::Cursor at;
    for (SimTime start = from; start < to;) {
      const SimTime end = std::min(to, start + Duration::days(1));
      calendar_.move_to(g, at, start);
      const auto span = calendar_.span(g, at, start, end);
      total += static_cast<double>(calendar_.active_time(g, users, span).user_ms);
      start = end;
    }
  }
  return total;
}

std::vector<SloBurn> SloMeter::burn(const RunResult& run) const {
  std::vector<SloBurn> out;
  for (std::size_t k = 0; k < slos_.size(); ++k)
    out.push_back(burn_state(k, run));
  return out;
}

std::vector<SloBurn> SloMeter::burn(const RunResult& run, const RequestMetrics& requests) const {
  std::vector<SloBurn> out;
  for (std::size_t k = 0; k < slos_.size(); ++k)
    out.push_back(burn_network(k, run, requests));
  return out;
}

// The run's shortfalls in each slice they touch, in user-milliseconds,
// with the slice's demand; Occurrences count them over the window at once.
SloBurn SloMeter::burn_state(std::size_t k, const RunResult& run) const {
  const Slo& slo = slos_[k];
  const ServiceId s = services_[k];
  const SimTime end = window_end(slo);
  SloBurn out = bounded(slo, run, s);
  const std::vector<Shortfall> spans = shortfalls(run, s, end);
  double bad = 0;  // Occurrences: in user-milliseconds
  for (const Shortfall& f : spans) {
    if (slo.method == BudgetingMethod::occurrences)
      bad += f.not_served * demand(s, f.from, f.to);
  }
  for (const SloObjective& o : slo.objectives) {
    if (slo.method == BudgetingMethod::occurrences) {
      // In user-seconds, as the budget is shown.
      out.objectives.push_back(occurrences(o, window_demand_[k] / 1000, bad / 1000));
      continue;
    }
    const Duration slice = *o.time_slice_window;
    std::vector<std::pair<double, double>> slices;  // (bad, total) of each slice touched
    std::int64_t current = -1;
    for (const Shortfall& f : spans) {
      for (SimTime t = f.from; t < f.to;) {
        const std::int64_t index = t.since_t0().ms / slice.ms;
        const SimTime slice_start = SimTime{} + Duration{index * slice.ms};
        const SimTime next = std::min(f.to, slice_start + slice);
        if (index != current) {
          slices.emplace_back(0, demand(s, slice_start, std::min(slice_start + slice, end)));
          current = index;
        }
        slices.back().first += f.not_served * demand(s, t, next);
        t = next;
      }
    }
    out.objectives.push_back(by_slices(slo, o, slices));
  }
  return out;
}

// Requests are counted by window; a window the SLO's window ends within
// counts in part. The SLO window's requests after the run are those its
// users' demand would make at the rate of the run's windows in which the
// service served everything (retries inflate the others), or of all of
// them when it never did: the requests a user makes do not change.
SloBurn SloMeter::burn_network(std::size_t k, const RunResult& run,
                               const RequestMetrics& requests) const {
  const Slo& slo = slos_[k];
  const ServiceId s = services_[k];
  const SimTime end = window_end(slo);
  const Duration window = requests.window;
  SloBurn out = bounded(slo, run, s);
  double asked = 0;
  double failed = 0;
  double healthy_asked = 0;
  double healthy_demand = 0;
  SimTime covered;
  for (const RequestWindow& w : requests.services[s.value]) {
    if (w.from >= end)
      break;
    // The requests of a window were made until its end or the run's, which
    // may come first; the part of that within the SLO's window counts.
    const SimTime made_until = std::min(w.from + window, run.end);
    if (made_until <= w.from)
      break;
    const SimTime to = std::min(made_until, end);
    const double share =
        static_cast<double>((to - w.from).ms) / static_cast<double>((made_until - w.from).ms);
    asked += w.requests * share;
    failed += (w.requests - w.served) * share;
    if (w.served >= w.requests) {
      healthy_asked += w.requests * share;
      healthy_demand += demand(s, w.from, to);
    }
    covered = to;
  }
  const double run_demand = demand(s, SimTime{}, covered);
  const double rate = healthy_demand > 0 ? healthy_asked / healthy_demand
                      : run_demand > 0   ? asked / run_demand
                                         : 0.0;
  const double window_requests = asked + rate * (window_demand_[k] - run_demand);
  for (const SloObjective& o : slo.objectives) {
    if (slo.method == BudgetingMethod::occurrences) {
      out.objectives.push_back(occurrences(o, window_requests, failed));
      continue;
    }
    const auto per_slice = static_cast<std::size_t>(o.time_slice_window->ms / window.ms);
    std::vector<std::pair<double, double>> slices;
    const auto& windows = requests.services[s.value];
    for (std::size_t first = 0; first < windows.size(); first += per_slice) {
      auto& slice = slices.emplace_back(0, 0);
      for (std::size_t i = first; i < std::min(windows.size(), first + per_slice); ++i) {
        if (windows[i].from >= end)
          break;
        slice.first += windows[i].requests - windows[i].served;
        slice.second += windows[i].requests;
      }
    }
    out.objectives.push_back(by_slices(slo, o, slices));
  }
  return out;
}

}  // namespace faultline
