#include "faultline/markov.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <boost/pending/disjoint_sets.hpp>
#include <limits>
#include <span>

#include "faultline/health.hpp"
#include "graph/dependency_graph.hpp"

namespace faultline {

namespace {

// A part of the chain: `size` states counting failed members, 0 to size - 1.
struct Component {
  std::vector<DeploymentId> deployments;  // failed members are the first ones
  std::optional<ServiceId> service;       // a service's own failure
  int members = 1;
  int repairers = 1;
  double failure_rate = 0;  // per member, per hour
  double repair_rate = 0;   // per repairer at work, per hour
  std::size_t size() const { return static_cast<std::size_t>(members) + 1; }
};

double per_hour(const Distribution& d) {
  return 1.0 / d.mean_hours();
}

class ChainBuilder {
 public:
  ChainBuilder(const Topology& topology, Diagnostics& diagnostics)
      : topology_(topology), diagnostics_(diagnostics) {}

  // What the chain cannot express: health that depends on the hour, or on
  // how long something has lasted.
  void check_timeless() {
    for (const Service& service : topology_.services()) {
      if (service.capacity_limited) {
        diagnostics_.error(service.where,
                           fmt::format("service '{}' has capacities, so its health depends on the "
                                       "load of the hour; the exact model needs health that "
                                       "depends only on what has failed; use `simulate`",
                                       service.id));
      }
      const Failover& failover = service.failover;
      if (service.redundancy == Redundancy::active_passive &&
          (failover.detection.median().ms > 0 || failover.duration.median().ms > 0 ||
           !failover.detection.is_fixed() || !failover.duration.is_fixed() ||
           failover.success < 1.0)) {
        diagnostics_.error(failover.where,
                           fmt::format("the failover of '{}' takes time or may fail, which the "
                                       "exact model does not track; it assumes instant, certain "
                                       "failover; use `simulate`",
                                       service.id));
      }
    }
  }

  // Services that hard-depend on each other never come back once one of
  // them is down (each waits for the other), so the chain has no steady
  // state that the simulator would reach.
  void check_acyclic() {
    for (const auto& cycle : graph::find_cycles(graph::hard_dependency_edges(topology_))) {
      std::string path;
      for (const std::uint32_t v : cycle)
        path += "'" + topology_.services()[v].id + "' -> ";
      path += "'" + topology_.services()[cycle.front()].id + "'";
      diagnostics_.error(topology_.services()[cycle.front()].where,
                         fmt::format("services on the cycle {} hard-depend on each other: once "
                                     "one is down, none of them can come back (the simulator "
                                     "keeps them down for good), so there is no steady state to "
                                     "solve; make one of these dependencies soft or use "
                                     "`simulate`",
                                     path));
    }
  }

  std::vector<Component> components() {
    check_timeless();
    check_acyclic();
    std::vector<Component> out;
    for (const Service& service : topology_.services()) {
      if (service.repairers) {
        if (auto pooled = pool(service))
          out.push_back(std::move(*pooled));
        continue;
      }
      for (const DeploymentId d : service.deployments) {
        const Deployment& deployment = topology_.deployment(d);
        if (!deployment.failures || !exponential(*deployment.failures, deployment.id))
          continue;
        out.push_back({{d},
                       std::nullopt,
                       1,
                       1,
                       per_hour(deployment.failures->time_to_failure),
                       per_hour(deployment.failures->time_to_repair)});
      }
    }
    for (std::uint32_t s = 0; s < topology_.services().size(); ++s) {
      const Service& service = topology_.services()[s];
      if (!service.failures || !exponential(*service.failures, service.id))
        continue;
      out.push_back({{},
                     ServiceId{s},
                     1,
                     1,
                     per_hour(service.failures->time_to_failure),
                     per_hour(service.failures->time_to_repair)});
    }
    return out;
  }

 private:
  bool exponential(const FailureModel& model, const std::string& what) {
    bool ok = true;
    for (const auto* d : {&model.time_to_failure, &model.time_to_repair}) {
      if (d->kind() != DistributionKind::exponential) {
        diagnostics_.error(model.where,
                           fmt::format("the failures of {} are {}, but an exact Markov model "
                                       "needs exponential times to failure and to repair; use "
                                       "`simulate` for other distributions",
                                       what, d->describe()));
        ok = false;
      }
    }
    return ok;
  }

