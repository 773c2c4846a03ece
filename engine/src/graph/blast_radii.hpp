#pragma once
// Every service's blast radius at once, in time and memory near-linear in
// the estate for the counts (the lists cost what they hold).

#include <cstddef>
#include <vector>

#include "faultline/analysis.hpp"
#include "graph/dependency_graph.hpp"

namespace faultline::graph {

// Edges dependency -> dependant, for hard dependencies only: what a loss
// spreads along.
Successors hard_dependants(const Topology& topology);

// By ServiceId, each list holding at most list_limit entries.
std::vector<BlastRadius> blast_radii(const Topology& topology, std::size_t list_limit);

}  // namespace faultline::graph
