#pragma once
// Network fidelity: the topology as a SimGrid platform. Regions are zones
// with a gateway and a link to the wide-area network; each deployment is a
// host with its own link into its region, fast enough for its capacity; each
// user group's clients are a host in the group's region. SimGrid allows one
// engine per process, so every SimGrid run here happens in a child process
// of its own, and the caller's process never holds an engine.

#include <string>
#include <vector>

#include "faultline/model.hpp"

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

}  // namespace faultline