  // Deployments sharing repairers are counted, not told apart, which is exact
  // only when they are alike.
  std::optional<Component> pool(const Service& service) {
    const Deployment& first = topology_.deployment(service.deployments.front());
    for (const DeploymentId d : service.deployments) {
      const Deployment& deployment = topology_.deployment(d);
      if (!deployment.failures) {
        diagnostics_.error(service.where,
                           fmt::format("service '{}' shares {} repairer(s), but deployment '{}' "
                                       "has no failure model; give all its deployments one",
                                       service.id, *service.repairers, deployment.id));
        return std::nullopt;
      }
      if (!exponential(*deployment.failures, deployment.id))
        return std::nullopt;
      if (deployment.cold_standby) {
        diagnostics_.error(
            deployment.where,
            fmt::format("deployment '{}' is a cold standby in a pool of {} repairer(s); the exact "
                        "model counts a pool's failed deployments without telling them apart, "
                        "but a cold standby serves only once a step fails over to it, so the "
                        "answer would depend on which one failed; remove `repairers` from '{}' "
                        "or use `simulate`",
                        deployment.id, *service.repairers, service.id));
        return std::nullopt;
      }
      if (deployment.instances != first.instances ||
          deployment.failures->time_to_failure.mean_hours() !=
              first.failures->time_to_failure.mean_hours() ||
          deployment.failures->time_to_repair.mean_hours() !=
              first.failures->time_to_repair.mean_hours()) {
        diagnostics_.error(
            service.where,
            fmt::format("service '{}' shares repairers among deployments that differ ('{}' and "
                        "'{}' in instances or failure rates); the exact model counts failed "
                        "deployments, so they must be alike",
                        service.id, first.id, deployment.id));
        return std::nullopt;
      }
    }
    return Component{service.deployments,
                     std::nullopt,
                     static_cast<int>(service.deployments.size()),
                     *service.repairers,
                     per_hour(first.failures->time_to_failure),
                     per_hour(first.failures->time_to_repair)};
  }

