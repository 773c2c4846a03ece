#pragma once
// Boost.Graph's DOT and GraphML writers, as analyze's service graph and
// replay's runbook graph both use them: the attributes are the caller's
// dynamic properties, the DOT node ids those under "node_id".

#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/dynamic_property_map.hpp>
#include <sstream>
#include <string>

// GCC 12 at -O2 takes the edge iterators of a Boost adjacency list, whose
// optional member stays empty until an edge is found, for uninitialised
// where the writers walk the edges: a false alarm, which clang does not
// raise. Being a diagnostic of the optimiser, it is turned off for the rest
// of each file that includes this one, not for these lines alone.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace faultline::reports {

template <class Graph>
std::string as_dot(const Graph& graph, const boost::dynamic_properties& dp) {
  std::ostringstream out;
  boost::write_graphviz_dp(out, graph, dp, "node_id");
  return out.str();
}

template <class Graph>
std::string as_graphml(const Graph& graph, const boost::dynamic_properties& dp) {
  std::ostringstream out;
  boost::write_graphml(out, graph, dp, true);
  return out.str();
}

}  // namespace faultline::reports
