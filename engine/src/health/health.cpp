#include "faultline/health.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>

#include "faultline/words.hpp"

namespace faultline {

std::string_view to_string(ServiceState s) {
  return shown_word(s);
}

ServiceState ServiceHealth::state() const {
  if (served_fraction < kMajorOutageBelow - kServedTolerance)
    return ServiceState::major_outage;
  if (!fully_served(served_fraction))
    return ServiceState::partial_outage;
  return degraded ? ServiceState::degraded_performance : ServiceState::operational;
}

namespace {

std::vector<ServiceId> evaluation_order(const Topology& topology) {
  std::vector<ServiceId> order;
  order.reserve(topology.services().size());
  for (std::uint32_t s = 0; s < topology.services().size(); ++s)
    order.push_back(ServiceId{s});
  std::ranges::stable_sort(order, {}, [&](ServiceId s) { return topology.evaluation_rank(s); });
  return order;
}

}  // namespace

EvaluationQueue::EvaluationQueue(std::vector<ServiceId> order)
    : order_(std::move(order)),
      position_(order_.size()),
      waiting_((order_.size() + 63) / 64),
      words_waiting_((waiting_.size() + 63) / 64) {
  for (std::uint32_t p = 0; p < order_.size(); ++p)
    position_[order_[p].value] = p;
}

ServiceId EvaluationQueue::take() {
  std::size_t w = lowest_ >> 6;
  std::uint64_t bits = waiting_[w] & (~std::uint64_t{0} << (lowest_ & 63));
  if (bits == 0) {
    // The next word with a service waiting, from the summary words.
    std::size_t summary = (w + 1) >> 6;
    std::uint64_t words = words_waiting_[summary] & (~std::uint64_t{0} << ((w + 1) & 63));
    while (words == 0)
      words = words_waiting_[++summary];
    w = (summary << 6) | static_cast<std::size_t>(std::countr_zero(words));
    bits = waiting_[w];
  }
  const auto p =
      static_cast<std::uint32_t>((w << 6) | static_cast<std::size_t>(std::countr_zero(bits)));
  waiting_[w] &= waiting_[w] - 1;  // the lowest bit, p's
  if (waiting_[w] == 0)
    words_waiting_[w >> 6] &= ~(std::uint64_t{1} << (w & 63));
  --count_;
  lowest_ = p;
  return order_[p];
}

void EvaluationQueue::clear() {
  for (std::size_t summary = 0; summary < words_waiting_.size(); ++summary) {
    for (std::uint64_t words = words_waiting_[summary]; words != 0; words &= words - 1)
      waiting_[(summary << 6) | static_cast<std::size_t>(std::countr_zero(words))] = 0;
    words_waiting_[summary] = 0;
  }
  count_ = 0;
}

HealthPropagator::HealthPropagator(const Topology& topology)
    : topology_(topology),
      deep_checks_(
          std::any_of(topology.services().begin(), topology.services().end(),
                      [](const Service& s) { return s.health_check && s.health_check->deep; })),
      deployments_(topology.deployments().size()),
      capability_(topology.services().size()),
      active_(topology.services().size()),
      impairment_(topology.deployments().size()),
      probe_(topology.deployments().size()),
      network_(topology.services().size()),
      check_changed_(topology.deployments().size()),
      demand_(topology.services().size()),
      fits_below_(topology.services().size()),
      limit_changed_(topology.services().size()),
      load_ratio_(topology.deployments().size()),
      load_changed_(topology.deployments().size()),
      health_(topology.services().size()),
      pending_(evaluation_order(topology)),
      changed_(topology.services().size()),
      is_kept_(topology.services().size()) {
  lay_out();
  reset();
}

void HealthPropagator::lay_out() {
  shapes_.reserve(topology_.services().size());
  for (std::uint32_t s = 0; s < topology_.services().size(); ++s) {
    const Service& service = topology_.services()[s];
    Shape shape;
    shape.deployments = static_cast<std::uint32_t>(deployment_ids_.size());
    shape.deployment_count = static_cast<std::uint32_t>(service.deployments.size());
    for (const DeploymentId d : service.deployments) {
      deployment_ids_.push_back(d);
      if (!topology_.deployment(d).cold_standby)
        shape.sized_for += topology_.deployment(d).instances;
    }
    shape.dependencies = static_cast<std::uint32_t>(dependencies_.size());
    shape.dependency_count = static_cast<std::uint32_t>(service.dependencies.size());
    for (const Dependency& dep : service.dependencies)
      dependencies_.push_back({dep.service, dep.kind == DependencyKind::hard});
    const auto dependants = topology_.dependants(ServiceId{s});
    shape.dependants = static_cast<std::uint32_t>(dependants_.size());
    shape.dependant_count = static_cast<std::uint32_t>(dependants.size());
    dependants_.insert(dependants_.end(), dependants.begin(), dependants.end());
    shape.redundancy = service.redundancy;
    shape.capacity_limited = service.capacity_limited;
    capacity_limited_.push_back(service.capacity_limited ? 1 : 0);
    shape.quorum = service.quorum;
    shape.retry_amplification = service.retry_amplification;
    shapes_.push_back(shape);
    const auto first =
        std::find_if(service.deployments.begin(), service.deployments.end(),
                     [&](DeploymentId d) { return !topology_.deployment(d).cold_standby; });
    starts_active_.push_back(first != service.deployments.end() ? *first : DeploymentId{});
  }
  for (const Deployment& d : topology_.deployments()) {
    service_of_.push_back(d.service);
    starts_.push_back({.healthy = d.instances, .in_service = d.cold_standby ? '\0' : '\1'});
    sizing_.push_back({.capacity = d.capacity ? static_cast<double>(d.capacity->value) : 0.0,
                       .weight = d.weight,
                       .instances = d.instances,
                       .overload = topology_.service(d.service).overload.has_value()});
  }
  for (const UserGroup& group : topology_.user_groups()) {
    groups_.push_back({static_cast<std::uint32_t>(group_uses_.size()),
                       static_cast<std::uint32_t>(group.uses.size()), group.users});
    group_uses_.insert(group_uses_.end(), group.uses.begin(), group.uses.end());
  }
}

void HealthPropagator::copy_inputs(HealthInputs& inputs) const {
  inputs.healthy_instances.resize(deployments_.size());
  inputs.in_service.resize(deployments_.size());
  for (std::size_t d = 0; d < deployments_.size(); ++d) {
    inputs.healthy_instances[d] = deployments_[d].healthy;
    inputs.in_service[d] = deployments_[d].in_service;
  }
  inputs.capability = capability_;
  inputs.active = active_;
}

// The starting state is copied from the layout: read from the model, it was
// a cache miss per service and deployment in every run. Impairments, probes
// and networks are as they started unless full evaluation was on (7 MB to
// write at 10^5 services, in every run of a study without degradations).
void HealthPropagator::reset() {
  std::copy(starts_.begin(), starts_.end(), deployments_.begin());
  std::copy(starts_active_.begin(), starts_active_.end(), active_.begin());
  std::fill(capability_.begin(), capability_.end(), 1.0);
  if (full_evaluation_) {
    std::fill(impairment_.begin(), impairment_.end(), Impairment{});
    std::fill(probe_.begin(), probe_.end(), NetworkView{});
    std::fill(network_.begin(), network_.end(), NetworkView{});
  }
  check_changed_.clear();
  full_evaluation_ = deep_checks_;
  std::fill(demand_.begin(), demand_.end(), UserCount{});
  std::fill(fits_below_.begin(), fits_below_.end(), 0.0);
  limit_changed_.clear();
  std::fill(load_ratio_.begin(), load_ratio_.end(), 0.0);
  load_changed_.clear();
  std::fill(health_.begin(), health_.end(), ServiceHealth{});
  pending_.clear();
  changed_.clear();
}

void HealthPropagator::mark(ServiceId s) {
  if (pending_.waiting(s))
    return;
  touch(s);
  pending_.add(s);
}

void HealthPropagator::set_healthy_instances(DeploymentId d, int healthy) {
  touch(service_of(d));
  deployments_[d.value].healthy = healthy;
  mark(service_of(d));
}

void HealthPropagator::set_capability(ServiceId s, double fraction) {
  touch(s);
  capability_[s.value] = fraction;
  mark(s);
}

void HealthPropagator::set_in_service(DeploymentId d, bool in_service) {
  touch(service_of(d));
  deployments_[d.value].in_service = in_service;
  mark(service_of(d));
}

void HealthPropagator::set_active_deployment(ServiceId s, DeploymentId d) {
  touch(s);
  active_[s.value] = d;
  deployments_[d.value].in_service = 1;
  mark(s);
}

void HealthPropagator::set_impairment(DeploymentId d, const Impairment& impairment) {
  touch(service_of(d));
  impairment_[d.value] = impairment;
  deployments_[d.value].capacity_left = impairment.capacity;
  full_evaluation_ = true;
  mark(service_of(d));
}

void HealthPropagator::settle_failovers() {
  for (std::uint32_t s = 0; s < active_.size(); ++s)
    settle_failover(ServiceId{s});
}

void HealthPropagator::settle_failover(ServiceId s) {
  const Service& service = topology_.service(s);
  if (service.redundancy != Redundancy::active_passive || serving(active_[s.value]))
    return;
  const auto next = std::find_if(service.deployments.begin(), service.deployments.end(),
                                 [&](DeploymentId d) { return serving(d); });
  if (next != service.deployments.end())
    set_active_deployment(s, *next);
}

void HealthPropagator::begin_trial() {
  in_trial_ = true;
  full_evaluation_before_trial_ = full_evaluation_;
}

void HealthPropagator::keep(ServiceId s) {
  if (is_kept_[s.value])
    return;
  is_kept_[s.value] = 1;
  kept_services_.push_back({s, health_[s.value], network_[s.value], capability_[s.value],
                            fits_below_[s.value], active_[s.value], demand_[s.value]});
  for (const DeploymentId d : deployments(s)) {
    kept_deployments_.push_back({deployments_[d.value].healthy, deployments_[d.value].in_service,
                                 deployments_[d.value].checked_out, load_ratio_[d.value],
                                 deployments_[d.value].capacity_left, impairment_[d.value],
                                 probe_[d.value]});
  }
}

// Each kept deployment follows its service's entry, in the service's order.
void HealthPropagator::end_trial() {
  std::size_t next = 0;
  for (const KeptService& k : kept_services_) {
    const ServiceId s = k.service;
    health_[s.value] = k.health;
    network_[s.value] = k.network;
    capability_[s.value] = k.capability;
    set_fits_below(s, k.fits_below);
    active_[s.value] = k.active;
    demand_[s.value] = k.demand;
    is_kept_[s.value] = 0;
    for (const DeploymentId d : deployments(s)) {
      const KeptDeployment& kd = kept_deployments_[next++];
      deployments_[d.value].healthy = kd.healthy;
      deployments_[d.value].in_service = kd.in_service;
      deployments_[d.value].checked_out = kd.checked_out;
      load_ratio_[d.value] = kd.load_ratio;
      deployments_[d.value].capacity_left = kd.capacity_left;
      impairment_[d.value] = kd.impairment;
      probe_[d.value] = kd.probe;
    }
  }
  kept_services_.clear();
  kept_deployments_.clear();
  pending_.clear();
  forget_changes();
  full_evaluation_ = full_evaluation_before_trial_;
  in_trial_ = false;
}

void HealthPropagator::set_demand(ServiceId s, UserCount demand) {
  const UserCount before = demand_[s.value];
  if (before == demand)
    return;
  touch(s);
  demand_[s.value] = demand;
  if (!capacity_limited_[s.value])
    return;
  // Under capacity everywhere before and after, only the loads move: what
  // the service serves stays, and no ratio reaches an overload threshold.
  const double limit = fits_below_[s.value];
  if (before.value > 0 && static_cast<double>(before.value) < limit &&
      static_cast<double>(demand.value) < limit) {
    return;
  }
  mark(s);
}

void HealthPropagator::set_load_ratio(DeploymentId d, double ratio) {
  if (load_ratio_[d.value] == ratio)
    return;
  load_ratio_[d.value] = ratio;
  if (sizing_[d.value].overload)
    load_changed_.add(d);
}

// Without capacities every deployment is sized for its share of the traffic
// and no more: what is lost is not served.
double HealthPropagator::deployment_fraction(const Shape& shape, ServiceId s) {
  const auto deployments = deployments_of(shape);
  switch (shape.redundancy) {
    case Redundancy::k_of_n: {
      const auto up = std::count_if(deployments.begin(), deployments.end(),
                                    [&](DeploymentId d) { return serving(d); });
      return up >= shape.quorum ? 1.0 : 0.0;
    }
    case Redundancy::active_passive: {
      const DeploymentId d = active_[s.value];
      // Every instance healthy, as a run starts, is all it is sized for.
      return serving(d) ? deployments_[d.value].healthy * deployments_[d.value].capacity_left /
                              starts_[d.value].healthy
                        : 0.0;
    }
    case Redundancy::none:
    case Redundancy::active_active:
      break;
  }
  double healthy = 0;
  for (const DeploymentId d : deployments) {
    if (deployments_[d.value].in_service && !deployments_[d.value].checked_out)
      healthy += deployments_[d.value].healthy * deployments_[d.value].capacity_left;
  }
  if (shape.sized_for == 0)
    return healthy > 0 ? 1.0 : 0.0;
  return std::min(1.0, healthy / static_cast<double>(shape.sized_for));
}

// The service's demand is split over the deployments taking traffic by
// weight; each serves up to the capacity of its healthy instances and sheds
// the rest, and while shedding sees its load multiplied by client retries.
// Whether a deployment sheds is decided by cross-multiplying (exact while
// instance counts, capacities, weights and demand are integers and no
// degradation has taken a share of a capacity), and the
// served share is one less what is shed, so an estate that sheds nothing
// serves exactly 1 however its traffic divides.
double HealthPropagator::capacity_fraction(const Shape& shape, ServiceId s) {
  const auto takes_traffic = [&](DeploymentId d) {
    return serving(d) && (shape.redundancy != Redundancy::active_passive || d == active_[s.value]);
  };
  double total_weight = 0;
  int taking_traffic = 0;
  for (const DeploymentId d : deployments_of(shape)) {
    if (takes_traffic(d)) {
      total_weight += sizing_[d.value].weight;
      ++taking_traffic;
    }
  }
  const bool quorum_lost = shape.redundancy == Redundancy::k_of_n && taking_traffic < shape.quorum;
  const auto demand = static_cast<double>(demand_[s.value].value);
  double shed = 0;
  // The demand at which the first deployment taking traffic would reach its
  // capacity; with none taking traffic, demand changes nothing.
  double fits_below = std::numeric_limits<double>::infinity();
  for (const DeploymentId d : deployments_of(shape)) {
    const Sizing& sizing = sizing_[d.value];
    if (!takes_traffic(d) || quorum_lost || demand == 0) {
      set_load_ratio(d, 0.0);
      continue;
    }
    const double full = sizing.capacity * deployments_[d.value].capacity_left;
    const double capacity = full * deployments_[d.value].healthy / sizing.instances;
    fits_below = std::min(fits_below, capacity * total_weight / sizing.weight);
    const double load = demand * sizing.weight / total_weight;
    // load <= capacity, without the rounding of either quotient.
    if (demand * sizing.weight * sizing.instances <=
        full * deployments_[d.value].healthy * total_weight) {
      set_load_ratio(d, std::min(1.0, load / capacity));
    } else {
      shed += load - capacity / shape.retry_amplification;
      set_load_ratio(d, std::max(1.0, load * shape.retry_amplification / capacity));
    }
  }
  set_fits_below(s, fits_below);
  if (quorum_lost || taking_traffic == 0)
    return 0.0;
  return demand == 0 ? 1.0 : std::clamp(1.0 - shed / demand, 0.0, 1.0);
}

// Works on two scalars and builds the result once: g++ 12 otherwise builds
// the padded struct through partial stack stores that stall the load after
// them, which cost 3% of a Webex Monte Carlo run.
ServiceHealth HealthPropagator::evaluate(ServiceId s) {
  const Shape& shape = shapes_[s.value];
  const double own =
      shape.capacity_limited ? capacity_fraction(shape, s) : deployment_fraction(shape, s);
  double served = capability_[s.value] * own;
  bool degraded = false;
  for (std::uint32_t i = shape.dependencies; i < shape.dependencies + shape.dependency_count; ++i) {
    const FlatDependency& dep = dependencies_[i];
    const ServiceHealth& d = health_[dep.service.value];
    if (dep.hard) {
      served = std::min(served, d.served_fraction);
      degraded = degraded || d.degraded;
    } else {
      degraded = degraded || !fully_served(d.served_fraction);
    }
  }
  return {served, degraded};
}

// Only hard dependencies below the service on the graph count: loss,
// latency and slowness are not passed round a dependency cycle, which keeps
// evaluation on it monotone.
ServiceHealth HealthPropagator::evaluate_impaired(ServiceId s, bool& network_moved) {
  const Service& service = topology_.service(s);
  const std::uint32_t rank = topology_.evaluation_rank(s);
  double through = 1.0;  // the share of packets the dependencies pass
  NetworkView below;
  double served_below = 1.0;
  for (const auto& dep : service.dependencies) {
    if (dep.kind != DependencyKind::hard || topology_.evaluation_rank(dep.service) == rank)
      continue;
    const NetworkView& v = network_[dep.service.value];
    through *= 1.0 - v.packet_loss;
    below.added_latency_ms = std::max(below.added_latency_ms, v.added_latency_ms);
    served_below = std::min(served_below, health_[dep.service.value].served_fraction);
  }
  below.packet_loss = 1.0 - through;
  if (service.health_check)
    check_deployments(service, below, served_below);
  ServiceHealth health = evaluate(s);
  const NetworkView next = network_through(service, s, below);
  health.degraded = slowed(service, rank, next);
  network_moved = next != network_[s.value];
  network_[s.value] = next;
  return health;
}

// Slowed by the loss or latency its callers meet, by a soft dependency
// that does not serve everyone, or by a hard one below its cycle that is
// slowed: a slowness passed round a cycle would hold its members slowed for
// ever.
bool HealthPropagator::slowed(const Service& service, std::uint32_t rank,
                              const NetworkView& network) const {
  if (network.packet_loss > 0 || network.added_latency_ms > 0)
    return true;
  for (const auto& dep : service.dependencies) {
    const ServiceHealth& d = health_[dep.service.value];
    if (dep.kind == DependencyKind::soft
            ? !fully_served(d.served_fraction)
            : d.degraded && topology_.evaluation_rank(dep.service) != rank)
      return true;
  }
  return false;
}

// A shallow probe meets only the deployment's own impairment; a deep one
// also what lies below, and loses the requests the dependencies do not
// serve. A deployment that takes no traffic anyway (a cold standby, one
// with no instance left) is not probed: it keeps its state until it could.
void HealthPropagator::check_deployments(const Service& service, const NetworkView& below,
                                         double served_below) {
  const HealthCheck& check = *service.health_check;
  for (const DeploymentId d : service.deployments) {
    if (!deployments_[d.value].in_service || deployments_[d.value].healthy == 0)
      continue;
    const Impairment& own = impairment_[d.value];
    double loss = own.packet_loss;
    double latency = static_cast<double>(own.added_latency.ms);
    if (check.deep) {
      loss = 1.0 - (1.0 - loss) * (1.0 - below.packet_loss) * served_below;
      latency += below.added_latency_ms;
    }
    probe_[d.value] = {loss, latency};
    const char out = check.fails(loss, latency) ? 1 : 0;
    if (out == deployments_[d.value].checked_out)
      continue;
    deployments_[d.value].checked_out = out;
    check_changed_.add(d);
  }
}

NetworkView HealthPropagator::network_through(const Service& service, ServiceId s,
                                              const NetworkView& below) const {
  double weight = 0;
  double passed = 0;
  double latency = 0;
  for (const DeploymentId d : service.deployments) {
    if (!serving(d) || (service.redundancy == Redundancy::active_passive && d != active_[s.value]))
      continue;
    const Deployment& deployment = topology_.deployment(d);
    const Impairment& own = impairment_[d.value];
    weight += deployment.weight;
    passed += deployment.weight * (1.0 - own.packet_loss);
    latency += deployment.weight * static_cast<double>(own.added_latency.ms);
  }
  if (weight == 0)
    return {};
  return {1.0 - passed / weight * (1.0 - below.packet_loss),
          latency / weight + below.added_latency_ms};
}

void HealthPropagator::set_fits_below(ServiceId s, double limit) {
  if (limit == fits_below_[s.value])
    return;
  fits_below_[s.value] = limit;
  limit_changed_.add(s);
}

void HealthPropagator::forget_limit_changes() {
  limit_changed_.clear();
}

void HealthPropagator::forget_changes() {
  changed_.clear();
  load_changed_.clear();
  check_changed_.clear();
}

std::span<const ServiceId> HealthPropagator::propagate() {
  forget_changes();
  while (!pending_.empty()) {
    const ServiceId s = pending_.take();
    bool network_moved = false;
    const ServiceHealth next = full_evaluation_ ? evaluate_impaired(s, network_moved) : evaluate(s);
    const bool health_moved = next != health_[s.value];
    if (!health_moved && !network_moved)
      continue;
    if (health_moved)
      changed_.add(s);
    health_[s.value] = next;
    const Shape& shape = shapes_[s.value];
    for (std::uint32_t i = shape.dependants; i < shape.dependants + shape.dependant_count; ++i)
      mark(dependants_[i]);
  }
  return changed_.items();
}

UserCount HealthPropagator::affected_users(UserGroupId g, UserCount tenants_out) const {
  const GroupShape& group = groups_[g.value];
  double served = 1.0;
  for (std::uint32_t i = group.uses; i < group.uses + group.use_count; ++i)
    served = std::min(served, health_[group_uses_[i].value].served_fraction);
  return users_cut_off(group.users, tenants_out, fully_served(served) ? 0.0 : 1.0 - served);
}

UserCount users_cut_off(UserCount users, UserCount tenants_out, double share_not_served) {
  // The usual case, after every change of a group that is served in full.
  if (share_not_served == 0.0)
    return tenants_out;
  const auto rest = static_cast<double>((users - tenants_out).value);
  return tenants_out + UserCount{std::llround(rest * share_not_served)};
}

}  // namespace faultline