  const Topology& topology_;
  Diagnostics& diagnostics_;
};

// Solves pi Q = 0 with sum(pi) = 1: the transposed generator with its last
// equation replaced by the normalisation.
Eigen::VectorXd stationary(const std::vector<Eigen::Triplet<double>>& generator, std::size_t states,
                           bool sparse) {
  const auto n = static_cast<Eigen::Index>(states);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n);
  rhs(n - 1) = 1.0;
  std::vector<Eigen::Triplet<double>> system;
  system.reserve(generator.size() + states);
  for (const auto& t : generator) {
    if (t.col() != n - 1)
      system.emplace_back(t.col(), t.row(), t.value());
  }
  for (Eigen::Index i = 0; i < n; ++i)
    system.emplace_back(n - 1, i, 1.0);
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(system.begin(), system.end());
  if (!sparse)
    return Eigen::MatrixXd(a).fullPivLu().solve(rhs);
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
  lu.compute(a);
  return lu.solve(rhs);
}

// A component's own chain: births are failures, deaths repairs.
Eigen::VectorXd component_distribution(const Component& c) {
  std::vector<Eigen::Triplet<double>> generator;
  for (int failed = 0; failed <= c.members; ++failed) {
    double out_rate = 0;
    if (failed < c.members) {
      const double rate = (c.members - failed) * c.failure_rate;
      generator.emplace_back(failed, failed + 1, rate);
      out_rate += rate;
    }
    if (failed > 0) {
      const double rate = std::min(failed, c.repairers) * c.repair_rate;
      generator.emplace_back(failed, failed - 1, rate);
      out_rate += rate;
    }
    generator.emplace_back(failed, failed, -out_rate);
  }
  return stationary(generator, c.size(), c.size() > kMostDenseStates);
}

// Components that can change the health of one service, or of the services
// one user group uses, belong to one part; parts are independent of each
// other, so the whole chain's distribution is the product of theirs, and
// each part is enumerated on its own.
struct Part {
  std::vector<std::size_t> components;
  std::vector<ServiceId> services;
  std::vector<UserGroupId> groups;
  std::size_t states = 1;
};

// Every service a component's failures can reach: its own and their
// dependants, of either kind.
std::vector<std::uint32_t> reach(const Topology& topology, const Component& c) {
  std::vector<std::uint32_t> starts;
  if (c.service)
    starts.push_back(c.service->value);
  for (const DeploymentId d : c.deployments)
    starts.push_back(topology.deployment(d).service.value);
  std::vector<char> seen(topology.services().size());
  std::vector<std::uint32_t> out;
  while (!starts.empty()) {
    const std::uint32_t v = starts.back();
    starts.pop_back();
    if (seen[v])
      continue;
    seen[v] = 1;
    out.push_back(v);
    for (const ServiceId next : topology.dependants(ServiceId{v}))
      starts.push_back(next.value);
  }
  return out;
}

// The parts, and (by ServiceId, then by UserGroupId) which part decides
// each one's health; none for those no failure reaches.
struct Partition {
  std::vector<Part> parts;
  std::vector<std::optional<std::size_t>> service_part;
  std::vector<std::optional<std::size_t>> group_part;
};

Partition partition(const Topology& topology, const std::vector<Component>& components) {
  const std::size_t n = components.size();
  std::vector<std::size_t> rank(n);
  std::vector<std::size_t> parent(n);
  boost::disjoint_sets<std::size_t*, std::size_t*> sets(rank.data(), parent.data());
  for (std::size_t c = 0; c < n; ++c)
    sets.make_set(c);
  std::vector<std::optional<std::size_t>> first(topology.services().size());
  for (std::size_t c = 0; c < n; ++c) {
    for (const std::uint32_t v : reach(topology, components[c])) {
      if (first[v])
        sets.union_set(*first[v], c);
      else
        first[v] = c;
    }
  }
  for (const UserGroup& group : topology.user_groups()) {
    std::optional<std::size_t> any;
    for (const ServiceId u : group.uses) {
      if (first[u.value] && any)
        sets.union_set(*any, *first[u.value]);
      else if (first[u.value])
        any = first[u.value];
    }
  }
  Partition out;
  std::vector<std::optional<std::size_t>> part_of_root(n);
  for (std::size_t c = 0; c < n; ++c) {
    auto& part = part_of_root[sets.find_set(c)];
    if (!part) {
      part = out.parts.size();
      out.parts.emplace_back();
    }
    Part& p = out.parts[*part];
    p.components.push_back(c);
    const std::size_t size = components[c].size();
    p.states = p.states > std::numeric_limits<std::size_t>::max() / size
                   ? std::numeric_limits<std::size_t>::max()
                   : p.states * size;
  }
  const auto part_of = [&](const std::optional<std::size_t>& c) -> std::optional<std::size_t> {
    return c ? part_of_root[sets.find_set(*c)] : std::nullopt;
  };
  for (std::uint32_t v = 0; v < topology.services().size(); ++v) {
    out.service_part.push_back(part_of(first[v]));
    if (out.service_part.back())
      out.parts[*out.service_part.back()].services.push_back(ServiceId{v});
  }
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    std::optional<std::size_t> part;
    for (const ServiceId u : topology.user_groups()[g].uses)
      part = part ? part : part_of(first[u.value]);
    out.group_part.push_back(part);
    if (part)
      out.parts[*part].groups.push_back(UserGroupId{g});
  }
  return out;
}

// Adds a state of probability p, whose health `health` holds, to the
// figures of the services and groups given.
void accumulate(const Topology& topology, const HealthPropagator& health, double p,
                std::span<const ServiceId> services, std::span<const UserGroupId> groups,
                MarkovResult& result) {
  for (const ServiceId v : services) {
    const bool down = health.health(v).state() == ServiceState::major_outage;
    (down ? result.service_unavailability : result.service_availability)[v.value] += p;
  }
  for (const UserGroupId g : groups) {
    const auto& uses = topology.user_group(g).uses;
    const bool served = std::none_of(uses.begin(), uses.end(), [&](ServiceId u) {
      return health.health(u).state() == ServiceState::major_outage;
    });
    (served ? result.group_availability : result.group_unavailability)[g.value] += p;
    result.group_expected_affected[g.value] +=
        p * static_cast<double>(health.affected_users(g).value);
  }
}

