#pragma once
// The SimGrid platform of a topology (see network.hpp), built into this
// process's engine.

#include <simgrid/s4u.hpp>

#include <memory>
#include <vector>

#include "faultline/model.hpp"

namespace faultline::detail {

struct Platform {
  std::vector<simgrid::s4u::Host*> deployments;  // by DeploymentId
  std::vector<simgrid::s4u::Host*> clients;      // by UserGroupId
};

// This process's engine, with SimGrid's own logging silenced and small actor
// stacks (flows are aggregated, so actors are few, but each costs its stack).
std::unique_ptr<simgrid::s4u::Engine> make_engine();

// Builds the topology into the engine, which must hold no platform yet.
Platform build_platform(const Topology& topology);

// The requests per second a deployment's host serves: its capacity's share
// of requests for a capacity-limited service; otherwise enough for every
// registered user whose traffic can reach the service, ten times over, so
// that it never limits.
double requests_per_second(const Topology& topology, DeploymentId d);

}  // namespace faultline::detail
