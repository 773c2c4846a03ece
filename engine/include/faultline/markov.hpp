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

// The most states of one part of the chain (see MarkovResult) enumerated.
inline constexpr std::size_t kMostMarkovStates = 250'000;
// A component's chain up to this size is solved densely; a larger one with
// sparse LU.
inline constexpr std::size_t kMostDenseStates = 400;

// A year of 365 days, for downtime per year.
inline constexpr double kHoursPerYear = 8'760.0;

struct MarkovResult {
  // States of the whole chain: exact up to 2^53, and beyond it the nearest
  // double (found by a helper: 70 independent units, 2^70 states, read
  // 18446744073709551615, the saturated 64-bit count). Units whose failures
  // reach disjoint services and groups are independent: the chain is solved
  // as those parts, each component's own chain with Eigen and each part's
  // states enumerated, so `states` can far exceed what is enumerated.
  double states = 0;
  std::size_t parts = 0;
  std::size_t largest_part_states = 0;
  // Whether a component's own chain was large enough for sparse LU.
  bool sparse = false;
  // By ServiceId: probability that the service is not in major outage, and
  // that it is, each summed over the states where it holds, so that a tiny
  // unavailability keeps its digits.
  std::vector<double> service_availability;
  std::vector<double> service_unavailability;
  // By UserGroupId: probability that none of the group's services is in
  // major outage (and that one is), the expected number of its users cut
  // off, and of those active at the time, averaged over the week of its
  // activity curve (the simulator's measure, whose time average is
  // user-hours lost per hour).
  std::vector<double> group_availability;
  std::vector<double> group_unavailability;
  std::vector<double> group_expected_affected;
  std::vector<double> group_expected_active_affected;

  // Hours per 365-day year in major outage, from the unavailability.
  double service_downtime_hours_per_year(ServiceId s) const {
    return service_unavailability[s.value] * kHoursPerYear;
  }
  double group_downtime_hours_per_year(UserGroupId g) const {
    return group_unavailability[g.value] * kHoursPerYear;
  }
  double group_user_hours_lost_per_year(UserGroupId g) const {
    return group_expected_active_affected[g.value] * kHoursPerYear;
  }
};

struct MarkovSolution {
  std::optional<MarkovResult> result;
  Diagnostics diagnostics;  // why the chain cannot be built, if it cannot
};

MarkovSolution solve_markov(const Topology& topology, std::size_t most_states = kMostMarkovStates);

}  // namespace faultline
