#pragma once
// The one health propagation: a service's served fraction follows its own
// deployments (their health, which are in service, their capacity against the
// load its users bring) and capability, and its dependencies. Only what a
// change can reach is re-evaluated.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

// Below this served fraction a service is in major outage; from it up to (not
// including) 1, in partial outage.
inline constexpr double kMajorOutageBelow = 0.5;
// Served fractions are products and quotients of doubles; within this of a
// threshold they count as on it, so rounding never changes a state.
inline constexpr double kServedTolerance = 1e-9;

// Serving everything asked of it, up to rounding.
constexpr bool fully_served(double served_fraction) {
  return served_fraction >= 1.0 - kServedTolerance;
}

// Of a group of `users`, those cut off: every user of its tenants out on
// some per-tenant service, and of the rest the share not served (rounded
// to whole users). Both fidelities count users this way.
UserCount users_cut_off(UserCount users, UserCount tenants_out, double share_not_served);

// What a caller of a service meets on the way, apart from what it serves:
// the share of packets lost and the latency added, through the service's
// deployments taking traffic (a mean by their weights) and its hard
// dependencies (losses compound; calls go out together, so the slowest
// dependency's latency adds).
struct NetworkView {
  double packet_loss = 0.0;
  double added_latency_ms = 0.0;
  bool operator==(const NetworkView&) const = default;
};

struct ServiceHealth {
  double served_fraction = 1.0;
  // Serving everything asked of it, but slowed by an impaired dependency.
  bool degraded = false;

  ServiceState state() const;
  bool operator==(const ServiceHealth&) const = default;
};

// What health is evaluated from, apart from demand. A run can record it
// over time, and the network fidelity replays that record on its platform.
struct HealthInputs {
  std::vector<int> healthy_instances;  // by DeploymentId
  std::vector<char> in_service;        // by DeploymentId
  std::vector<double> capability;      // by ServiceId
  std::vector<DeploymentId> active;    // by ServiceId; active-passive only

  bool operator==(const HealthInputs&) const = default;
};

// The inputs in force from `at` until the next change.
struct HealthChange {
  SimTime at;
  HealthInputs inputs;
};

// Ids listed once each, in the order first added, until cleared: what a
// propagation changed, for its callers to follow.
template <class IdType>
class ChangeList {
 public:
  explicit ChangeList(std::size_t ids) : listed_(ids) {}
  void add(IdType id) {
    if (listed_[id.value])
      return;
    listed_[id.value] = 1;
    items_.push_back(id);
  }
  std::span<const IdType> items() const { return items_; }
  void clear() {
    for (const IdType id : items_)
      listed_[id.value] = 0;
    items_.clear();
  }

 private:
  std::vector<char> listed_;  // by id
  std::vector<IdType> items_;
};

// Services waiting to be evaluated, taken in evaluation order: lowest
// rank first, and by id within a rank (the members of a cycle). A bit per
// service in that order, and a bit per word of them that has one set, so
// adding is constant time and taking the next a short scan; a binary heap
// of 10^5 waiting services cost a cache miss per level of every pop.
class EvaluationQueue {
 public:
  // `order`: every service once, in evaluation order.
  explicit EvaluationQueue(std::vector<ServiceId> order);

