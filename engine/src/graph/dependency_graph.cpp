#include "graph/dependency_graph.hpp"

#include <algorithm>
#include <boost/graph/strong_components.hpp>
#include <deque>
#include <limits>

#include "faultline/model.hpp"

namespace faultline::graph {

namespace {
Digraph to_boost(const Successors& successors) {
  Digraph g(successors.size());
  for (std::uint32_t u = 0; u < successors.size(); ++u) {
    for (const std::uint32_t v : successors[u])
      boost::add_edge(u, v, g);
  }
  return g;
}

// Shortest path from start back to start inside its component (BFS).
std::vector<std::uint32_t> cycle_through(std::uint32_t start, const Successors& successors,
                                         const std::vector<std::uint32_t>& component) {
  constexpr auto unseen = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> parent(successors.size(), unseen);
  std::deque<std::uint32_t> frontier{start};
  while (!frontier.empty()) {
    const std::uint32_t u = frontier.front();
    frontier.pop_front();
    for (const std::uint32_t v : successors[u]) {
      if (component[v] != component[start])
        continue;
      if (v == start) {
        std::vector<std::uint32_t> path{u};
        while (path.back() != start)
          path.push_back(parent[path.back()]);
        std::reverse(path.begin(), path.end());
        return path;
      }
      if (parent[v] == unseen) {
        parent[v] = u;
        frontier.push_back(v);
      }
    }
  }
  return {};
}
}  // namespace

std::vector<std::uint32_t> strong_components(const Successors& successors) {
  const Digraph g = to_boost(successors);
  std::vector<std::uint32_t> component(successors.size());
  boost::strong_components(
      g, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));
  return component;
}

std::vector<std::vector<std::uint32_t>> find_cycles(const Successors& successors) {
  const auto component = strong_components(successors);
  std::vector<bool> reported(successors.size(), false);
  std::vector<std::vector<std::uint32_t>> cycles;
  // Vertices in increasing order, so each cycle starts at its component's smallest vertex.
  for (std::uint32_t v = 0; v < successors.size(); ++v) {
    if (reported[component[v]])
      continue;
    auto cycle = cycle_through(v, successors, component);
    if (cycle.empty())
      continue;
    reported[component[v]] = true;
    cycles.push_back(std::move(cycle));
  }
  return cycles;
}

Successors dependency_edges(const Topology& topology) {
  Successors successors(topology.services().size());
  for (std::uint32_t s = 0; s < successors.size(); ++s) {
    for (const auto& dep : topology.services()[s].dependencies) {
      successors[s].push_back(dep.service.value);
    }
  }
  return successors;
}

std::vector<std::uint32_t> evaluation_ranks(const Topology& topology) {
  return strong_components(dependency_edges(topology));
}

std::vector<std::uint32_t> shortest_path(const Successors& successors, std::uint32_t from,
                                         std::uint32_t to) {
  const Digraph g = to_boost(successors);
  std::vector<Digraph::vertex_descriptor> parent(successors.size());
  for (std::uint32_t v = 0; v < parent.size(); ++v)
    parent[v] = v;
  boost::breadth_first_search(
      g, from,
      boost::visitor(boost::make_bfs_visitor(boost::record_predecessors(
          boost::make_iterator_property_map(parent.begin(), boost::get(boost::vertex_index, g)),
          boost::on_tree_edge()))));
  if (to != from && parent[to] == to)
    return {};
  std::vector<std::uint32_t> path{to};
  while (path.back() != from)
    path.push_back(static_cast<std::uint32_t>(parent[path.back()]));
  std::reverse(path.begin(), path.end());
  return path;
}

namespace {
// Lists each vertex the search discovers.
struct RecordDiscovered : boost::default_bfs_visitor {
  std::vector<std::uint32_t>* seen;
  void discover_vertex(Digraph::vertex_descriptor v, const Digraph&) const {
    seen->push_back(static_cast<std::uint32_t>(v));
  }
};
}  // namespace

Reachability::Reachability(const Successors& successors)
    : graph_(to_boost(successors)), colors_(successors.size(), boost::white_color) {}

std::vector<std::uint32_t> Reachability::from(std::span<const std::uint32_t> starts) {
  const auto color_map =
      boost::make_iterator_property_map(colors_.begin(), boost::get(boost::vertex_index, graph_));
  seen_.clear();
  RecordDiscovered visitor;
  visitor.seen = &seen_;
  // One colour map for every start: a vertex seen from an earlier start is
  // not visited again.
  for (const std::uint32_t s : starts) {
    if (colors_[s] == boost::white_color)
      boost::breadth_first_visit(graph_, s, buffer_, visitor, color_map);
  }
  for (const std::uint32_t v : seen_)
    colors_[v] = boost::white_color;
  std::vector<std::uint32_t> out = seen_;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace faultline::graph
