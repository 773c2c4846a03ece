#pragma once
// Exact steady-state availability for topologies whose failures and repairs
// are exponential: the continuous-time Markov chain over every failing unit
// (deployments, services, and pools of deployments sharing repairers) is
// solved with Eigen, and each state's health comes from the one health
// propagation. It cross-checks the simulator and answers quickly where it
// applies: failovers must be instant and sure, and no service may depend on
// load (capacities, overload), since load follows the hour and a state's
// health would too.

#include <cstddef>
#include <optional>
#include <vector>

#include "faultline/diagnostics.hpp"
#include "faultline/model.hpp"

namespace faultline {

inline constexpr std::size_t kMostMarkovStates = 250'000;
// Chains up to this size are solved densely; larger ones with sparse LU.
inline constexpr std::size_t kMostDenseStates = 400;

struct MarkovResult {
  std::size_t states = 0;
  bool sparse = false;
  // By ServiceId: probability that the service is not in major outage.
  std::vector<double> service_availability;
  // By UserGroupId: probability that none of the group's services is in
  // major outage, the expected number of its users cut off, and of those
  // active at the time, averaged over the week of its activity curve (the
  // simulator's measure, whose time average is user-hours lost per hour).
  std::vector<double> group_availability;
  std::vector<double> group_expected_affected;
  std::vector<double> group_expected_active_affected;
};

struct MarkovSolution {
  std::optional<MarkovResult> result;
  Diagnostics diagnostics;  // why the chain cannot be built, if it cannot
};

MarkovSolution solve_markov(const Topology& topology, std::size_t most_states = kMostMarkovStates);

}  // namespace faultline