  bool empty() const { return count_ == 0; }
  bool waiting(ServiceId s) const {
    const std::uint32_t p = position_[s.value];
    return (waiting_[p >> 6] >> (p & 63)) & 1;
  }
  // Once only: a service waiting already keeps its place.
  void add(ServiceId s) {
    const std::uint32_t p = position_[s.value];
    std::uint64_t& word = waiting_[p >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (p & 63);
    if (word & bit)
      return;
    if (word == 0)
      words_waiting_[p >> 12] |= std::uint64_t{1} << ((p >> 6) & 63);
    word |= bit;
    // A service on a cycle may come back below the one just taken.
    if (count_ == 0 || p < lowest_)
      lowest_ = p;
    ++count_;
  }
  // The first waiting service in evaluation order; the queue must not be
  // empty.
  ServiceId take();
  void clear();

 private:
  std::vector<ServiceId> order_;         // by position
  std::vector<std::uint32_t> position_;  // by service
  // Bit p % 64 of waiting_[p / 64]: the service at position p waits; bit
  // w % 64 of words_waiting_[w / 64]: waiting_[w] is not 0.
  std::vector<std::uint64_t> waiting_;
  std::vector<std::uint64_t> words_waiting_;
  std::size_t count_ = 0;
  std::uint32_t lowest_ = 0;  // no position below it waits
};

class HealthPropagator {
 public:
  // Starts with every instance healthy, every capability at 1, cold standbys
  // out of service, each active-passive service on its first deployment
  // that is not a cold standby, and no demand on any service.
  explicit HealthPropagator(const Topology& topology);

  // Back to the starting state, keeping the memory for the next run.
  void reset();

  // Changes take effect on health at the next propagate().
  void set_healthy_instances(DeploymentId d, int healthy);
  void set_capability(ServiceId s, double fraction);
  // A deployment in service takes its share of traffic.
  void set_in_service(DeploymentId d, bool in_service);
  // The deployment an active-passive service serves from.
  void set_active_deployment(ServiceId s, DeploymentId d);
  // What degradations leave of the deployment's network and capacity.
  void set_impairment(DeploymentId d, const Impairment& impairment);
  // Moves every active-passive service whose active deployment takes no
  // traffic to its first deployment, in listed order, that can: a failover
  // that is instant and always works, as static analysis and the Markov
  // model assume.
  void settle_failovers();
  // The concurrent active users whose traffic reaches a capacity-limited
  // service (see demand_on); other services ignore it.
  void set_demand(ServiceId s, UserCount demand);

  // What-if changes: from begin_trial() on, the first change or evaluation
  // that touches a service keeps its state (and its deployments') as it
  // was, and end_trial() puts every kept state back, so a trial costs what
  // its changes reach, not the estate. Static analysis probes the loss of
  // each region, deployment and service this way.
  void begin_trial();
  void end_trial();
  // Moves the active-passive service, when its active deployment takes no
  // traffic, as settle_failovers() does for every service.
  void settle_failover(ServiceId s);
  // Re-evaluates what the changes since the last call can reach; returns the
  // services whose health changed, dependencies before dependants. Changes
  // between two calls must all move health the same way (all losses or all
  // recoveries), which keeps evaluation on a dependency cycle monotone.
  // Health checks can turn one way into the other (a lossy deployment out
  // of rotation lowers the loss its callers meet), but they and networks
  // only look at dependencies below a cycle, so a cycle's members still
  // move one way.
  std::span<const ServiceId> propagate();

