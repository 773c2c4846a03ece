#include "faultline/analysis.hpp"

#include <algorithm>
#include <optional>

#include "faultline/activity.hpp"
#include "faultline/health.hpp"
#include "graph/blast_radii.hpp"
#include "graph/dependency_graph.hpp"

namespace faultline {

namespace {

HardReach reach_from(const Topology& topology, const graph::Successors& hard,
                     std::span<const ServiceId> lost) {
  std::vector<std::uint32_t> starts;
  for (const ServiceId s : lost)
    starts.push_back(s.value);
  const std::vector<std::uint32_t> reached = graph::Reachability(hard).from(starts);
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

std::vector<std::vector<ServiceId>> layers_of(const Topology& topology) {
  const std::vector<std::uint32_t> layer = graph::dependency_layers(topology);
  std::vector<std::vector<ServiceId>> layers;
  for (std::uint32_t v = 0; v < layer.size(); ++v) {
    if (layers.size() <= layer[v])
      layers.resize(layer[v] + 1);
    layers[layer[v]].push_back(ServiceId{v});
  }
  return layers;
}

bool down(const HealthPropagator& health, ServiceId s) {
  return health.health(s).state() == ServiceState::major_outage;
}

// Health with some deployments, or one service, lost: at the busiest hour
// of every group at once (the worst load capacity meets), with every
// failover working and every deployment left at or past its overload
// threshold fallen over, as a run's would after its `after`. The estate
// is settled once; each loss is a trial on it, undone after, so a probe
// costs what the loss reaches (a fall, what its load moves to).
class LossProbe {
 public:
  explicit LossProbe(const Topology& topology);

  // The loss's health, until undo(); the groups whose services it may
  // have put in major outage (those of services it changed), ascending.
  std::span<const UserGroupId> lose(std::span<const DeploymentId> lost,
                                    std::optional<ServiceId> service);
  void undo() { health_.end_trial(); }
  const HealthPropagator& health() const { return health_; }
  // In major outage with nothing lost: no loss takes it down.
  bool down_at_peak(ServiceId s) const { return down_at_peak_[s.value] != 0; }
  // A shortest way the loss of `lost` went to `from`: along hard
  // dependencies through services in major outage, from `from` to `lost`;
  // of equally short ones, through the earliest-listed dependencies.
  std::vector<ServiceId> loss_path(ServiceId from, ServiceId lost);

 private:
  void consider(std::span<const ServiceId> changed);
  // Takes down those of the deployments at or past their overload
  // threshold; returns whether any fell.
  bool fall_over(std::span<const DeploymentId> deployments);

  const Topology& topology_;
  HealthPropagator health_;
  std::vector<DeploymentId> can_fall_over_;
  std::vector<char> down_at_peak_;  // by service
  std::vector<UserGroupId> groups_;
  std::vector<char> is_considered_;    // by group
  std::vector<std::uint32_t> parent_;  // by service, for loss_path
  std::vector<ServiceId> queue_;
};

constexpr std::uint32_t kNoParent = static_cast<std::uint32_t>(-1);

LossProbe::LossProbe(const Topology& topology)
    : topology_(topology),
      health_(topology),
      is_considered_(topology.user_groups().size(), 0),
      parent_(topology.services().size(), kNoParent) {
  std::vector<std::uint16_t> busiest;
  for (const UserGroup& group : topology.user_groups())
    busiest.push_back(group.activity.busiest());
  for (std::uint32_t s = 0; s < topology.services().size(); ++s)
    health_.set_demand(ServiceId{s}, demand_on(topology, ServiceId{s}, busiest));
  for (std::uint32_t d = 0; d < topology.deployments().size(); ++d) {
    if (topology.service(topology.deployment(DeploymentId{d}).service).overload)
      can_fall_over_.push_back(DeploymentId{d});
  }
  health_.settle_failovers();
  health_.propagate();
  while (fall_over(can_fall_over_))
    health_.propagate();
  for (std::uint32_t s = 0; s < topology.services().size(); ++s)
    down_at_peak_.push_back(down(health_, ServiceId{s}) ? 1 : 0);
}

void LossProbe::consider(std::span<const ServiceId> changed) {
  for (const ServiceId s : changed) {
    for (const UserGroupId g : topology_.users_of(s)) {
      if (!is_considered_[g.value]) {
        is_considered_[g.value] = 1;
        groups_.push_back(g);
      }
    }
  }
}

bool LossProbe::fall_over(std::span<const DeploymentId> deployments) {
  bool fell = false;
  for (const DeploymentId d : deployments) {
    const ServiceId s = topology_.deployment(d).service;
    if (health_.healthy_instances(d) == 0 ||
        health_.load_ratio(d) < topology_.service(s).overload->threshold)
      continue;
    health_.set_healthy_instances(d, 0);
    health_.settle_failover(s);
    fell = true;
  }
  return fell;
}

std::span<const UserGroupId> LossProbe::lose(std::span<const DeploymentId> lost,
                                             std::optional<ServiceId> service) {
  health_.begin_trial();
  for (const DeploymentId d : lost)
    health_.set_healthy_instances(d, 0);
  if (service)
    health_.set_capability(*service, 0.0);
  for (const DeploymentId d : lost)
    health_.settle_failover(topology_.deployment(d).service);
  groups_.clear();
  // Only a deployment whose load moved can have reached its threshold.
  consider(health_.propagate());
  while (fall_over(health_.load_changes()))
    consider(health_.propagate());
  for (const UserGroupId g : groups_)
    is_considered_[g.value] = 0;
  std::sort(groups_.begin(), groups_.end());
  return groups_;
}

// Breadth first, as Boost.Graph's search over the same edges would go; the
// parents set are cleared after.
std::vector<ServiceId> LossProbe::loss_path(ServiceId from, ServiceId lost) {
  queue_.assign(1, from);
  parent_[from.value] = from.value;
  for (std::size_t next = 0; next < queue_.size() && parent_[lost.value] == kNoParent; ++next) {
    const ServiceId u = queue_[next];
    for (const Dependency& dep : topology_.service(u).dependencies) {
      const ServiceId v = dep.service;
      if (dep.kind != DependencyKind::hard || !down(health_, v) || parent_[v.value] != kNoParent)
        continue;
      parent_[v.value] = u.value;
      queue_.push_back(v);
    }
  }
  std::vector<ServiceId> path;
  if (parent_[lost.value] != kNoParent) {
    for (ServiceId v = lost; v != from; v = ServiceId{parent_[v.value]})
      path.push_back(v);
    path.push_back(from);
    std::reverse(path.begin(), path.end());
  }
  for (const ServiceId v : queue_)
    parent_[v.value] = kNoParent;
  return path;
}

// Adds `component` to each of the groups whose services its loss takes
// down (other than a lost service itself, and those down without it).
void add_spofs(const Topology& topology, LossProbe& probe, std::span<const UserGroupId> groups,
               Component component, std::vector<GroupSpofs>& out) {
  const ServiceId* lost = std::get_if<ServiceId>(&component);
  for (const UserGroupId g : groups) {
    std::vector<ServiceId> services_down;
    for (const ServiceId s : topology.user_group(g).uses) {
      if (down(probe.health(), s) && !probe.down_at_peak(s) && !(lost && s == *lost))
        services_down.push_back(s);
    }
    if (services_down.empty())
      continue;
    std::vector<ServiceId> path;
    if (lost)
      path = probe.loss_path(services_down.front(), *lost);
    out[g.value].spofs.push_back({component, std::move(services_down), std::move(path)});
  }
  probe.undo();
}

// Regions, then deployments, then services, each in the order written. A
// service without hard dependants can take down only itself. The probe's
// settled estate also says which services are down with nothing lost.
void find_spofs(const Topology& topology, TopologyAnalysis& analysis) {
  std::vector<GroupSpofs>& out = analysis.single_points_of_failure;
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g)
    out.push_back({UserGroupId{g}, {}});
  LossProbe probe(topology);
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (probe.down_at_peak(ServiceId{s}))
      analysis.down_at_peak.push_back(ServiceId{s});
  }
  for (std::uint32_t r = 0; r < topology.regions().size(); ++r) {
    const RegionId region{r};
    add_spofs(topology, probe, probe.lose(topology.deployments_in(region), std::nullopt), region,
              out);
  }
  for (std::uint32_t d = 0; d < topology.deployments().size(); ++d) {
    const DeploymentId lost[] = {DeploymentId{d}};
    add_spofs(topology, probe, probe.lose(lost, std::nullopt), DeploymentId{d}, out);
  }
  const graph::Successors dependants = graph::hard_dependants(topology);
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (!dependants[s].empty())
      add_spofs(topology, probe, probe.lose({}, ServiceId{s}), ServiceId{s}, out);
  }
}

