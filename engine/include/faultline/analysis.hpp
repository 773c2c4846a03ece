#pragma once
// Static analysis of a topology's dependency graph.

#include <cstddef>
#include <span>
#include <variant>
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
  // Services that lose it, directly or transitively, through hard
  // dependencies: how many, and the first of them by id up to the list
  // limit (all of them without one).
  std::size_t services_lost_count = 0;
  std::vector<ServiceId> services_lost;
  // Groups that use the service or one of those it takes down, likewise,
  // and all their users.
  std::size_t user_groups_count = 0;
  std::vector<UserGroupId> user_groups;
  UserCount users;
};

// A region or a deployment (a physical loss), or a service lost whole, as a
// global configuration, quota or control plane is (a logical loss).
using Component = std::variant<RegionId, DeploymentId, ServiceId>;

// A single component whose loss alone puts a service the group uses in major
// outage, with every failover working, every group at its busiest hour and
// every deployment its load keeps at or past its overload threshold fallen
// over.
// A service counts when its loss reaches the group through a dependency: a
// service the group uses always takes its own users down with it.
struct SinglePointOfFailure {
  Component component;
  std::vector<ServiceId> services_down;  // the group's services it takes down
  // For a service: how its loss reaches the group, along hard dependencies
  // through services it takes down, from the first of services_down to the
  // lost service. Empty for a region or a deployment.
  std::vector<ServiceId> path;
};

struct GroupSpofs {
  UserGroupId group;
  std::vector<SinglePointOfFailure> spofs;
};

struct DependencyCycle {
  // The path s0 -> s1 -> ... -> s0 (s0 not repeated).
  std::vector<ServiceId> services;
  // links[i]: how services[i] depends on the next (the last on s0).
  std::vector<DependencyKind> links;
  // Every link hard: after a full outage none of them can come back first,
  // where through a soft link one of them comes back, degraded, first.
  bool hard() const;
};

struct TopologyAnalysis {
  // layers[0] depends on nothing outside its own cycles; each later layer
  // only on earlier ones (or, within a cycle, on its own).
  std::vector<std::vector<ServiceId>> layers;
  // Every service on a cycle lies on one of these: first the hard cycles,
  // then, for services on none, cycles through a soft dependency.
  std::vector<DependencyCycle> cycles;
  std::vector<BlastRadius> blast_radius;             // by ServiceId
  std::vector<GroupSpofs> single_points_of_failure;  // by UserGroupId
  // Services in major outage at every group's busiest hour with nothing
  // lost (short of capacity, or fallen over under their load): no loss
  // takes them down, so they are no group's single point of failure.
  std::vector<ServiceId> down_at_peak;
};

struct AnalysisOptions {
  // The most services and groups a blast radius lists; their counts are
  // whole. A full list is quadratic in the estate's size.
  std::size_t list_limit = static_cast<std::size_t>(-1);
};

TopologyAnalysis analyze(const Topology& topology, const AnalysisOptions& options = {});

}  // namespace faultline