  const ServiceHealth& health(ServiceId s) const { return health_[s.value]; }
  int healthy_instances(DeploymentId d) const { return deployments_[d.value].healthy; }
  double capability(ServiceId s) const { return capability_[s.value]; }
  bool in_service(DeploymentId d) const { return deployments_[d.value].in_service != 0; }
  // In service with a healthy instance, and not out of rotation: it takes
  // traffic.
  bool serving(DeploymentId d) const {
    return deployments_[d.value].in_service && deployments_[d.value].healthy > 0 &&
           !deployments_[d.value].checked_out;
  }
  // Its service's health check fails (see HealthCheck): the load balancer
  // has taken it out of rotation.
  bool checked_out(DeploymentId d) const { return deployments_[d.value].checked_out != 0; }
  // What the deployment's health-check probes met at its service's last
  // evaluation (with no check, nothing).
  const NetworkView& probe(DeploymentId d) const { return probe_[d.value]; }
  // Deployments whose health check started or stopped failing in the last
  // propagate().
  std::span<const DeploymentId> check_changes() const { return check_changed_.items(); }
  DeploymentId active_deployment(ServiceId s) const { return active_[s.value]; }
  // The deployment's service, from health's own copy: the model's
  // Deployment is a wide record, a cache miss at 10^5 services.
  ServiceId service_of(DeploymentId d) const { return service_of_[d.value]; }
  // The service's deployments, from health's own compact copy of the model.
  std::span<const DeploymentId> deployments(ServiceId s) const {
    return deployments_of(shapes_[s.value]);
  }
  // Changes not yet propagated are included.
  void copy_inputs(HealthInputs& inputs) const;
  UserCount demand(ServiceId s) const { return demand_[s.value]; }
  // A capacity-limited service, as of its last evaluation: the demand at
  // which the first deployment taking traffic would reach its capacity
  // (infinity with none taking traffic; 0 before it was evaluated). A
  // change of demand below it both before and after is not evaluated.
  double fits_below(ServiceId s) const { return fits_below_[s.value]; }
  // The capacity-limited services whose fits_below moved since the last
  // forget_limit_changes() (or reset), each once: what watches the limits
  // need look again only at these.
  std::span<const ServiceId> limit_changes() const { return limit_changed_.items(); }
  void forget_limit_changes();
  // The load a capacity-limited deployment sees (retries included) over the
  // capacity its healthy instances give, as of its service's last
  // evaluation; 0 when it takes no traffic. A demand change that keeps every
  // deployment under capacity is not evaluated: it changes what is served by
  // nothing and moves no ratio to an overload threshold (at least 1).
  double load_ratio(DeploymentId d) const { return load_ratio_[d.value]; }
  // Deployments of services with an overload threshold whose load ratio the
  // last propagate() changed.
  std::span<const DeploymentId> load_changes() const { return load_changed_.items(); }

  // Users of the group cut off now: those of its tenants out on some
  // per-tenant service, and of the rest the share not served by the worst
  // of the services they use.
  UserCount affected_users(UserGroupId g, UserCount tenants_out = {}) const;

 private:
  ServiceHealth evaluate(ServiceId s);
  // evaluate() once some deployment has been impaired: first the health
  // checks, then what the service serves, then what its callers meet.
  ServiceHealth evaluate_impaired(ServiceId s, bool& network_moved);
  // Takes the deployments whose health check fails out of rotation, given
  // what a request meets in the hard dependencies below the service.
  void check_deployments(const Service& service, const NetworkView& below, double served_below);
  NetworkView network_through(const Service& service, ServiceId s, const NetworkView& below) const;
  bool slowed(const Service& service, std::uint32_t rank, const NetworkView& network) const;
  // What evaluation and the users cut off read of the model, laid out flat:
  // at 10^5 services the model's Service (760 bytes), its vectors, its
  // deployments' records and its groups' each cost a cache miss every time.
  struct Shape {
    // Its deployments, dependencies and dependants: runs of
    // deployment_ids_, dependencies_ and dependants_, each from the index
    // named after it and its count long.
    std::uint32_t deployments = 0;
    std::uint32_t dependencies = 0;
    std::uint32_t dependants = 0;
    std::uint32_t deployment_count = 0;
    std::uint32_t dependency_count = 0;
    std::uint32_t dependant_count = 0;
    Redundancy redundancy = Redundancy::none;
    bool capacity_limited = false;
    int quorum = 0;
    // The instances of its deployments that are not cold standbys: what
    // its traffic is sized for.
    long sized_for = 0;
    double retry_amplification = 1.0;
  };
  // What capacity_fraction reads of a deployment, kept dense: the
  // topology's Deployment is a wide record, and an estate of 10^5 services
  // reads thousands of them per run.
  struct Sizing {
    double capacity = 0;  // of all its instances at full strength; 0 without one
    double weight = 1.0;
    int instances = 1;
    bool overload = false;  // its service trips on overload
  };
  // A user group's services, a run of group_uses_, and its users.
  struct GroupShape {
    std::uint32_t uses = 0;
    std::uint32_t use_count = 0;
    UserCount users;
  };
  struct FlatDependency {
    ServiceId service;
    bool hard = true;
  };
  void lay_out();
  std::span<const DeploymentId> deployments_of(const Shape& shape) const {
    return {deployment_ids_.data() + shape.deployments, shape.deployment_count};
  }
  double deployment_fraction(const Shape& shape, ServiceId s);
  double capacity_fraction(const Shape& shape, ServiceId s);
  void set_load_ratio(DeploymentId d, double ratio);
  void set_fits_below(ServiceId s, double limit);
  void mark(ServiceId s);
  // Clears what the last propagate() changed.
  void forget_changes();
  // Before anything of the service or its deployments is written: in a
  // trial, keeps their state the first time.
  void touch(ServiceId s) {
    if (in_trial_) [[unlikely]]
      keep(s);
  }
  void keep(ServiceId s);

