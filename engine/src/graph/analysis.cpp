#include "faultline/analysis.hpp"

#include <algorithm>

#include "faultline/activity.hpp"
#include "faultline/health.hpp"
#include "graph/dependency_graph.hpp"

namespace faultline {

namespace {

// Edges dependency -> dependant, for hard dependencies only: what a loss
// spreads along.
graph::Successors hard_dependants(const Topology& topology) {
  graph::Successors edges(topology.services().size());
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    for (const auto& dep : topology.services()[s].dependencies) {
      if (dep.kind == DependencyKind::hard)
        edges[dep.service.value].push_back(s);
    }
  }
  return edges;
}

HardReach reach_from(const Topology& topology, const graph::Successors& hard,
                     std::span<const ServiceId> lost) {
  std::vector<std::uint32_t> starts;
  for (const ServiceId s : lost)
    starts.push_back(s.value);
  const std::vector<std::uint32_t> reached = graph::reachable(hard, starts);
  HardReach reach;
  std::vector<char> group_hit(topology.user_groups().size(), 0);
  for (const std::uint32_t v : reached) {
    reach.services.push_back(ServiceId{v});
    for (const UserGroupId g : topology.users_of(ServiceId{v}))
      group_hit[g.value] = 1;
  }
  for (std::uint32_t g = 0; g < group_hit.size(); ++g) {
    if (!group_hit[g])
      continue;
    reach.user_groups.push_back(UserGroupId{g});
    reach.users += topology.user_groups()[g].users;
  }
  return reach;
}

BlastRadius blast_radius_of(const Topology& topology, const graph::Successors& g, ServiceId s) {
  const ServiceId lost[] = {s};
  HardReach reach = reach_from(topology, g, lost);
  std::erase(reach.services, s);
  return {s, std::move(reach.services), std::move(reach.user_groups), reach.users};
}

std::vector<std::vector<ServiceId>> layers_of(const Topology& topology) {
  const auto successors = graph::dependency_edges(topology);
  const auto component = graph::strong_components(successors);
  const std::size_t n = successors.size();
  // Components are numbered dependencies first, so one pass in component order
  // sees every dependency's layer before its dependants'.
  std::vector<std::vector<std::uint32_t>> members(n);
  for (std::uint32_t v = 0; v < n; ++v)
    members[component[v]].push_back(v);
  std::vector<std::uint32_t> component_layer(n, 0);
  std::vector<std::vector<ServiceId>> layers;
  for (std::uint32_t c = 0; c < n; ++c) {
    if (members[c].empty())
      continue;
    std::uint32_t layer = 0;
    for (const std::uint32_t v : members[c]) {
      for (const std::uint32_t dep : successors[v]) {
        if (component[dep] != c)
          layer = std::max(layer, component_layer[component[dep]] + 1);
      }
    }
    component_layer[c] = layer;
    if (layers.size() <= layer)
      layers.resize(layer + 1);
    for (const std::uint32_t v : members[c])
      layers[layer].push_back(ServiceId{v});
  }
  for (auto& layer : layers)
    std::sort(layer.begin(), layer.end());
  return layers;
}

// The group's services that lose everything when these deployments do, at
// the busiest hour of every group at once (the worst load capacity meets)
// and with every failover working.
std::vector<ServiceId> services_down_without(const Topology& topology, const UserGroup& group,
                                             std::span<const DeploymentId> lost) {
  HealthPropagator health(topology);
  std::vector<std::uint16_t> busiest;
  for (const UserGroup& each : topology.user_groups())
    busiest.push_back(each.activity.busiest());
  for (std::uint32_t s = 0; s < topology.services().size(); ++s)
    health.set_demand(ServiceId{s}, demand_on(topology, ServiceId{s}, busiest));
  for (const DeploymentId d : lost)
    health.set_healthy_instances(d, 0);
  health.settle_failovers();
  health.propagate();
  std::vector<ServiceId> down;
  for (const ServiceId s : group.uses) {
    if (health.health(s).state() == ServiceState::major_outage)
      down.push_back(s);
  }
  return down;
}

std::vector<GroupSpofs> spofs_of(const Topology& topology) {
  std::vector<GroupSpofs> out;
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroup& group = topology.user_groups()[g];
    GroupSpofs spofs{UserGroupId{g}, {}};
    for (std::uint32_t r = 0; r < topology.regions().size(); ++r) {
      auto down = services_down_without(topology, group, topology.deployments_in(RegionId{r}));
      if (!down.empty())
        spofs.spofs.push_back({ComponentKind::region, r, std::move(down)});
    }
    for (std::uint32_t d = 0; d < topology.deployments().size(); ++d) {
      const DeploymentId lost[] = {DeploymentId{d}};
      auto down = services_down_without(topology, group, lost);
      if (!down.empty())
        spofs.spofs.push_back({ComponentKind::deployment, d, std::move(down)});
    }
    out.push_back(std::move(spofs));
  }
  return out;
}

}  // namespace

HardReach hard_reach(const Topology& topology, std::span<const ServiceId> lost) {
  return reach_from(topology, hard_dependants(topology), lost);
}

TopologyAnalysis analyze(const Topology& topology) {
  TopologyAnalysis analysis;
  analysis.layers = layers_of(topology);
  for (const auto& cycle : graph::find_cycles(graph::dependency_edges(topology))) {
    std::vector<ServiceId> path;
    for (const auto v : cycle)
      path.push_back(ServiceId{v});
    analysis.cycles.push_back(std::move(path));
  }
  const graph::Successors g = hard_dependants(topology);
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    analysis.blast_radius.push_back(blast_radius_of(topology, g, ServiceId{s}));
  }
  analysis.single_points_of_failure = spofs_of(topology);
  return analysis;
}

}  // namespace faultline
