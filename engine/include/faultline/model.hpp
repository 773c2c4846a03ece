#pragma once
// The model: a topology (what exists and what depends on what) and a scenario
// (what breaks, how the runbook repairs it, what was observed). Built once by
// the loader and immutable afterwards; runs share it and own only their state.

#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "faultline/diagnostics.hpp"
#include "faultline/distribution.hpp"
#include "faultline/flat_lists.hpp"
#include "faultline/ids.hpp"
#include "faultline/time.hpp"

namespace faultline {

struct OptimizedPriority;  // optimize.hpp

enum class DependencyKind {
  hard,  // the dependant serves no more than the dependency does
  soft,  // the dependant keeps serving, with degraded performance
};

enum class Redundancy {
  none,            // a single deployment
  active_active,   // traffic split over the deployments in service by weight
  active_passive,  // one deployment serves; another takes over after a failover
  k_of_n,          // serves while at least `quorum` deployments are up, else not at all
};

std::string_view to_string(DependencyKind k);
std::string_view to_string(Redundancy r);

// A network link at network fidelity: its capacity and one-way latency.
struct LinkSpec {
  double bits_per_second = 10e9;
  Duration latency = Duration::milliseconds(1);
};

// What a user's request costs and how clients treat it, at network fidelity.
struct RequestSpec {
  std::int64_t request_bytes = 10'000;
  std::int64_t response_bytes = 50'000;
  // A client gives up on an attempt after this long, then retries.
  Duration timeout = Duration::seconds(2);
  int retries = 1;
  // Requests an active user makes per hour to each service it uses.
  double per_active_user_hour = 60;
};

// The network of a topology at network fidelity (see network.hpp); every
// field has a default, so topologies without a `network` section run there
// too.
struct NetworkSpec {
  LinkSpec lan{10e9, Duration::milliseconds(1)};   // a deployment's link within its region
  LinkSpec wan{10e9, Duration::milliseconds(40)};  // a region's link to the wide-area network
  RequestSpec request;
};

struct Region {
  std::string id;
  std::string name;
  // Its link to the wide-area network, when not the topology's default.
  std::optional<LinkSpec> wan;
  SourceLocation where;
};

// Failures that happen on their own, for steady-state studies: the unit fails
// after a time to failure, is repaired after a time to repair, and so on.
struct FailureModel {
  Distribution time_to_failure;
  Distribution time_to_repair;
  SourceLocation where;
};

struct Deployment {
  std::string id;  // "<service>@<region>" unless given
  ServiceId service;
  RegionId region;
  std::string zone;  // an availability zone within the region; empty if not given
  int instances = 1;
  // Its share of the service's traffic, relative to the other deployments';
  // the loader makes it the instance count unless given.
  double weight = 1.0;
  // Concurrent active users it serves with every instance healthy; the rest
  // of its traffic is shed. Either every deployment of a service has one or
  // none does (then each is sized for its share, with no headroom).
  std::optional<UserCount> capacity;
  // A cold standby takes no traffic until a runbook step fails over to it.
  bool cold_standby = false;
  // A failure takes the whole deployment down until it is repaired.
  std::optional<FailureModel> failures;
  SourceLocation where;
};

struct Dependency {
  ServiceId service;
  DependencyKind kind = DependencyKind::hard;
  SourceLocation where;
};

// How an active-passive service moves to another deployment when its active
// one stops serving: the loss is noticed after `detection`, the switch takes
// `duration`, and succeeds with probability `success`. A failed failover
// leaves the service down until a runbook step fails over or rebuilds.
struct Failover {
  Distribution detection;
  Distribution duration;
  double success = 1.0;
  SourceLocation where;
};

// A deployment whose load stays at or above `threshold` times its capacity
// for `after` falls over: it serves nothing until a runbook step rebuilds
// it, or, with `restarts_after`, until it restarts by itself that long
// after, with the instances it fell over with - and falls over again if
// the load is still there (a crash loop).
struct Overload {
  double threshold = 1.0;
  Duration after;
  std::optional<Distribution> restarts_after;
  SourceLocation where;
};

// What a degradation leaves of a deployment's network and capacity: the
// share of packets lost, the latency added to each request, and the share
// of its capacity that remains. Requests still get through, slower (the
// deployment's service is in degraded performance); what cuts service is
// the lost capacity, and load balancers taking deployments out of rotation
// when their health checks fail (see HealthCheck).
struct Impairment {
  double packet_loss = 0.0;
  Duration added_latency;
  double capacity = 1.0;

