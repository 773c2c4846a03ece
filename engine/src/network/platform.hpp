#pragma once
// The SimGrid platform of a topology (see network.hpp), built into this
// process's engine.

#include <simgrid/s4u.hpp>

#include <memory>
#include <vector>

#include "faultline/model.hpp"

namespace faultline::detail {

struct Platform {
  // By DeploymentId. Power state k runs at the speed of all instances but k.
  std::vector<simgrid::s4u::Host*> deployments;
  std::vector<simgrid::s4u::Host*> clients;  // by UserGroupId
  // In network_resources order: each link resource's one-way link; none for
  // hosts.
  std::vector<const simgrid::s4u::Link*> resource_links;
};

// Where a resource stands in network_resources' order.
std::size_t deployment_host_resource(DeploymentId d);
std::size_t deployment_link_resource(DeploymentId d, bool inbound);
std::size_t clients_link_resource(const Topology& topology, UserGroupId g, bool inbound);
std::size_t region_link_resource(const Topology& topology, RegionId r, bool inbound);

// This process's engine, with SimGrid's own logging silenced and small actor
// stacks (flows are aggregated, so actors are few, but each costs its stack).
std::unique_ptr<simgrid::s4u::Engine> make_engine();

// Builds the topology into the engine, which must hold no platform yet.
Platform build_platform(const Topology& topology);

// How many calls one request to each service a user group uses makes to s,
// through the dependencies of every kind; a request never calls a service
// already on its way, so a dependency cycle is followed once. The most over
// the user groups whose traffic reaches s.
double calls_per_user_request(const Topology& topology, ServiceId s);

// The requests per second a deployment's host serves with every instance
// healthy: the calls its capacity's users make, for a capacity-limited
// service; otherwise the calls of every registered user whose traffic can
// reach the service, ten times over, and at least
// kLeastUnlimitedRequestsPerSecond, so that it never limits.
double requests_per_second(const Topology& topology, DeploymentId d);

// A request takes 1 / requests_per_second of its host's time: sized by a
// small estate's demand alone (101 users making 6 requests an hour each,
// 1.68 requests/s at ten times over), a host without a capacity took 0.6 s
// a request, and the calls through two of them ran past the timeout with
// nothing failed (found by a helper). At this speed a request takes 10 ms
// of an idle host.
inline constexpr double kLeastUnlimitedRequestsPerSecond = 100;

}  // namespace faultline::detail
