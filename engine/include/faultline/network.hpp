#pragma once
// Network fidelity: the topology as a SimGrid platform. Regions are zones
// with a gateway and a link to the wide-area network; each deployment is a
// host with its own link into its region, fast enough for its capacity; each
// user group's clients are a host in the group's region. SimGrid allows one
// engine per process, so every SimGrid run here happens in a child process
// of its own, and the caller's process never holds an engine.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "faultline/health.hpp"
#include "faultline/model.hpp"
#include "faultline/replay.hpp"

namespace faultline {

// SimGrid's unit of work: one request costs this many flops, so a host's
// speed in flops per second is the requests per second it can serve times it.
inline constexpr double kFlopsPerRequest = 1e6;

struct PlatformHost {
  std::string name;  // the deployment's id, or "clients:<group>"
  std::string zone;  // its region's id
  double requests_per_second = 0;
};

// The path SimGrid routes between two hosts: its one-way latency, its
// narrowest link and how many links it crosses.
struct PlatformRoute {
  std::string from;
  std::string to;
  Duration latency;
  double bottleneck_bits_per_second = 0;
  int links = 0;
};

struct PlatformDescription {
  std::vector<PlatformHost> hosts;  // deployments in topology order, then client hosts
  // The routes requests take: from each group's clients to each deployment
  // of the services it uses, and from each deployment to each deployment of
  // the services its service depends on.
  std::vector<PlatformRoute> routes;
};

// Builds the platform in a child process and reads back what SimGrid made of
// it. Throws std::runtime_error when the child fails.
PlatformDescription describe_platform(const Topology& topology);

// The most steps of one network run: a year of one-second steps, most of
// which repeat, runs in seconds; a millisecond step over two weeks would
// run for hours.
inline constexpr std::uint64_t kMostNetworkSteps = 50'000'000;

struct NetworkOptions {
  // Each user group sends its requests to each service it uses as one
  // aggregated flow per step, sized by its activity; a service's state is
  // known to this resolution.
  Duration step = Duration::minutes(1);
  // Request metrics are summed over windows of this length, at least a step.
  Duration window = Duration::hours(1);
};

// Requests of a user group's users during one window, retries part of the
// request they repeat (a group sends at least a request a minute to know
// its services' availability while nobody is active, which is not
// counted); or calls to a service, every one counted (retries, calls
// through dependencies and the monitor's probes). Latencies are of
// responses, including those that came after the client gave up; empty when
// none came.
struct RequestWindow {
  SimTime from;
  double requests = 0;
  double served = 0;  // answered in time, after any retries
  std::optional<Duration> p50;
  std::optional<Duration> p99;

  double success_rate() const { return requests > 0 ? served / requests : 1.0; }
};

struct RequestMetrics {
  Duration step;
  Duration window;
  std::vector<std::vector<RequestWindow>> services;  // by ServiceId, then window
  std::vector<std::vector<RequestWindow>> groups;    // by UserGroupId, then window
  double requests = 0;  // every request the clients issued, retries excluded
  // Steps the SimGrid engine ran, and steps that repeated one before them
  // exactly (nothing changed and nothing was in flight at its end), so were
  // copied instead of run.
  std::int64_t steps_simulated = 0;
  std::int64_t steps_repeated = 0;
};

// A link or host of the platform that requests load. Links are split
// duplex: traffic into a host (or region) and out of it have a capacity
// each.
struct NetworkResource {
  enum class Kind {
    deployment_host,  // serves requests: its capacity in requests per second
    deployment_link,  // a deployment's link within its region (the `lan`)
    clients_link,     // a user group's clients' link within their region (the `lan`)
    region_link,      // a region's link to the wide-area network (its `wan`)
  };
  Kind kind = Kind::deployment_host;
  // DeploymentId, UserGroupId or RegionId, by kind.
  std::uint32_t index = 0;
  bool inbound = false;  // links: toward the host or region
};

// Every resource in a fixed order: for each deployment its host, inbound
// and outbound link; for each user group its clients' inbound and outbound
// link; for each region its inbound and outbound wide-area link.
std::vector<NetworkResource> network_resources(const Topology& topology);

// The most a resource was asked to carry in any step with nothing failed.
struct ResourceLoad {
  NetworkResource resource;
  // Requests per second for a host, bits per second for a link.
  double capacity = 0;
  double peak = 0;
  SimTime peak_at;  // the start of the first step that asked it
  // Capacity-limited hosts: the `capacity` (concurrent users) that would
  // serve the peak, at the requests per user the host is built for.
  std::optional<UserCount> capacity_needed;