  bool operator==(const Impairment&) const = default;
};

// Two impairments on one deployment: losses compound, latencies add, the
// capacities left multiply.
Impairment combined(const Impairment& a, const Impairment& b);

// A load balancer's health check of each of the service's deployments: a
// deployment whose probes lose more than `max_packet_loss` or are slowed by
// more than `max_latency` is taken out of rotation (it takes no traffic)
// until they pass again. A deep check's probe goes through the service's
// hard dependencies too, so it also meets their loss and latency, and
// loses the share of requests they do not serve (which counts against
// max_packet_loss).
struct HealthCheck {
  std::optional<double> max_packet_loss;
  std::optional<Duration> max_latency;
  bool deep = false;
  SourceLocation where;

  // Latency in milliseconds: a weighted mean over a dependency's
  // deployments need not be whole.
  bool fails(double packet_loss, double added_latency_ms) const;
};

struct Service {
  std::string id;
  std::string name;
  std::string description;
  Redundancy redundancy = Redundancy::none;
  int quorum = 0;     // k_of_n: deployments that must be up
  Failover failover;  // active_passive
  std::vector<DeploymentId> deployments;
  std::vector<Dependency> dependencies;
  // Customer sites for hybrid services that are enabled site by site; 0 if not.
  int sites = 0;
  // Each tenant of the groups that reach it through hard dependencies has
  // its own share of it (its data, its connector), which a fault can take
  // out and a step bring back tenant by tenant.
  bool per_tenant = false;
  // A failure of the service itself (software, configuration), apart from
  // its deployments: it serves nothing until repaired.
  std::optional<FailureModel> failures;
  // How many of its failed deployments can be repaired at once; the rest
  // wait in failure order. Unlimited when absent.
  std::optional<int> repairers;
  // Capacity limited: its deployments carry a capacity.
  bool capacity_limited = false;
  std::optional<Overload> overload;
  // While a deployment sheds load, its clients retry: the load it sees is
  // multiplied by this factor (1: no retries).
  double retry_amplification = 1.0;
  std::optional<HealthCheck> health_check;
  SourceLocation where;
};

// The share of a group's users active in each hour of a week, in the group's
// local time, kept in thousandths.
class ActivityCurve {
 public:
  static constexpr int kHoursPerWeek = 168;
  using Weights = std::array<std::uint16_t, kHoursPerWeek>;

  // Office hours on weekdays, a little in the evening, little at weekends.
  static ActivityCurve business_day();
  // Everyone active around the clock: user-hours count registered users.
  static ActivityCurve always();
  // Hour 0 is Monday 00:00-01:00 local time.
  explicit ActivityCurve(const Weights& permille) : permille_(permille) {}

  std::uint16_t permille(int hour_of_week) const {
    return permille_[static_cast<std::size_t>(hour_of_week)];
  }
  std::uint16_t busiest() const;

 private:
  Weights permille_{};
};

// A customer, site or organisation: some of a group's users, whose share
// of a per-tenant service is up or down on its own.
struct Tenant {
  std::string id;
  UserCount users;
  UserGroupId group;
  SourceLocation where;
};

struct UserGroup {
  std::string id;
  std::string name;
  UserCount users;  // with tenants, theirs added up
  // Its tenants in the topology's list, [first_tenant, first_tenant +
  // tenants); none when the group is not made of tenants.
  std::uint32_t first_tenant = 0;
  std::uint32_t tenants = 0;
  RegionId region;
  std::string time_zone;
  ActivityCurve activity = ActivityCurve::business_day();
  std::vector<ServiceId> uses;
  SourceLocation where;
};

struct TopologyParts {
  std::string file;
  std::string name;
  NetworkSpec network;
  std::vector<Region> regions;
  std::vector<Service> services;
  std::vector<Deployment> deployments;
  std::vector<UserGroup> user_groups;
  // Every group's tenants, group by group in the groups' order.
  std::vector<Tenant> tenants;
};

class Topology {
 public:
  explicit Topology(TopologyParts parts);

  const std::string& file() const { return parts_.file; }
  const std::string& name() const { return parts_.name; }
  const NetworkSpec& network() const { return parts_.network; }
  // The region's link to the wide-area network.
  const LinkSpec& wan_link(RegionId r) const {
    return parts_.regions[r.value].wan ? *parts_.regions[r.value].wan : parts_.network.wan;
  }

