#include "graph/dependency_graph.hpp"

#include <algorithm>
#include <boost/graph/strong_components.hpp>
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

constexpr auto kUnseen = std::numeric_limits<std::uint32_t>::max();

// Shortest path from start back to start inside its component (BFS).
// `parent` is kUnseen for every vertex, and is left so: a search costs what
// it visits, not the size of the graph.
std::vector<std::uint32_t> cycle_through(std::uint32_t start, const Successors& successors,
                                         const std::vector<std::uint32_t>& component,
                                         std::vector<std::uint32_t>& parent) {
  std::vector<std::uint32_t> frontier{start};
  std::vector<std::uint32_t> path;
  for (std::size_t next = 0; next < frontier.size() && path.empty(); ++next) {
    const std::uint32_t u = frontier[next];
    for (const std::uint32_t v : successors[u]) {
      if (component[v] != component[start])
        continue;
      if (v == start) {
        path.push_back(u);
        while (path.back() != start)
          path.push_back(parent[path.back()]);
        std::reverse(path.begin(), path.end());
        break;
      }
      if (parent[v] == kUnseen) {
        parent[v] = u;
        frontier.push_back(v);
      }
    }
  }
  for (const std::uint32_t v : frontier)
    parent[v] = kUnseen;
  return path;
}
}  // namespace

std::vector<std::uint32_t> strong_components(const Successors& successors) {
  const Digraph g = to_boost(successors);
  std::vector<std::uint32_t> component(successors.size());
  boost::strong_components(
      g, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));
  return component;
}

// One cycle per component would hide a second cycle in it, and the services
// on that one alone. A search stays within its component: a vertex on no
// cycle costs its own edges only.
std::vector<std::vector<std::uint32_t>> find_cycles(const Successors& successors,
                                                    std::vector<bool> covered) {
  covered.resize(successors.size(), false);
  const auto component = strong_components(successors);
  std::vector<std::uint32_t> parent(successors.size(), kUnseen);
  std::vector<std::vector<std::uint32_t>> cycles;
  for (std::uint32_t v = 0; v < successors.size(); ++v) {
    if (covered[v])
      continue;
    auto cycle = cycle_through(v, successors, component, parent);
    for (const std::uint32_t u : cycle)
      covered[u] = true;
    if (!cycle.empty())
      cycles.push_back(std::move(cycle));
  }
  return cycles;
}

namespace {
Successors edges_of(const Topology& topology, bool hard_only) {
  Successors successors(topology.services().size());
  for (std::uint32_t s = 0; s < successors.size(); ++s) {
    for (const auto& dep : topology.services()[s].dependencies) {
      if (!hard_only || dep.kind == DependencyKind::hard)
        successors[s].push_back(dep.service.value);
    }
  }
  return successors;
}
}  // namespace

Successors dependency_edges(const Topology& topology) {
  return edges_of(topology, false);
}

Successors hard_dependency_edges(const Topology& topology) {
  return edges_of(topology, true);
}

std::vector<std::uint32_t> evaluation_ranks(const Topology& topology) {
  return strong_components(dependency_edges(topology));
}

std::vector<std::uint32_t> dependency_layers(const Topology& topology) {
  const Successors successors = dependency_edges(topology);
  const std::vector<std::uint32_t> component = strong_components(successors);
  const std::size_t n = successors.size();
  // Components are numbered dependencies first, so one pass in component order
  // sees every dependency's layer before its dependants'.
  std::vector<std::vector<std::uint32_t>> members(n);
  for (std::uint32_t v = 0; v < n; ++v)
    members[component[v]].push_back(v);
  std::vector<std::uint32_t> component_layer(n, 0);
  std::vector<std::uint32_t> layer(n, 0);
  for (std::uint32_t c = 0; c < n; ++c) {
    for (const std::uint32_t v : members[c]) {
      for (const std::uint32_t dep : successors[v]) {
        if (component[dep] != c)
          component_layer[c] = std::max(component_layer[c], component_layer[component[dep]] + 1);
      }
    }
    for (const std::uint32_t v : members[c])
      layer[v] = component_layer[c];
  }
  return layer;
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
