#pragma once
// The one health propagation: a service's served fraction follows its own
// deployments and capability and its dependencies. Only what a change can
// reach is re-evaluated.

#include <span>
#include <string_view>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

// The status-page words, from best to worst.
enum class ServiceState { operational, degraded_performance, partial_outage, major_outage };

std::string_view to_string(ServiceState s);

// Below this served fraction a service is in major outage; from it up to (not
// including) 1, in partial outage.
inline constexpr double kMajorOutageBelow = 0.5;

struct ServiceHealth {
  double served_fraction = 1.0;
  // Serving everything asked of it, but slowed by an impaired dependency.
  bool degraded = false;

  ServiceState state() const;
  bool operator==(const ServiceHealth&) const = default;
};

class HealthPropagator {
 public:
  // Starts with every instance healthy and every capability at 1.
  explicit HealthPropagator(const Topology& topology);

  // Back to every instance healthy and every capability at 1, keeping the
  // memory for the next run.
  void reset();

  // Changes take effect on health at the next propagate().
  void set_healthy_instances(DeploymentId d, int healthy);
  void set_capability(ServiceId s, double fraction);

  // Re-evaluates what the changes since the last call can reach; returns the
  // services whose health changed, dependencies before dependants. Changes
  // between two calls must all move health the same way (all losses or all
  // recoveries), which keeps evaluation on a dependency cycle monotone.
  std::span<const ServiceId> propagate();

  const ServiceHealth& health(ServiceId s) const { return health_[s.value]; }
  int healthy_instances(DeploymentId d) const { return healthy_[d.value]; }
  double capability(ServiceId s) const { return capability_[s.value]; }

  // Users of the group cut off now: the share not served by the worst of the
  // services they use.
  UserCount affected_users(UserGroupId g) const;

 private:
  ServiceHealth evaluate(ServiceId s) const;
  double deployment_fraction(const Service& service) const;
  void mark(ServiceId s);

  const Topology& topology_;
  std::vector<int> healthy_;
  std::vector<double> capability_;
  std::vector<ServiceHealth> health_;
  struct Pending {
    std::uint32_t rank;
    ServiceId service;
    bool operator>(const Pending& o) const {
      return rank != o.rank ? rank > o.rank : service.value > o.service.value;
    }
  };
  std::vector<Pending> pending_;  // a min-heap by rank
  std::vector<char> is_pending_;
  std::vector<ServiceId> changed_;
  std::vector<char> is_changed_;
};

}  // namespace faultline
