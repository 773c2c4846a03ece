#include "faultline/analysis.hpp"

#include <algorithm>
#include <optional>

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

// Health with some deployments, or one service, lost: at the busiest hour
// of every group at once (the worst load capacity meets) and with every
// failover working. One propagator serves every probe.
class LossProbe {
 public:
  explicit LossProbe(const Topology& topology) : topology_(topology), health_(topology) {
    for (const UserGroup& group : topology.user_groups())
      busiest_.push_back(group.activity.busiest());
  }

  const HealthPropagator& lose(std::span<const DeploymentId> lost,
                               std::optional<ServiceId> service) {
    health_.reset();
    for (std::uint32_t s = 0; s < topology_.services().size(); ++s)
      health_.set_demand(ServiceId{s}, demand_on(topology_, ServiceId{s}, busiest_));
    for (const DeploymentId d : lost)
      health_.set_healthy_instances(d, 0);
    if (service)
      health_.set_capability(*service, 0.0);
    health_.settle_failovers();
    health_.propagate();
    return health_;
  }

 private:
  const Topology& topology_;
  HealthPropagator health_;
  std::vector<std::uint16_t> busiest_;
};

bool down(const HealthPropagator& health, ServiceId s) {
  return health.health(s).state() == ServiceState::major_outage;
}

// The hard dependencies between services in major outage: the ways a
// service's loss went.
graph::Successors loss_edges(const Topology& topology, const HealthPropagator& health) {
  graph::Successors edges(topology.services().size());
  for (std::uint32_t s = 0; s < edges.size(); ++s) {
    if (!down(health, ServiceId{s}))
      continue;
    for (const Dependency& dep : topology.services()[s].dependencies) {
      if (dep.kind == DependencyKind::hard && down(health, dep.service))
        edges[s].push_back(dep.service.value);
    }
  }
  return edges;
}

// Adds `component` to each group whose services its loss takes down (other
// than a lost service itself).
void add_spofs(const Topology& topology, const HealthPropagator& health, Component component,
               std::vector<GroupSpofs>& out) {
  const ServiceId* lost = std::get_if<ServiceId>(&component);
  // Built once per lost service, for every group it reaches.
  std::optional<graph::Successors> edges;
  for (GroupSpofs& group : out) {
    std::vector<ServiceId> services_down;
    for (const ServiceId s : topology.user_group(group.group).uses) {
      if (down(health, s) && !(lost && s == *lost))
        services_down.push_back(s);
    }
    if (services_down.empty())
      continue;
    std::vector<ServiceId> path;
    if (lost) {
      if (!edges)
        edges = loss_edges(topology, health);
      for (const std::uint32_t v :
           graph::shortest_path(*edges, services_down.front().value, lost->value))
        path.push_back(ServiceId{v});
    }
    group.spofs.push_back({component, std::move(services_down), std::move(path)});
  }
}

// Regions, then deployments, then services, each in the order written. A
// service without hard dependants can take down only itself.
std::vector<GroupSpofs> spofs_of(const Topology& topology) {
  std::vector<GroupSpofs> out;
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g)
    out.push_back({UserGroupId{g}, {}});
  LossProbe probe(topology);
  for (std::uint32_t r = 0; r < topology.regions().size(); ++r) {
    const RegionId region{r};
    add_spofs(topology, probe.lose(topology.deployments_in(region), std::nullopt), region, out);
  }
  for (std::uint32_t d = 0; d < topology.deployments().size(); ++d) {
    const DeploymentId lost[] = {DeploymentId{d}};
    add_spofs(topology, probe.lose(lost, std::nullopt), DeploymentId{d}, out);
  }
  const graph::Successors dependants = hard_dependants(topology);
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (!dependants[s].empty())
      add_spofs(topology, probe.lose({}, ServiceId{s}), ServiceId{s}, out);
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