  const Topology& topology_;
  std::vector<Shape> shapes_;  // by service
  std::vector<DeploymentId> deployment_ids_;
  std::vector<FlatDependency> dependencies_;
  std::vector<ServiceId> dependants_;
  std::vector<GroupShape> groups_;  // by user group
  std::vector<ServiceId> group_uses_;
  std::vector<ServiceId> service_of_;  // by deployment
  // What evaluation reads of a deployment, side by side: as four arrays
  // they were four cache misses for each deployment evaluated.
  struct DeploymentState {
    double capacity_left = 1.0;  // its impairment's capacity, a dense copy
    int healthy = 0;             // instances
    char in_service = 0;
    char checked_out = 0;
  };
  // What reset() starts from: every instance healthy, deployments in
  // service (all but cold standbys), and each service's active deployment
  // (its first in service).
  std::vector<DeploymentState> starts_;
  std::vector<DeploymentId> starts_active_;
  // Some service has a deep health check, which fails where a dependency
  // does not serve whatever the network.
  const bool deep_checks_;
  std::vector<DeploymentState> deployments_;
  std::vector<Sizing> sizing_;  // by deployment
  std::vector<double> capability_;
  std::vector<DeploymentId> active_;  // by ServiceId; active-passive only
  // Impairments, probes and networks: other than as reset() leaves them
  // only while full_evaluation_ is on (end_trial() writes back the kept
  // values before it turns it off), so reset() rewrites them only then.
  std::vector<Impairment> impairment_;  // by deployment
  std::vector<NetworkView> probe_;      // by deployment
  std::vector<NetworkView> network_;    // by service
  // Evaluation looks at networks and health checks: with deep checks, or
  // once some deployment was impaired since the reset.
  bool full_evaluation_ = false;
  ChangeList<DeploymentId> check_changed_;
  std::vector<UserCount> demand_;
  // By service, Shape's flag kept dense as well: each new segment sets the
  // demand of every capacity-limited service, and a Shape is a cache line.
  std::vector<char> capacity_limited_;
  // By capacity-limited service: below this demand no deployment is at its
  // capacity (as of its last evaluation).
  std::vector<double> fits_below_;
  ChangeList<ServiceId> limit_changed_;
  std::vector<double> load_ratio_;
  ChangeList<DeploymentId> load_changed_;
  std::vector<ServiceHealth> health_;
  EvaluationQueue pending_;
  ChangeList<ServiceId> changed_;
  // A trial's kept states, a service's and then one for each of its
  // deployments, in the order touched.
  struct KeptService {
    ServiceId service;
    ServiceHealth health;
    NetworkView network;
    double capability;
    double fits_below;
    DeploymentId active;
    UserCount demand;
  };
  struct KeptDeployment {
    int healthy;
    char in_service;
    char checked_out;
    double load_ratio;
    double capacity_left;
    Impairment impairment;
    NetworkView probe;
  };
  bool in_trial_ = false;
  bool full_evaluation_before_trial_ = false;
  std::vector<KeptService> kept_services_;
  std::vector<KeptDeployment> kept_deployments_;
  std::vector<char> is_kept_;  // by service
};

}  // namespace faultline
