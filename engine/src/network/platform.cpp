#include "network/platform.hpp"

#include <csignal>

#include <simgrid/kernel/routing/NetPoint.hpp>

#include <algorithm>

#include "faultline/network.hpp"

namespace faultline::detail {

namespace sg4 = simgrid::s4u;

namespace {

constexpr double kBitsPerByte = 8;

sg4::Link* make_link(sg4::NetZone* zone, const std::string& name, const LinkSpec& spec) {
  auto* link = zone->create_split_duplex_link(name, spec.bits_per_second / kBitsPerByte);
  link->set_latency(spec.latency.in_seconds());
  link->seal();
  return link;
}

// A split-duplex link's two directions: out of the host or region it joins
// (the direction routes from it take), and into it.
void note_link(Platform& platform, const sg4::Link* link, std::size_t inbound,
               std::size_t outbound) {
  const auto* duplex = sg4::SplitDuplexLink::by_name(link->get_name());
  platform.resource_links[inbound] = duplex->get_link_down();
  platform.resource_links[outbound] = duplex->get_link_up();
}

// A host with its own link to the rest of its zone, with a power state per
// number of healthy instances: state k runs at the speed of all but k.
std::pair<sg4::Host*, const sg4::Link*> make_host(sg4::NetZone* zone, const std::string& name,
                                                  double rps, int instances, const LinkSpec& lan) {
  // Full strength first: SimGrid starts a host in its power state 0.
  std::vector<double> speeds;
  for (int healthy = instances; healthy >= 1; --healthy)
    speeds.push_back(std::max(1.0, rps) * kFlopsPerRequest * healthy / instances);
  auto* host = zone->create_host(name, speeds);
  host->seal();
  const sg4::Link* link = make_link(zone, "lan:" + name, lan);
  zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                  {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)}, true);
  return {host, link};
}

}  // namespace

std::unique_ptr<sg4::Engine> make_engine() {
  static char program[] = "faultline";
  static char quiet[] = "--log=root.thres:critical";
  static char stack[] = "--cfg=contexts/stack-size:256";
  // A flow carries many requests: SimGrid's corrections for a single TCP
  // connection (slow start, window size) do not apply to it.
  static char model[] = "--cfg=network/model:CM02";
  static char window[] = "--cfg=network/TCP-gamma:1e15";
  char* argv[] = {program, quiet, stack, model, window, nullptr};
  int argc = 5;
  auto engine = std::make_unique<sg4::Engine>(&argc, argv);
  // SimGrid ends its process on SIGINT (exit 1, listing its actors), which
  // would leave the run without an answer; an interrupt is for the process
  // that started this one to act on (see IsolatedWork).
  std::signal(SIGINT, SIG_IGN);
  return engine;
}

namespace {

void count_calls(const Topology& topology, ServiceId s, std::vector<char>& on_path,
                 std::vector<double>& calls) {
  calls[s.value] += 1;
  on_path[s.value] = 1;
  for (const Dependency& dependency : topology.service(s).dependencies) {
    if (!on_path[dependency.service.value])
      count_calls(topology, dependency.service, on_path, calls);
  }
  on_path[s.value] = 0;
}

}  // namespace

double calls_per_user_request(const Topology& topology, ServiceId s) {
  const std::size_t services = topology.services().size();
  double most = 0;
  std::vector<char> on_path(services);
  std::vector<double> calls(services);
  for (const UserGroupId g : topology.load_of(s)) {
    std::fill(calls.begin(), calls.end(), 0.0);
    for (const ServiceId used : topology.user_group(g).uses)
      count_calls(topology, used, on_path, calls);
    most = std::max(most, calls[s.value]);
  }
  return most;
}

double requests_per_second(const Topology& topology, DeploymentId d) {
  const Deployment& deployment = topology.deployment(d);
  const double per_user = topology.network().request.per_active_user_hour / 3600.0 *
                          calls_per_user_request(topology, deployment.service);
  if (deployment.capacity)
    return static_cast<double>(deployment.capacity->value) * per_user;
  UserCount reaching;
  for (const UserGroupId g : topology.load_of(deployment.service))
    reaching += topology.user_group(g).users;
  return std::max(kLeastUnlimitedRequestsPerSecond,
                  10.0 * static_cast<double>(reaching.value) * per_user);
}

std::size_t deployment_host_resource(DeploymentId d) {
  return 3 * std::size_t{d.value};
}

std::size_t deployment_link_resource(DeploymentId d, bool inbound) {
  return 3 * std::size_t{d.value} + (inbound ? 1 : 2);
}

std::size_t clients_link_resource(const Topology& topology, UserGroupId g, bool inbound) {
  return 3 * topology.deployments().size() + 2 * std::size_t{g.value} + (inbound ? 0 : 1);
}

std::size_t region_link_resource(const Topology& topology, RegionId r, bool inbound) {
  return 3 * topology.deployments().size() + 2 * topology.user_groups().size() +
         2 * std::size_t{r.value} + (inbound ? 0 : 1);
}

Platform build_platform(const Topology& topology) {
  const NetworkSpec& network = topology.network();
  Platform platform;
  platform.deployments.resize(topology.deployments().size());
  platform.clients.resize(topology.user_groups().size());
  platform.resource_links.resize(network_resources(topology).size());
  // SimGrid names are by index: ids are free text, and one could otherwise
  // take the name SimGrid gives something else.
  auto* root = sg4::create_star_zone("estate");
  for (std::uint32_t r = 0; r < topology.regions().size(); ++r) {
    const std::string region = "region:" + std::to_string(r);
    auto* zone = sg4::create_star_zone(region);
    zone->set_parent(root);
    auto* gateway = zone->create_router("gateway:" + region);
    for (const DeploymentId d : topology.deployments_in(RegionId{r})) {
      const auto [host, link] =
          make_host(zone, "deployment:" + std::to_string(d.value), requests_per_second(topology, d),
                    topology.deployment(d).instances, network.lan);
      platform.deployments[d.value] = host;
      note_link(platform, link, deployment_link_resource(d, true),
                deployment_link_resource(d, false));
    }
    for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
      if (topology.user_groups()[g].region.value != r)
        continue;
      const auto [host, link] = make_host(zone, "clients:" + std::to_string(g), 1, 1, network.lan);
      platform.clients[g] = host;
      note_link(platform, link, clients_link_resource(topology, UserGroupId{g}, true),
                clients_link_resource(topology, UserGroupId{g}, false));
    }
    // Traffic leaving the region crosses no link inside it but the host's own.
    zone->add_route(gateway, nullptr, nullptr, nullptr, {}, true);
    zone->seal();
    const sg4::Link* wan = make_link(root, "wan:" + region, topology.wan_link(RegionId{r}));
    note_link(platform, wan, region_link_resource(topology, RegionId{r}, true),
              region_link_resource(topology, RegionId{r}, false));
    root->add_route(zone->get_netpoint(), nullptr, gateway, nullptr,
                    {sg4::LinkInRoute(wan, sg4::LinkInRoute::Direction::UP)}, true);
  }
  root->seal();
  return platform;
}

}  // namespace faultline::detail
