#pragma once
// Static analysis of a topology's dependency graph.

#include <span>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

// What losing some services takes down through hard dependencies, directly
// or transitively: those services and every one reached, the user groups
// using any of them, and their users.
struct HardReach {
  std::vector<ServiceId> services;
  std::vector<UserGroupId> user_groups;
  UserCount users;
};
HardReach hard_reach(const Topology& topology, std::span<const ServiceId> lost);

struct BlastRadius {
  ServiceId service;
  // Services that lose it, directly or transitively, through hard dependencies.
  std::vector<ServiceId> services_lost;
  // Groups that use the service or one of those it takes down.
  std::vector<UserGroupId> user_groups;
  UserCount users;
};

enum class ComponentKind { region, deployment };

// A single component whose loss alone puts a service the group uses in major
// outage, with every failover working and every group at its busiest hour.
struct SinglePointOfFailure {
  ComponentKind kind = ComponentKind::region;
  std::uint32_t component = 0;           // RegionId or DeploymentId value, by kind
  std::vector<ServiceId> services_down;  // the group's services it takes down
};

struct GroupSpofs {
  UserGroupId group;
  std::vector<SinglePointOfFailure> spofs;
};

struct TopologyAnalysis {
  // layers[0] depends on nothing; each later layer only on earlier ones (or,
  // within a cycle, on its own).
  std::vector<std::vector<ServiceId>> layers;
  // Each as the path s0 -> s1 -> ... -> s0 (s0 not repeated).
  std::vector<std::vector<ServiceId>> cycles;
  std::vector<BlastRadius> blast_radius;             // by ServiceId
  std::vector<GroupSpofs> single_points_of_failure;  // by UserGroupId
};

TopologyAnalysis analyze(const Topology& topology);

}  // namespace faultline
