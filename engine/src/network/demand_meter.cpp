#include "network/demand_meter.hpp"

#include <algorithm>

#include "faultline/network.hpp"

namespace faultline::detail {

namespace sg4 = simgrid::s4u;

namespace {

constexpr double kBitsPerByte = 8;

}  // namespace

DemandMeter::DemandMeter(const Topology& topology, const Platform& platform, std::int64_t windows)
    : services_(topology.services().size()), windows_(static_cast<std::size_t>(windows)) {
  const std::size_t resources = platform.resource_links.size();
  demand_.capacity.assign(resources, 0.0);
  demand_.peak.assign(resources, 0.0);
  demand_.peak_step.assign(resources, -1);
  demand_.busiest.assign(services_ * windows_, -1);
  demand_.busiest_utilisation.assign(services_ * windows_, 0.0);
  for (std::uint32_t r = 0; r < resources; ++r) {
    if (const sg4::Link* link = platform.resource_links[r]) {
      demand_.capacity[r] = link->get_bandwidth() * kBitsPerByte;
      resource_of_link_[link] = r;
    }
  }
  for (std::uint32_t d = 0; d < platform.deployments.size(); ++d) {
    demand_.capacity[deployment_host_resource(DeploymentId{d})] =
        platform.deployments[d]->get_speed() / kFlopsPerRequest;
  }
}

DemandMeter::StepDemand DemandMeter::new_step() const {
  return {std::vector<double>(demand_.capacity.size(), 0.0),
          std::vector<std::vector<std::uint32_t>>(services_)};
}

void DemandMeter::ask(StepDemand& step, std::uint32_t resource, double amount,
                      std::span<const ServiceId> callers, ServiceId service) const {
  step.asked[resource] += amount;
  const auto cross = [&](ServiceId s) {
    auto& crossed = step.crossed[s.value];
    if (std::find(crossed.begin(), crossed.end(), resource) == crossed.end())
      crossed.push_back(resource);
  };
  for (const ServiceId caller : callers)
    cross(caller);
  cross(service);
}

const std::vector<std::uint32_t>& DemandMeter::links_between(sg4::Host* from, sg4::Host* to) {
  const auto [at, added] = routes_.try_emplace({from, to});
  if (added) {
    std::vector<sg4::Link*> links;
    from->route_to(to, links, nullptr);
    for (const sg4::Link* link : links)
      at->second.push_back(resource_of_link_.at(link));
  }
  return at->second;
}

void DemandMeter::transfer(StepDemand& step, sg4::Host* from, sg4::Host* to, double bits_per_second,
                           std::span<const ServiceId> callers, ServiceId service) {
  for (const std::uint32_t r : links_between(from, to))
    ask(step, r, bits_per_second, callers, service);
}

void DemandMeter::work(StepDemand& step, DeploymentId d, double requests_per_second,
                       std::span<const ServiceId> callers, ServiceId service) {
  ask(step, static_cast<std::uint32_t>(deployment_host_resource(d)), requests_per_second, callers,
      service);
}

void DemandMeter::fold(const StepDemand& step, std::int64_t first, std::int64_t first_window,
                       std::int64_t last_window) {
  const std::size_t resources = demand_.capacity.size();
  for (std::size_t r = 0; r < resources; ++r) {
    if (step.asked[r] > demand_.peak[r]) {
      demand_.peak[r] = step.asked[r];
      demand_.peak_step[r] = first;
    }
  }
  for (std::size_t s = 0; s < services_; ++s) {
    for (const std::uint32_t r : step.crossed[s]) {
      const double utilisation = step.asked[r] / demand_.capacity[r];
      for (auto w = static_cast<std::size_t>(first_window);
           w <= static_cast<std::size_t>(last_window) && w < windows_; ++w) {
        const std::size_t at = s * windows_ + w;
        if (utilisation > demand_.busiest_utilisation[at]) {
          demand_.busiest_utilisation[at] = utilisation;
          demand_.busiest[at] = r;
        }
      }
    }
  }
}

}  // namespace faultline::detail