  std::span<const Region> regions() const { return parts_.regions; }
  std::span<const Service> services() const { return parts_.services; }
  std::span<const Deployment> deployments() const { return parts_.deployments; }
  std::span<const UserGroup> user_groups() const { return parts_.user_groups; }

  const Region& region(RegionId id) const { return parts_.regions[id.value]; }
  const Service& service(ServiceId id) const { return parts_.services[id.value]; }
  const Deployment& deployment(DeploymentId id) const { return parts_.deployments[id.value]; }
  const UserGroup& user_group(UserGroupId id) const { return parts_.user_groups[id.value]; }
  std::span<const Tenant> tenants() const { return parts_.tenants; }
  const Tenant& tenant(TenantId id) const { return parts_.tenants[id.value]; }
  std::span<const Tenant> tenants_of(UserGroupId g) const {
    const UserGroup& group = parts_.user_groups[g.value];
    return std::span<const Tenant>(parts_.tenants).subspan(group.first_tenant, group.tenants);
  }
  // The tenants with a share of a per-tenant service: those of the groups
  // that use it, or a service that depends on it, through hard
  // dependencies only. Ascending; empty for other services.
  std::span<const TenantId> tenants_on(ServiceId s) const { return tenants_on_[s.value]; }
  // Of those, the ones on one of its deployments: a service's tenants are
  // spread over its deployments in turn, the i-th on deployment i mod n (in
  // the service's list). Ascending.
  std::span<const TenantId> tenants_on(DeploymentId d) const {
    return tenants_on_deployment_[d.value];
  }
  // The users of these tenants, added up.
  UserCount users_of(std::span<const TenantId> tenants) const;

  std::optional<RegionId> find_region(std::string_view id) const;
  std::optional<ServiceId> find_service(std::string_view id) const;
  std::optional<DeploymentId> find_deployment(std::string_view id) const;
  std::optional<TenantId> find_tenant(std::string_view id) const;

  // Services with a dependency of any kind on s.
  std::span<const ServiceId> dependants(ServiceId s) const { return dependants_[s]; }
  // User groups that use s directly.
  std::span<const UserGroupId> users_of(ServiceId s) const { return users_of_[s]; }
  // User groups whose traffic reaches s: they use it, or a service that
  // depends on it, directly or through others, in any way.
  std::span<const UserGroupId> load_of(ServiceId s) const { return load_of_[s]; }
  std::span<const DeploymentId> deployments_in(RegionId r) const {
    return deployments_in_[r.value];
  }
  // Dependencies rank lower than their dependants; services on one cycle share
  // a rank. Health is evaluated in increasing rank.
  std::uint32_t evaluation_rank(ServiceId s) const { return evaluation_rank_[s.value]; }
  // Some deployment or service carries a failure model.
  bool has_failure_models() const { return has_failure_models_; }
  // Some service's deployments restart by themselves after falling over.
  bool has_restarts() const { return has_restarts_; }
  // Every user group's users added up: the reports' "all users".
  UserCount users() const { return users_; }
  // How long after T0 a run can count the loss of every user exactly:
  // UserTime::kMostUserMs spread over users(). The loader refuses a
  // horizon past it, and a run that goes on past it stops with
  // UncountableRun.
  Duration longest_countable() const;

 private:
  void place_tenants();