// Every state of the part: its components' failed members in mixed radix,
// with the product of their own probabilities.
void solve_part(const Topology& topology, const std::vector<Component>& components,
                const std::vector<Eigen::VectorXd>& own, const Part& part,
                HealthPropagator& health, MarkovResult& result) {
  for (std::size_t state = 0; state < part.states; ++state) {
    health.reset();
    double p = 1;
    std::size_t rest = state;
    for (const std::size_t c : part.components) {
      const Component& comp = components[c];
      const auto failed = static_cast<int>(rest % comp.size());
      rest /= comp.size();
      p *= own[c](failed);
      if (comp.service) {
        if (failed > 0)
          health.set_capability(*comp.service, 0.0);
        continue;
      }
      for (int m = 0; m < failed; ++m)
        health.set_healthy_instances(comp.deployments[static_cast<std::size_t>(m)], 0);
    }
    health.settle_failovers();
    health.propagate();
    accumulate(topology, health, p, part.services, part.groups, result);
  }
}

}  // namespace

namespace {

// The chain's whole size, a product of whole numbers: exact in a double
// while it stays below 2^53.
double joint_states(const std::vector<Component>& components) {
  double states = 1;
  for (const auto& c : components)
    states *= static_cast<double>(c.size());
  return states;
}

MarkovResult empty_result(const Topology& topology, const std::vector<Component>& components) {
  MarkovResult result;
  result.states = joint_states(components);
  const std::size_t services = topology.services().size();
  const std::size_t groups = topology.user_groups().size();
  result.service_availability.assign(services, 0.0);
  result.service_unavailability.assign(services, 0.0);
  result.group_availability.assign(groups, 0.0);
  result.group_unavailability.assign(groups, 0.0);
  result.group_expected_affected.assign(groups, 0.0);
  result.group_expected_active_affected.assign(groups, 0.0);
  return result;
}

// Failures do not follow the hour, so the share of those cut off who are
// active is the week's average activity.
void weigh_activity(const Topology& topology, MarkovResult& result) {
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const ActivityCurve& curve = topology.user_groups()[g].activity;
    double permille = 0;
    for (int h = 0; h < ActivityCurve::kHoursPerWeek; ++h)
      permille += curve.permille(h);
    result.group_expected_active_affected[g] =
        result.group_expected_affected[g] * permille / (1000.0 * ActivityCurve::kHoursPerWeek);
  }
}

}  // namespace

MarkovSolution solve_markov(const Topology& topology, std::size_t most_states) {
  MarkovSolution solution;
  Diagnostics& diagnostics = solution.diagnostics;
  const std::vector<Component> components = ChainBuilder(topology, diagnostics).components();
  if (diagnostics.has_errors())
    return solution;
  if (components.empty()) {
    diagnostics.error({topology.file(), 0, 0},
                      "no deployment or service has a failure model, so there is no chain to "
                      "solve; give some `failures` with exponential time_to_failure and "
                      "time_to_repair");
    return solution;
  }
  const Partition split = partition(topology, components);
  for (const Part& part : split.parts) {
    if (part.states > most_states) {
      diagnostics.error(
          {topology.file(), 0, 0},
          fmt::format("{} failing units that affect the same services make a Markov chain of "
                      "more than {} states, the most this solves exactly; pool alike deployments "
                      "with `repairers` or use `simulate`",
                      part.components.size(), most_states));
      return solution;
    }
  }
  MarkovResult result = empty_result(topology, components);
  std::vector<Eigen::VectorXd> own;
  for (const Component& c : components) {
    own.push_back(component_distribution(c));
    result.sparse = result.sparse || c.size() > kMostDenseStates;
  }
  HealthPropagator health(topology);
  for (const Part& part : split.parts) {
    solve_part(topology, components, own, part, health, result);
    result.largest_part_states = std::max(result.largest_part_states, part.states);
  }
  result.parts = split.parts.size();
  // What no failure reaches keeps the health it has with everything up.
  health.reset();
  health.settle_failovers();
  health.propagate();
  std::vector<ServiceId> unreached_services;
  std::vector<UserGroupId> unreached_groups;
  for (std::uint32_t v = 0; v < split.service_part.size(); ++v) {
    if (!split.service_part[v])
      unreached_services.push_back(ServiceId{v});
  }
  for (std::uint32_t g = 0; g < split.group_part.size(); ++g) {
    if (!split.group_part[g])
      unreached_groups.push_back(UserGroupId{g});
  }
  accumulate(topology, health, 1.0, unreached_services, unreached_groups, result);
  weigh_activity(topology, result);
  solution.result = std::move(result);
  return solution;
}

}  // namespace faultline
