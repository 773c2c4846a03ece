// The network baseline: the scenario's requests through its platform with
// nothing failed, so that a platform too small for its load is said to be,
// with the resource that limits it, before any fault is blamed.

#include <algorithm>
#include <cmath>

#include "faultline/activity.hpp"
#include "faultline/network.hpp"
#include "network/isolated.hpp"
#include "network/network_run.hpp"
#include "network/platform.hpp"
#include "network/request_flows.hpp"

namespace faultline {

namespace {

// A capacity-limited host serves `capacity` concurrent users at the requests
// per second its speed gives; the peak needs that many users' worth more.
std::optional<UserCount> capacity_needed(const Topology& topology, const NetworkResource& r,
                                         double peak, double capacity) {
  if (r.kind != NetworkResource::Kind::deployment_host)
    return std::nullopt;
  const auto& limit = topology.deployment(DeploymentId{r.index}).capacity;
  if (!limit || capacity <= 0)
    return std::nullopt;
  // A share that lands a rounding error above a whole number of users
  // needs that number.
  const double users = static_cast<double>(limit->value) * peak / capacity;
  return UserCount{static_cast<std::int64_t>(std::ceil(users - 1e-6))};
}

std::vector<ResourceLoad> loads_of(const Topology& topology, const detail::ResourceDemand& demand,
                                   Duration step) {
  std::vector<ResourceLoad> loads;
  const std::vector<NetworkResource> resources = network_resources(topology);
  for (std::size_t r = 0; r < resources.size(); ++r) {
    ResourceLoad load{resources[r], demand.capacity[r], demand.peak[r], SimTime{}, std::nullopt};
    if (demand.peak_step[r] >= 0)
      load.peak_at = SimTime{} + step * demand.peak_step[r];
    load.capacity_needed = capacity_needed(topology, load.resource, load.peak, load.capacity);
    loads.push_back(load);
  }
  return loads;
}

// The position of the window in which the service served the smallest
// share (the first of equals).
std::optional<std::size_t> worst_window(const std::vector<RequestWindow>& windows) {
  std::optional<std::size_t> worst;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    if (!worst || windows[w].success_rate() < windows[*worst].success_rate())
      worst = w;
  }
  return worst;
}

// The service's shortfall in its worst window, with the busiest resource
// its requests crossed there.
BaselineShortfall shortfall(const detail::ResourceDemand& demand, ServiceId s,
                            const std::vector<RequestWindow>& windows, std::size_t worst) {
  BaselineShortfall out{s, windows[worst], std::nullopt, 0};
  const std::size_t at = s.value * windows.size() + worst;
  if (demand.busiest[at] >= 0) {
    out.bottleneck = static_cast<std::size_t>(demand.busiest[at]);
    out.bottleneck_utilisation = demand.busiest_utilisation[at];
  }
  return out;
}

NetworkBaseline baseline_of(const Topology& topology, const detail::FlowResult& flows,
                            SimTime until, Duration step) {
  NetworkBaseline out;
  out.until = until;
  const detail::ResourceDemand& demand = *flows.demand;
  out.loads = loads_of(topology, demand, step);
  for (std::size_t r = 0; r < out.loads.size(); ++r) {
    if (out.loads[r].peak > out.loads[r].capacity)
      out.overloaded.push_back(r);
  }
  std::stable_sort(out.overloaded.begin(), out.overloaded.end(), [&](std::size_t a, std::size_t b) {
    return out.loads[a].utilisation() > out.loads[b].utilisation();
  });
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    const auto& windows = flows.metrics.services[s];
    const auto worst = worst_window(windows);
    if (!worst || windows[*worst].success_rate() >= kBaselineServed)
      continue;
    out.shortfalls.push_back(shortfall(demand, ServiceId{s}, windows, *worst));
  }
  return out;
}

}  // namespace

NetworkBaseline check_network_baseline(const Scenario& scenario, SimTime until,
                                       const NetworkOptions& options) {
  detail::check(scenario, options);
  const Topology& topology = *scenario.topology;
  const SimTime end = std::min(until, SimTime{} + kLongestBaseline);
  HealthInputs healthy;
  HealthPropagator(topology).copy_inputs(healthy);
  const std::vector<HealthChange> trace{{SimTime{}, healthy}};
  const ActivityCalendar calendar(topology, scenario.clock, activity_until(scenario));
  const std::string answer = detail::run_isolated([&] {
    return detail::serialize(detail::simulate_flows(topology, calendar, trace, end, options, true));
  });
  return baseline_of(topology, detail::parse_flows(answer, topology), end, options.step);
}

}  // namespace faultline