  double utilisation() const { return capacity > 0 ? peak / capacity : 0; }
};

// A service that did not serve its requests with nothing failed.
struct BaselineShortfall {
  ServiceId service;
  RequestWindow worst;  // its window with the lowest share served
  // The busiest resource its requests (and those it made to its
  // dependencies) crossed in that window: an index into
  // NetworkBaseline::loads; and what it was asked there over its capacity.
  std::optional<std::size_t> bottleneck;
  double bottleneck_utilisation = 0;
};

// Below this share served in a window with nothing failed, a service is
// short of capacity, and every figure of a network run says more about the
// platform than about the faults.
inline constexpr double kBaselineServed = 0.99;
// The baseline covers the run's span up to a week: the weekly activity
// curve repeats after that.
inline constexpr Duration kLongestBaseline = Duration::days(7);

// The same requests through the same platform with nothing failed.
struct NetworkBaseline {
  SimTime until;                              // checked from T0 to here
  std::vector<ResourceLoad> loads;            // in network_resources order
  std::vector<BaselineShortfall> shortfalls;  // in ServiceId order
  // Resources asked for more than they carry, busiest first: indices into loads.
  std::vector<std::size_t> overloaded;

  bool healthy() const { return shortfalls.empty(); }
};

// Runs the scenario's requests from T0 until `until` (capped at
// kLongestBaseline) with every instance healthy and nothing failed.
NetworkBaseline check_network_baseline(const Scenario& scenario, SimTime until,
                                       const NetworkOptions& options = {});

// What a network run's steps saw of the state run's changes. Requests see
// the estate as it stands at each step's start, so a change inside a step
// shows from the next step on, and a state that begins and ends between
// two step starts is never sent a request: its users' loss is missing.
struct StepResolution {
  Duration step;
  // Instants after T0 and before the end at which the health inputs changed.
  std::uint64_t changes = 0;
  // Of them, those inside a step whose state a later step saw, and the
  // most one was seen late; a state no step saw is counted below instead.
  std::uint64_t changes_late = 0;
  Duration latest;
  std::uint64_t unseen = 0;  // states no step saw
  Duration unseen_time;      // their lengths added up
  SimTime first_unseen_at;
  // The run's shortest state: a step this long or shorter sees every state.
  Duration shortest_state;
};

// `trace` as a traced state run records it, its first entry at T0; the run
// ends at `end`.
StepResolution step_resolution(std::span<const HealthChange> trace, Duration step, SimTime end);

struct NetworkRunResult {
  // In the shape of a state-fidelity run: the runbook, crews and what the
  // faults did to deployments come from the state run; services' states,
  // affected users and user-hours lost from the requests.
  RunResult run;
  RequestMetrics requests;
  StepResolution resolution;
  // Over the run's span: whether the platform carries the load at all.
  NetworkBaseline baseline;
};

// The nominal run at network fidelity: the state run's record of which
// deployments have healthy instances, are in service and serve as active,
// and of services' capability, is played onto the platform - a deployment
// with no healthy instance is a host turned off, one with some is a host
// slowed to their share - while the user groups' requests flow through it.
// Throws std::invalid_argument for options out of range (a window shorter
// than a step), std::runtime_error when the SimGrid process fails.
NetworkRunResult replay_network(const Scenario& scenario, const NetworkOptions& options = {});

}  // namespace faultline
