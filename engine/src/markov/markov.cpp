#include "faultline/markov.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <Eigen/SparseLU>

#include "faultline/health.hpp"

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

double per_hour(Duration mean) {
  return 1.0 / mean.in_hours();
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

  std::vector<Component> components() {
    check_timeless();
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
                       per_hour(deployment.failures->time_to_failure.mean()),
                       per_hour(deployment.failures->time_to_repair.mean())});
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
                     per_hour(service.failures->time_to_failure.mean()),
                     per_hour(service.failures->time_to_repair.mean())});
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
      if (deployment.instances != first.instances ||
          deployment.failures->time_to_failure.mean() != first.failures->time_to_failure.mean() ||
          deployment.failures->time_to_repair.mean() != first.failures->time_to_repair.mean()) {
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
                     per_hour(first.failures->time_to_failure.mean()),
                     per_hour(first.failures->time_to_repair.mean())};
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
  std::size_t states = 1;
  for (const auto& c : components) {
    if (states > most_states / c.size()) {
      diagnostics.error(
          {topology.file(), 0, 0},
          fmt::format("the Markov chain of {} failing units has more than {} states, the most "
                      "this solves exactly; pool alike deployments with `repairers` or use "
                      "`simulate`",
                      components.size(), most_states));
      return solution;
    }
    states *= c.size();
  }

  // State index: mixed radix, one digit (failed members) per component.
  std::vector<std::size_t> stride(components.size());
  std::size_t s = 1;
  for (std::size_t c = 0; c < components.size(); ++c) {
    stride[c] = s;
    s *= components[c].size();
  }
  std::vector<Eigen::Triplet<double>> generator;
  generator.reserve(states * (2 * components.size() + 1));
  for (std::size_t state = 0; state < states; ++state) {
    double out_rate = 0;
    for (std::size_t c = 0; c < components.size(); ++c) {
      const Component& comp = components[c];
      const auto failed = static_cast<int>(state / stride[c] % comp.size());
      const auto row = static_cast<Eigen::Index>(state);
      if (failed < comp.members) {
        const double rate = (comp.members - failed) * comp.failure_rate;
        generator.emplace_back(row, static_cast<Eigen::Index>(state + stride[c]), rate);
        out_rate += rate;
      }
      if (failed > 0) {
        const double rate = std::min(failed, comp.repairers) * comp.repair_rate;
        generator.emplace_back(row, static_cast<Eigen::Index>(state - stride[c]), rate);
        out_rate += rate;
      }
    }
    generator.emplace_back(static_cast<Eigen::Index>(state), static_cast<Eigen::Index>(state),
                           -out_rate);
  }
  const bool sparse = states > kMostDenseStates;
  const Eigen::VectorXd pi = stationary(generator, states, sparse);

  MarkovResult result;
  result.states = states;
  result.sparse = sparse;
  result.service_availability.assign(topology.services().size(), 0.0);
  result.group_availability.assign(topology.user_groups().size(), 0.0);
  result.group_expected_affected.assign(topology.user_groups().size(), 0.0);
  result.group_expected_active_affected.assign(topology.user_groups().size(), 0.0);
  HealthPropagator health(topology);
  for (std::size_t state = 0; state < states; ++state) {
    health.reset();
    for (std::size_t c = 0; c < components.size(); ++c) {
      const Component& comp = components[c];
      const auto failed = static_cast<int>(state / stride[c] % comp.size());
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
    const double p = pi(static_cast<Eigen::Index>(state));
    for (std::uint32_t v = 0; v < topology.services().size(); ++v) {
      if (health.health(ServiceId{v}).state() != ServiceState::major_outage)
        result.service_availability[v] += p;
    }
    for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
      const UserGroup& group = topology.user_groups()[g];
      const bool served = std::none_of(group.uses.begin(), group.uses.end(), [&](ServiceId u) {
        return health.health(u).state() == ServiceState::major_outage;
      });
      if (served)
        result.group_availability[g] += p;
      result.group_expected_affected[g] +=
          p * static_cast<double>(health.affected_users(UserGroupId{g}).value);
    }
  }
  // Failures do not follow the hour, so the share of those cut off who are
  // active is the week's average activity.
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const ActivityCurve& curve = topology.user_groups()[g].activity;
    double permille = 0;
    for (int h = 0; h < ActivityCurve::kHoursPerWeek; ++h)
      permille += curve.permille(h);
    result.group_expected_active_affected[g] =
        result.group_expected_affected[g] * permille / (1000.0 * ActivityCurve::kHoursPerWeek);
  }
  solution.result = std::move(result);
  return solution;
}

}  // namespace faultline