  TopologyParts parts_;
  std::unordered_map<std::string, RegionId> region_index_;
  std::unordered_map<std::string, ServiceId> service_index_;
  std::unordered_map<std::string, DeploymentId> deployment_index_;
  std::unordered_map<std::string, TenantId> tenant_index_;
  FlatLists<ServiceId, ServiceId> dependants_;
  FlatLists<ServiceId, UserGroupId> users_of_;
  FlatLists<ServiceId, UserGroupId> load_of_;
  std::vector<std::vector<TenantId>> tenants_on_;
  std::vector<std::vector<TenantId>> tenants_on_deployment_;
  std::vector<std::vector<DeploymentId>> deployments_in_;
  std::vector<std::uint32_t> evaluation_rank_;
  bool has_failure_models_ = false;
  bool has_restarts_ = false;
  UserCount users_;
};

// A scenario without a horizon ends at its last event (activity changes
// aside) when every user is back by then; with users still cut off, it runs
// on to this long after T0 (or to its last event, if later), so their loss
// is counted and the outputs say they were still out.
inline constexpr Duration kDefaultHorizon = Duration::days(30);

// The cohorts of consumers whose caches a cache_ttl spreads an outage over.
inline constexpr int kCacheCohorts = 10;

enum class FaultKind {
  delete_instances,  // instances of deployments disappear (the 2018 root cause)
  outage,            // a service stops serving (lost state or configuration)
  bad_deploy,        // a bad release rolls out deployment by deployment until halted
  degradation,       // packet loss, added latency or lost capacity on deployments
};

struct Fault {
  std::string id;
  std::string description;
  SimTime at;
  FaultKind kind = FaultKind::delete_instances;
  // delete_instances: every one at once; bad_deploy: in this order, a wave
  // at a time; degradation: every one at once.
  std::vector<DeploymentId> deployments;
  std::optional<int> instances;      // delete_instances: per deployment; all when absent
  std::optional<ServiceId> service;  // outage
  double served_fraction = 0.0;      // outage: what the service still serves
  // outage, degradation: it ends by itself this long after it struck (a
  // partition that heals, a bad value that expires); until a step restores
  // (an outage) or mitigates it (a degradation) when absent.
  std::optional<Distribution> lasts;
  // outage: its consumers cache the service's answers for this long, each
  // refreshing at its own phase, spread evenly over it (kCacheCohorts
  // cohorts): the outage reaches them one cohort at a time over the TTL,
  // and once it ends they come back the same way, each at its first
  // refresh after the end. A cohort that refreshes only after the end
  // never sees it.
  std::optional<Duration> cache_ttl;
  // outage of a per-tenant service: the tenants whose share it takes out,
  // resolved by the loader (every tenant on it, an evenly spread share of
  // them, or a list), ascending; the service as a whole when empty.
  std::vector<TenantId> tenants;
  int per_wave = 1;                  // bad_deploy: deployments each wave takes down
  Duration every;                    // bad_deploy: between waves
  // degradation: what it does to each of `deployments` while it is on
  // (until it lasts out or a mitigate step ends it).
  Impairment impairment;
  SourceLocation where;
};

// Working hours in a time zone. A shift that ends at or before it starts
// runs past midnight.
struct Shift {
  std::string time_zone;  // IANA name
  std::chrono::minutes from{0};
  std::chrono::minutes to{0};
  bool weekdays_only = false;
  SourceLocation where;
};

// From `at` on, a crew has `size` members; steps already running go on.
struct CrewResize {
  SimTime at;
  int size = 1;
};

struct Crew {
  std::string id;
  std::string name;
  int size = 1;                     // steps it can work on at once
  std::vector<CrewResize> resized;  // in time order
  // When it works; always, when empty. Work in progress pauses between
  // shifts and resumes after the hand-over.
  std::vector<Shift> shifts;
  Duration handover;
  SourceLocation where;
};

enum class ActionKind {
  none,             // work that changes nothing modelled: triage, verification, communication
  rebuild,          // bring deployments back to their full instance count
  restore,          // bring a service's own capability up to a fraction
  enable_waves,     // enable a service site by site, in equal waves
  fail_over,        // move a service onto a deployment, standby or not
  halt_rollout,     // stop a bad deploy from reaching more deployments
  restore_tenants,  // bring a per-tenant service back to its tenants, batch by batch
  mitigate,         // end a degradation: drain the lossy link, withdraw the bad route
};

// The order in which a restore-tenants step takes the tenants out.
enum class BatchOrder {
  as_listed,       // the topology's order
  largest_first,   // most users first
  smallest_first,  // fewest users first
  oldest_first,    // out the longest first
  random,          // shuffled afresh in each sampled run; as listed in the replay
};

// How a restore-tenants step brings its service back to the tenants out
// on it as it starts: in batches of `size` tenants, or of as many as fit
// in `users` (at least one each), the last taking what is left; at most
// `at_once` batches under way together, each holding `members` of the
// step's crew. Each batch is an attempt of the step's methods of its own.
struct BatchPlan {
  int size = 0;  // 0: by `users`, or every tenant in one batch when that is absent too
  std::optional<UserCount> users;
  int at_once = 1;
  int members = 1;
  BatchOrder order = BatchOrder::as_listed;
  SourceLocation where;
};

// A service's state as a status page shows it, best first.
enum class ServiceState { operational, degraded_performance, partial_outage, major_outage };
// Operational and degraded performance serve every request, if slowly.
constexpr bool serves_everyone(ServiceState s) {
  return s == ServiceState::operational || s == ServiceState::degraded_performance;
}

std::string_view to_string(ServiceState s);

// Holds while a service is in a worse state than `below`.
struct StepCondition {
  ServiceId service;
  ServiceState below = ServiceState::operational;
};

// Met while a service is in `at_least` or a better state.
struct ServiceRequirement {
  ServiceId service;
  ServiceState at_least = ServiceState::operational;
};

constexpr bool meets(ServiceState s, const ServiceRequirement& r) {
  return s <= r.at_least;
}

// The step's work, if under way at `at`, takes `length` longer; between
// retries, the next attempt does.
struct HoldUp {
  SimTime at;
  Duration length;
};

inline constexpr int kUnlimitedRetries = std::numeric_limits<int>::max();
// A step lists at most this many methods (a batch keeps those that gave
// up on it as bits).
inline constexpr std::size_t kMostMethods = 64;

// What batches under way do when a method listed before theirs arrives.
enum class InFlight {
  finish,     // go on with the method they have
  hand_over,  // drop the attempt under way and start again with the new one
};

// One way of doing a step's work. Each attempt (a wave, or the whole step)
// succeeds with `success`; a failed one is retried after retry_delay, up to
// `retries` times (kUnlimitedRetries: until it works) and never to start
// after retry_until. Unlimited retries without retry_until stop at the end
// of the run (its horizon, or T0 + kDefaultHorizon), leaving the step
// unfinished rather than failed.
struct Method {
  std::string name;       // empty for the step's own, when it lists no methods
  Distribution duration;  // whole step; each of equal waves takes a share; a batch
  // A batch of a restore-tenants step takes this much longer per tenant in it.
  Duration per_tenant;
  double success = 1.0;
  int retries = 0;
  Distribution retry_delay;
  std::optional<SimTime> retry_until;
  // A restore-tenants step's method that arrives mid-incident (an
  // automated pipeline built meanwhile): there only once that step has
  // completed, or from that time. Batches start with the first method
  // available, in listed order, and go on with the next one available when
  // it gives up; when one arrives, batches under way with a method listed
  // after it do as `in_flight` says.
  std::optional<StepId> available_after;
  std::optional<SimTime> available_from;
  InFlight in_flight = InFlight::finish;
  SourceLocation where;
};

// One of a step's uneven waves: the share of the service it enables and
// how long it takes.
struct Wave {
  double share = 1.0;
  Distribution duration;
};

struct Step {
  std::string id;
  std::string description;
  ActionKind action = ActionKind::rebuild;
  std::vector<DeploymentId> deployments;  // rebuild
  std::optional<ServiceId> service;       // restore, enable_waves, fail_over
  // fail_over: the deployment to serve from; when absent, the first other
  // deployment with healthy instances, in listed order.
  std::optional<DeploymentId> to_deployment;
  std::optional<FaultId> fault;  // halt_rollout, mitigate
  double to_fraction = 1.0;      // restore
  // restore: adds this share to what the service has (capped at all of
  // it), instead of raising it to to_fraction.
  std::optional<double> adds;
  int waves = 1;                 // enable_waves
  // enable_waves, when its waves are uneven: each its share (they add up
  // to 1) and its own duration, drawn afresh for each attempt at it; its
  // method's `duration` is then their medians' sum and is not drawn.
  std::vector<Wave> wave_plan;
  std::optional<BatchPlan> batches;  // restore_tenants
  // At least one, tried in order: when one gives up, the next starts at
  // once, with the same crew and from the wave under way; when the last
  // gives up the step has failed, and the steps after it never start.
  std::vector<Method> methods;
  std::optional<CrewId> crew;
  std::vector<StepId> after;
  std::optional<SimTime> not_before;
  // Checked as the step would start: when it does not hold, the step is
  // skipped and its successors go ahead.
  std::optional<StepCondition> only_if;
  // The step starts only while every one of these is met; until then it
  // holds no crew member, and a lower-ranked step may take the crew.
  std::vector<ServiceRequirement> requirements;
  // A verification gate: the step completes only once these services are
  // operational. Its crew is free from the end of the work.
  std::vector<ServiceId> verify;
  // When the step fails, its crew spends this long undoing what its waves
  // did; the step stays failed.
  std::optional<Distribution> rollback;
  // Scripted failures: the attempt under way at each of these times, or else
  // the next one to end, fails. In time order.
  std::vector<SimTime> fails_at;
  std::vector<HoldUp> hold_ups;  // in time order
  SourceLocation where;
};

// How ready steps that compete for crews are ordered (see strategy.hpp).
enum class StrategyKind {
  as_written,               // runbook order
  most_users_first,         // most users brought back
  dependency_order,         // what depends on nothing first, then layer by layer
  shortest_first,           // shortest median duration
  critical_path,            // longest remaining path through the runbook
  weighted_shortest_first,  // most users brought back per hour of work (Smith's rule)
  priority,                 // the scenario's own priority list
  optimize,                 // the best order a search over priority lists finds
};

enum class MilestoneEvent {
  service_down,             // first entered major outage
  service_partly_restored,  // first left major outage after going down
  service_restored,         // last came back to serving everything
  step_started,
  step_completed,
  // Of the most tenants (or of their users) out at once in the run, the
  // share first back ("55% of users back by 14 April").
  tenants_back,
  tenant_users_back,
};
enum class MilestoneTiming {
  at,  // happened at this time (within its tolerance)
  by,  // had happened by this time (a deadline)
};

std::string_view to_string(MilestoneEvent e);
std::string_view to_string(MilestoneTiming t);

struct Milestone {
  std::string id;
  std::string description;
  std::string source;
  MilestoneEvent event = MilestoneEvent::service_restored;
  std::optional<ServiceId> service;
  std::optional<StepId> step;
  std::optional<double> share;  // tenants_back, tenant_users_back: in (0, 1]
  // With a share: of this group's tenants only; otherwise of all tenants.
  std::optional<UserGroupId> group;
  MilestoneTiming timing = MilestoneTiming::at;
  SimTime time;
  // The tolerance: an `at` milestone is met when the simulated event lands
  // within this of `time`, before or after; a `by` one, when it happened
  // by `time` plus this.
  Duration within;
  SourceLocation where;
};

// A parameter of a method that `calibrate` fits to the observed milestones
// (calibrate.hpp). The method keeps the value the scenario writes, which
// replay and simulate use; the prior says what values are plausible.
enum class UnknownKind {
  median,   // the median of the method's duration; its spread is kept
  success,  // the method's success probability
  arrival,  // when the method arrives ('available: {at: TIME}')
};

std::string_view to_string(UnknownKind k);

struct UnknownParameter {
  UnknownKind kind = UnknownKind::median;
  StepId step;
  std::uint32_t method = 0;  // by position in the step's methods
  // median: over the median; arrival: over the time after T0.
  Distribution prior;
  // success: uniform over [low, high].
  double low = 0;
  double high = 1;
  SourceLocation where;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::shared_ptr<const Topology> topology;
  ScenarioClock clock;
  std::vector<Fault> faults;
  std::vector<Crew> crews;
  std::vector<Step> steps;
  // successors[s]: the steps that name s in their `after`.
  std::vector<std::vector<StepId>> successors;
  std::vector<Milestone> observed;
  // Accounting stops here; without it, at the last event.
  std::optional<SimTime> horizon;
  StrategyKind strategy = StrategyKind::as_written;
  // The order of the `priority` strategy, most urgent first; steps not
  // listed come after, in runbook order.
  std::vector<StepId> priority;
  // What `calibrate` fits, in the order written.
  std::vector<UnknownParameter> unknowns;
  // Where the scenario asked for the optimize strategy, the search that
  // found `priority` (see optimize.hpp), so that every result says so.
  std::shared_ptr<const OptimizedPriority> priority_search;

  std::optional<StepId> find_step(std::string_view id) const;
  // Some fault takes tenants out: results follow tenants beside services.
  bool takes_tenants_out() const;
  // Where a run stops retrying without limit (see Method): its horizon,
  // or T0 + kDefaultHorizon.
  SimTime retries_stop() const { return horizon.value_or(SimTime{} + kDefaultHorizon); }
  // The first step with a method that retries without limit and without
  // retry_until: its runs may leave it unfinished at retries_stop().
  std::optional<StepId> first_retrying_to_the_end() const;
};

}  // namespace faultline