// How `from` depends on `to`: hard if any of its links to it is.
DependencyKind link_kind(const Topology& topology, ServiceId from, ServiceId to) {
  const auto& deps = topology.service(from).dependencies;
  return std::any_of(deps.begin(), deps.end(),
                     [&](const Dependency& d) {
                       return d.service == to && d.kind == DependencyKind::hard;
                     })
             ? DependencyKind::hard
             : DependencyKind::soft;
}

DependencyCycle cycle_of(const Topology& topology, const std::vector<std::uint32_t>& path) {
  DependencyCycle cycle;
  for (const std::uint32_t v : path)
    cycle.services.push_back(ServiceId{v});
  for (std::size_t i = 0; i < path.size(); ++i) {
    const ServiceId next = cycle.services[(i + 1) % path.size()];
    cycle.links.push_back(link_kind(topology, cycle.services[i], next));
  }
  return cycle;
}

// A hard cycle is listed as such, not as a shorter one through a soft link
// that its services may also lie on: the soft link lets one of those come
// back first, the hard cycle does not.
std::vector<DependencyCycle> dependency_cycles(const Topology& topology) {
  std::vector<DependencyCycle> cycles;
  std::vector<bool> on_hard_cycle(topology.services().size(), false);
  for (const auto& path : graph::find_cycles(graph::hard_dependency_edges(topology))) {
    for (const std::uint32_t v : path)
      on_hard_cycle[v] = true;
    cycles.push_back(cycle_of(topology, path));
  }
  for (const auto& path : graph::find_cycles(graph::dependency_edges(topology), on_hard_cycle))
    cycles.push_back(cycle_of(topology, path));
  return cycles;
}

}  // namespace

bool DependencyCycle::hard() const {
  return std::all_of(links.begin(), links.end(),
                     [](DependencyKind k) { return k == DependencyKind::hard; });
}

HardReach hard_reach(const Topology& topology, std::span<const ServiceId> lost) {
  return reach_from(topology, graph::hard_dependants(topology), lost);
}

TopologyAnalysis analyze(const Topology& topology, const AnalysisOptions& options) {
  TopologyAnalysis analysis;
  analysis.layers = layers_of(topology);
  analysis.cycles = dependency_cycles(topology);
  analysis.blast_radius = graph::blast_radii(topology, options.list_limit);
  find_spofs(topology, analysis);
  return analysis;
}

}  // namespace faultline
