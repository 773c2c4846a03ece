#pragma once
// The topology as a graph for other tools, written through Boost.Graph's
// writers: Graphviz DOT (write_graphviz_dp) and GraphML (write_graphml).
// Services are nodes, with their redundancy, the regions of their
// deployments, their blast radius (services lost with them, groups and
// users reached) and how many groups' single point of failure their loss
// alone is; dependencies are edges from the dependant to the service it
// needs, with their kind. In DOT, soft dependencies are dashed and single
// points of failure drawn in red.

#include <string>

#include "faultline/analysis.hpp"

namespace faultline::reports {

std::string analysis_dot(const Topology& topology, const TopologyAnalysis& analysis);
std::string analysis_graphml(const Topology& topology, const TopologyAnalysis& analysis);

}  // namespace faultline::reports
