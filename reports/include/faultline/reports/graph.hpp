#pragma once
// The topology as a graph for other tools, written through Boost.Graph's
// writers: Graphviz DOT (write_graphviz_dp) and GraphML (write_graphml).
// Services are nodes, with their redundancy, the regions of their
// deployments, their blast radius (services lost with them, groups and
// users reached) and how many groups' single point of failure their loss
// alone is; dependencies are edges from the dependant to the service it
// needs, with their kind. In DOT, soft dependencies are dashed and single
// points of failure drawn in red.
//
// The runbook as a replay ran it, through the same writers: a node per step
// with its action, what it acts on, its crew, when it started and completed
// (T+1h30m) and how it ended; an edge from each step to each step that waits
// for it (kind `after`). The critical path is marked (`critical`; red in
// DOT), and where it goes from one step to the next without an `after` - the
// next waited for a crew member or a verification gate the first freed - an
// edge of kind `waited_for` says so (dotted in DOT). Steps that never ran are
// dashed in DOT.

#include <string>

#include "faultline/analysis.hpp"
#include "faultline/replay.hpp"

namespace faultline::reports {

std::string analysis_dot(const Topology& topology, const TopologyAnalysis& analysis);
std::string analysis_graphml(const Topology& topology, const TopologyAnalysis& analysis);

std::string runbook_dot(const Scenario& scenario, const RunResult& result);
std::string runbook_graphml(const Scenario& scenario, const RunResult& result);

}  // namespace faultline::reports
