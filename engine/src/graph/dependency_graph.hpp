#pragma once
// Boost.Graph views of the model, shared by the topology, the loader's checks
// and the analysis.

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <cstdint>
#include <span>
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

// Cycles that between them pass through every vertex on one, each as the
// vertex path v0 -> v1 -> ... -> v0 (v0 not repeated at the end): the
// shortest through each vertex, in increasing order, that no cycle before
// it passes through, starting there. Vertices `covered` marks (by vertex;
// none when it is empty) are taken as passed through already.
std::vector<std::vector<std::uint32_t>> find_cycles(const Successors& successors,
                                                    std::vector<bool> covered = {});

// Edges dependant -> dependency, of every kind.
Successors dependency_edges(const Topology& topology);
// The hard ones alone: a cycle of them cannot come back after a full
// outage, where one through a soft edge comes back, degraded, first there.
Successors hard_dependency_edges(const Topology& topology);

std::vector<std::uint32_t> evaluation_ranks(const Topology& topology);

// Each service's layer: 0 for one that depends on nothing, one more than its
// deepest dependency otherwise; services on one cycle share a layer.
std::vector<std::uint32_t> dependency_layers(const Topology& topology);

using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// Breadth-first searches of one graph, built once: each search costs what
// it visits, not the size of the graph, so an estate of 10^5 services can
// be searched from each of its groups or services.
class Reachability {
 public:
  explicit Reachability(const Successors& successors);
  // Every vertex reachable from any of the starts (the starts included),
  // ascending.
  std::vector<std::uint32_t> from(std::span<const std::uint32_t> starts);

 private:
  Digraph graph_;
  // White but for the vertices the search under way has seen, which it
  // lists to whiten them again.
  std::vector<boost::default_color_type> colors_;
  std::vector<std::uint32_t> seen_;
  boost::queue<Digraph::vertex_descriptor> buffer_;
};

}  // namespace faultline::graph
