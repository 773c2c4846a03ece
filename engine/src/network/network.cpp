#include "faultline/network.hpp"

#include <fmt/format.h>

#include <sstream>

#include "network/isolated.hpp"
#include "network/platform.hpp"

namespace faultline {

namespace {

namespace sg4 = simgrid::s4u;

// The pairs of hosts requests travel between, as (from, to) host indices:
// deployments first, then client hosts.
std::vector<std::pair<std::size_t, std::size_t>> request_paths(const Topology& topology) {
  const std::size_t clients = topology.deployments().size();
  std::vector<std::pair<std::size_t, std::size_t>> paths;
  for (std::size_t g = 0; g < topology.user_groups().size(); ++g) {
    for (const ServiceId s : topology.user_groups()[g].uses) {
      for (const DeploymentId d : topology.service(s).deployments)
        paths.emplace_back(clients + g, d.value);
    }
  }
  for (std::size_t d = 0; d < topology.deployments().size(); ++d) {
    const Service& service = topology.service(topology.deployments()[d].service);
    for (const Dependency& dependency : service.dependencies) {
      for (const DeploymentId to : topology.service(dependency.service).deployments)
        paths.emplace_back(d, to.value);
    }
  }
  return paths;
}

}  // namespace

std::vector<NetworkResource> network_resources(const Topology& topology) {
  using Kind = NetworkResource::Kind;
  std::vector<NetworkResource> out;
  for (std::uint32_t d = 0; d < topology.deployments().size(); ++d) {
    out.push_back({Kind::deployment_host, d, false});
    out.push_back({Kind::deployment_link, d, true});
    out.push_back({Kind::deployment_link, d, false});
  }
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    out.push_back({Kind::clients_link, g, true});
    out.push_back({Kind::clients_link, g, false});
  }
  for (std::uint32_t r = 0; r < topology.regions().size(); ++r) {
    out.push_back({Kind::region_link, r, true});
    out.push_back({Kind::region_link, r, false});
  }
  return out;
}

PlatformDescription describe_platform(const Topology& topology) {
  const auto paths = request_paths(topology);
  // The child sends numbers only, a line per host then per path; names are
  // the parent's to add, so nothing from the input crosses the pipe.
  const std::string answer = detail::run_isolated([&] {
    const auto engine = detail::make_engine();
    const detail::Platform platform = detail::build_platform(topology);
    std::vector<sg4::Host*> hosts = platform.deployments;
    hosts.insert(hosts.end(), platform.clients.begin(), platform.clients.end());
    std::string out;
    for (const sg4::Host* host : hosts)
      out += fmt::format("{:.17g}\n", host->get_speed() / kFlopsPerRequest);
    for (const auto& [from, to] : paths) {
      std::vector<sg4::Link*> links;
      double latency = 0;
      hosts[from]->route_to(hosts[to], links, &latency);
      double narrowest = links.empty() ? 0 : links.front()->get_bandwidth();
      for (const sg4::Link* link : links)
        narrowest = std::min(narrowest, link->get_bandwidth());
      out += fmt::format("{:.17g} {:.17g} {}\n", latency, narrowest * 8, links.size());
    }
    return out;
  });

  PlatformDescription description;
  std::istringstream in(answer);
  for (std::size_t d = 0; d < topology.deployments().size(); ++d) {
    const Deployment& deployment = topology.deployments()[d];
    PlatformHost host{deployment.id, topology.region(deployment.region).id, 0};
    in >> host.requests_per_second;
    description.hosts.push_back(std::move(host));
  }
  for (const UserGroup& group : topology.user_groups()) {
    PlatformHost host{"clients:" + group.id, topology.region(group.region).id, 0};
    in >> host.requests_per_second;
    description.hosts.push_back(std::move(host));
  }
  for (const auto& [from, to] : paths) {
    double latency = 0;
    PlatformRoute route{description.hosts[from].name, description.hosts[to].name, {}, 0, 0};
    in >> latency >> route.bottleneck_bits_per_second >> route.links;
    route.latency = Duration{static_cast<std::int64_t>(std::llround(latency * 1000))};
    description.routes.push_back(std::move(route));
  }
  if (!in)
    throw std::runtime_error("the network simulation sent back a platform that does not parse");
  return description;
}

}  // namespace faultline
