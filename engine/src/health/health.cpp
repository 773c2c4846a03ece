#include "faultline/health.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace faultline {

std::string_view to_string(ServiceState s) {
  switch (s) {
    case ServiceState::operational:
      return "operational";
    case ServiceState::degraded_performance:
      return "degraded_performance";
    case ServiceState::partial_outage:
      return "partial_outage";
    case ServiceState::major_outage:
      return "major_outage";
  }
  return "operational";
}

ServiceState ServiceHealth::state() const {
  if (served_fraction < kMajorOutageBelow)
    return ServiceState::major_outage;
  if (served_fraction < 1.0)
    return ServiceState::partial_outage;
  return degraded ? ServiceState::degraded_performance : ServiceState::operational;
}

HealthPropagator::HealthPropagator(const Topology& topology)
    : topology_(topology),
      capability_(topology.services().size(), 1.0),
      health_(topology.services().size()),
      is_pending_(topology.services().size(), 0),
      is_changed_(topology.services().size(), 0) {
  healthy_.reserve(topology.deployments().size());
  for (const auto& d : topology.deployments())
    healthy_.push_back(d.instances);
}

void HealthPropagator::reset() {
  for (std::size_t d = 0; d < healthy_.size(); ++d)
    healthy_[d] = topology_.deployments()[d].instances;
  std::fill(capability_.begin(), capability_.end(), 1.0);
  std::fill(health_.begin(), health_.end(), ServiceHealth{});
  std::fill(is_pending_.begin(), is_pending_.end(), 0);
  std::fill(is_changed_.begin(), is_changed_.end(), 0);
  pending_.clear();
  changed_.clear();
}

void HealthPropagator::mark(ServiceId s) {
  if (is_pending_[s.value])
    return;
  is_pending_[s.value] = 1;
  pending_.push_back({topology_.evaluation_rank(s), s});
  std::push_heap(pending_.begin(), pending_.end(), std::greater<>{});
}

void HealthPropagator::set_healthy_instances(DeploymentId d, int healthy) {
  healthy_[d.value] = healthy;
  mark(topology_.deployment(d).service);
}

void HealthPropagator::set_capability(ServiceId s, double fraction) {
  capability_[s.value] = fraction;
  mark(s);
}

double HealthPropagator::deployment_fraction(const Service& service) const {
  if (service.redundancy == Redundancy::k_of_n) {
    const auto up = std::count_if(service.deployments.begin(), service.deployments.end(),
                                  [&](DeploymentId d) { return healthy_[d.value] > 0; });
    return up >= service.quorum ? 1.0 : 0.0;
  }
  if (service.redundancy == Redundancy::active_passive) {
    for (const DeploymentId d : service.deployments) {
      if (healthy_[d.value] > 0) {
        return static_cast<double>(healthy_[d.value]) / topology_.deployment(d).instances;
      }
    }
    return 0.0;
  }
  long healthy = 0;
  long total = 0;
  for (const DeploymentId d : service.deployments) {
    healthy += healthy_[d.value];
    total += topology_.deployment(d).instances;
  }
  return total == 0 ? 0.0 : static_cast<double>(healthy) / static_cast<double>(total);
}

ServiceHealth HealthPropagator::evaluate(ServiceId s) const {
  const Service& service = topology_.service(s);
  ServiceHealth h{capability_[s.value] * deployment_fraction(service), false};
  for (const auto& dep : service.dependencies) {
    const ServiceHealth& d = health_[dep.service.value];
    if (dep.kind == DependencyKind::hard) {
      h.served_fraction = std::min(h.served_fraction, d.served_fraction);
      h.degraded = h.degraded || d.degraded;
    } else {
      h.degraded = h.degraded || d.served_fraction < 1.0;
    }
  }
  return h;
}

std::span<const ServiceId> HealthPropagator::propagate() {
  for (const ServiceId s : changed_)
    is_changed_[s.value] = 0;
  changed_.clear();
  while (!pending_.empty()) {
    std::pop_heap(pending_.begin(), pending_.end(), std::greater<>{});
    const ServiceId s = pending_.back().service;
    pending_.pop_back();
    is_pending_[s.value] = 0;
    const ServiceHealth next = evaluate(s);
    if (next == health_[s.value])
      continue;
    health_[s.value] = next;
    if (!is_changed_[s.value]) {
      is_changed_[s.value] = 1;
      changed_.push_back(s);
    }
    for (const ServiceId dependant : topology_.dependants(s))
      mark(dependant);
  }
  return changed_;
}

UserCount HealthPropagator::affected_users(UserGroupId g) const {
  const UserGroup& group = topology_.user_group(g);
  double served = 1.0;
  for (const ServiceId s : group.uses)
    served = std::min(served, health_[s.value].served_fraction);
  return UserCount{std::llround(static_cast<double>(group.users.value) * (1.0 - served))};
}

}  // namespace faultline
