#pragma once
// Boost.Graph views of the model, shared by the topology, the loader's checks
// and the analysis.

#include <cstdint>
#include <vector>

namespace faultline {
class Topology;
}

namespace faultline::graph {

// Adjacency lists: successors[v] are the vertices v has an edge to.
using Successors = std::vector<std::vector<std::uint32_t>>;

// Strongly connected component of each vertex (Tarjan, through Boost). For an
// edge u -> v across components, component[v] < component[u].
std::vector<std::uint32_t> strong_components(const Successors& successors);

// One cycle per strongly connected component that has one, as the vertex path
// v0 -> v1 -> ... -> v0 (v0 not repeated at the end), smallest vertex first.
std::vector<std::vector<std::uint32_t>> find_cycles(const Successors& successors);

// Edges dependant -> dependency, of every kind.
Successors dependency_edges(const Topology& topology);

std::vector<std::uint32_t> evaluation_ranks(const Topology& topology);

// A shortest path from `from` to `to`, both included; empty when there is
// none. Of equally short ones, the one through the earliest-listed edges.
std::vector<std::uint32_t> shortest_path(const Successors& successors, std::uint32_t from,
                                         std::uint32_t to);

// Every vertex reachable from any of the starts (the starts included), ascending.
std::vector<std::uint32_t> reachable(const Successors& successors,
                                     const std::vector<std::uint32_t>& starts);

}  // namespace faultline::graph
