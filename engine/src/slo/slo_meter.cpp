// Error budgets spent by a run. The window opens at T0 and lasts the SLO's
// duration; a service's events in it are its demand over time (state
// fidelity) or its requests (network fidelity); the run's share not served,
// and the events of users of tenants out, spend the budget, (1 - target) of
// the window's events or slices.

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "faultline/slo.hpp"

namespace faultline {

namespace {

// A span of the run in which some of the service's events are bad: a
// share of every user's, or, of one group, a share of the users of its
// tenants out. Those tenants' users are cut off from everything (see
// TenantStates), so of them the share the service did serve is bad too;
// the share it did not is in the span of every user's already.
struct BadSpan {
  SimTime from;
  SimTime to;
  double share = 0;
  std::optional<UserGroupId> group;
  UserCount users;  // of the group's tenants out
};

// The service's spans of shortfall within [T0, until), in time order.
std::vector<BadSpan> shortfalls(const RunResult& run, ServiceId s, SimTime until) {
  std::vector<BadSpan> out;
  double served = 1.0;
  SimTime since;
  const auto close = [&](SimTime at) {
    const SimTime to = std::min(at, until);
    if (!fully_served(served) && since < to)
      out.push_back({since, to, 1.0 - served, std::nullopt, UserCount{}});
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

// The share the service served over [from, to), piece by piece: `spans` are
// its shortfalls, in time order.
template <class Piece>
void served_pieces(std::span<const BadSpan> spans, SimTime from, SimTime to, Piece piece) {
  SimTime at = from;
  for (const BadSpan& f : spans) {
    if (f.to <= at || f.from >= to)
      continue;
    if (at < f.from)
      piece(at, f.from, 1.0);
    const SimTime end = std::min(f.to, to);
    piece(std::max(at, f.from), end, 1.0 - f.share);
    at = end;
  }
  if (at < to)
    piece(at, to, 1.0);
}

// Calls span(from, to, users) for each stretch within [from, to) in which
// the group had users of tenants out, in time order.
template <class Span>
void tenants_out_spans(const RunResult& run, UserGroupId g, SimTime from, SimTime to, Span span) {
  UserCount users;
  SimTime since;
  const auto close = [&](SimTime at) {
    const SimTime a = std::max(since, from);
    const SimTime b = std::min(at, to);
    if (users != UserCount{} && a < b)
      span(a, b, users);
  };
  for (const GroupTenantsOut& o : run.group_tenants_out) {
    if (o.group != g)
      continue;
    close(o.at);
    users = o.users;
    since = o.at;
  }
  close(run.end);
}

// The spans of the group's users whose tenants are out, less what the
// service's shortfalls count of them, within [T0, until).
void add_tenants_out(const RunResult& run, UserGroupId g, std::span<const BadSpan> shortfalls,
                     SimTime until, std::vector<BadSpan>& out) {
  tenants_out_spans(run, g, SimTime{}, until, [&](SimTime since, SimTime to, UserCount users) {
    served_pieces(shortfalls, since, to, [&](SimTime from, SimTime end, double served) {
      if (served > 0)
        out.push_back({from, end, served, g, users});
    });
  });
}

// The group's users whose tenants were out at the run's end.
UserCount tenants_out_at_end(const RunResult& run, UserGroupId g) {
  for (auto o = run.group_tenants_out.rbegin(); o != run.group_tenants_out.rend(); ++o) {
    if (o->group == g)
      return o->users;
  }
  return UserCount{};
}

// The service's shortfalls, then each group's tenants out.
std::vector<BadSpan> bad_spans(const Topology& topology, ServiceId s, const RunResult& run,
                               SimTime until) {
  std::vector<BadSpan> spans = shortfalls(run, s, until);
  if (!run.group_tenants_out.empty()) {
    const std::vector<BadSpan> of_service = spans;
    for (const UserGroupId g : topology.load_of(s))
      add_tenants_out(run, g, of_service, until, spans);
  }
  return spans;
}

SimTime window_end(const Slo& slo) {
  return SimTime{} + slo.window;
}

// The run's bounds against the window's: it ended short when the service
// did, or some group reaching it had tenants out.
SloBurn bounded(const Slo& slo, const RunResult& run, ServiceId s,
                std::span<const UserGroupId> groups) {
  const ServiceState last = run.services[s.value].final_state;
  SloBurn out;
  out.run_outlasts_window = run.end > window_end(slo);
  out.short_at_end = run.end < window_end(slo) &&
                     (last == ServiceState::partial_outage || last == ServiceState::major_outage ||
                      std::any_of(groups.begin(), groups.end(), [&](UserGroupId g) {
                        return tenants_out_at_end(run, g) != UserCount{};
                      }));
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
double SloMeter::active(UserGroupId g, UserCount users, SimTime from, SimTime to) const {
  double total = 0;
  ActivityCalendar::Cursor at;
  for (SimTime start = from; start < to;) {
    const SimTime end = std::min(to, start + Duration::days(1));
    calendar_.move_to(g, at, start);
    const auto span = calendar_.span(g, at, start, end);
    total += static_cast<double>(calendar_.active_time(g, users, span).user_ms);
    start = end;
  }
  return total;
}

double SloMeter::demand(ServiceId s, SimTime from, SimTime to) const {
  double total = 0;
  for (const UserGroupId g : scenario_->topology->load_of(s))
    total += active(g, scenario_->topology->user_group(g).users, from, to);
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

// The run's bad events in each slice they touch, in user-milliseconds,
// with the slice's demand; Occurrences count them over the window at once.
SloBurn SloMeter::burn_state(std::size_t k, const RunResult& run) const {
  const Slo& slo = slos_[k];
  const ServiceId s = services_[k];
  const SimTime end = window_end(slo);
  SloBurn out = bounded(slo, run, s, scenario_->topology->load_of(s));
  const std::vector<BadSpan> spans = bad_spans(*scenario_->topology, s, run, end);
  // In user-milliseconds.
  const auto bad_events = [&](const BadSpan& span, SimTime from, SimTime to) {
    return span.share *
           (span.group ? active(*span.group, span.users, from, to) : demand(s, from, to));
  };
  double bad = 0;  // Occurrences: in user-milliseconds
  for (const BadSpan& f : spans) {
    if (slo.method == BudgetingMethod::occurrences)
      bad += bad_events(f, f.from, f.to);
  }
  for (const SloObjective& o : slo.objectives) {
    if (slo.method == BudgetingMethod::occurrences) {
      // In user-seconds, as the budget is shown.
      out.objectives.push_back(occurrences(o, window_demand_[k] / 1000, bad / 1000));
      continue;
    }
    const Duration slice = *o.time_slice_window;
    std::map<std::int64_t, std::pair<double, double>> slices;  // (bad, total) of each touched
    for (const BadSpan& f : spans) {
      for (SimTime t = f.from; t < f.to;) {
        const std::int64_t index = t.since_t0().ms / slice.ms;
        const SimTime slice_start = SimTime{} + Duration{index * slice.ms};
        const SimTime next = std::min(f.to, slice_start + slice);
        const auto [it, first] = slices.try_emplace(index);
        if (first)
          it->second.second = demand(s, slice_start, std::min(slice_start + slice, end));
        it->second.first += bad_events(f, t, next);
        t = next;
      }
    }
    std::vector<std::pair<double, double>> touched;
    for (const auto& [index, slice_events] : slices)
      touched.push_back(slice_events);
    out.objectives.push_back(by_slices(slo, o, touched));
  }
  return out;
}

// The users of tenants out among the active users reaching s over [from,
// to), in user-milliseconds.
double SloMeter::tenants_out_active(ServiceId s, const RunResult& run, SimTime from,
                                    SimTime to) const {
  double total = 0;
  for (const UserGroupId g : scenario_->topology->load_of(s)) {
    tenants_out_spans(run, g, from, to, [&](SimTime a, SimTime b, UserCount users) {
      total += active(g, users, a, b);
    });
  }
  return total;
}

// The window's requests not served, and of those served the share its
// users of tenants out made: they were cut off from everything (the
// network sends them all the same).
double SloMeter::bad_requests(ServiceId s, const RunResult& run, const RequestWindow& w,
                              SimTime from, SimTime to) const {
  const double not_served = w.requests - w.served;
  if (run.group_tenants_out.empty() || to <= from)
    return not_served;
  const double all = demand(s, from, to);
  return all > 0 ? not_served + w.served * tenants_out_active(s, run, from, to) / all : not_served;
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
  SloBurn out = bounded(slo, run, s, scenario_->topology->load_of(s));
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
    failed += bad_requests(s, run, w, w.from, to) * share;
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
        const SimTime to = std::min(windows[i].from + window, run.end);
        slice.first += bad_requests(s, run, windows[i], windows[i].from, to);
        slice.second += windows[i].requests;
      }
    }
    out.objectives.push_back(by_slices(slo, o, slices));
  }
  return out;
}

}  // namespace faultline
