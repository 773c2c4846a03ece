#include "faultline/reports/graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <vector>

#include "faultline/words.hpp"
#include "graph_writers.hpp"

namespace faultline::reports {

namespace {

struct ServiceNode {
  std::string id;
  std::string name;
  std::string redundancy;
  std::string regions;  // of its deployments, comma-separated, as listed
  long services_lost = 0;
  long user_groups_reached = 0;
  long users_reached = 0;
  long spof_for = 0;  // groups whose single point of failure its loss is
  std::string color;  // DOT only
};

struct DependencyEdge {
  std::string kind;
  std::string style;  // DOT only
};

using ServiceGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, ServiceNode, DependencyEdge>;

std::string regions_of(const Topology& topology, const Service& service, GraphText text) {
  std::vector<RegionId> seen;
  std::string regions;
  for (const DeploymentId d : service.deployments) {
    const RegionId r = topology.deployment(d).region;
    if (std::find(seen.begin(), seen.end(), r) != seen.end())
      continue;
    seen.push_back(r);
    regions += (regions.empty() ? "" : ",") + text(topology.region(r).id);
  }
  return regions;
}

// By ServiceId: the groups whose single point of failure the service's loss is.
std::vector<long> spof_counts(const Topology& topology, const TopologyAnalysis& analysis) {
  std::vector<long> counts(topology.services().size());
  for (const GroupSpofs& group : analysis.single_points_of_failure) {
    for (const SinglePointOfFailure& spof : group.spofs) {
      if (const auto* s = std::get_if<ServiceId>(&spof.component))
        ++counts[s->value];
    }
  }
  return counts;
}

// Vertex i is service i; `text` is what the format does to the user's.
ServiceGraph service_graph(const Topology& topology, const TopologyAnalysis& analysis,
                           GraphTexts text) {
  ServiceGraph graph(topology.services().size());
  const std::vector<long> spofs = spof_counts(topology, analysis);
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    const Service& service = topology.services()[s];
    const BlastRadius& radius = analysis.blast_radius[s];
    graph[s] = {text.value(service.id),
                text.label(service.name),
                std::string(word_of(service.redundancy)),
                regions_of(topology, service, text.value),
                static_cast<long>(radius.services_lost_count),
                static_cast<long>(radius.user_groups_count),
                static_cast<long>(radius.users.value),
                spofs[s],
                spofs[s] > 0 ? "red" : "black"};
    for (const Dependency& dep : service.dependencies) {
      const bool soft = dep.kind == DependencyKind::soft;
      boost::add_edge(s, dep.service.value,
                      {std::string(word_of(dep.kind)), soft ? "dashed" : "solid"}, graph);
    }
  }
  return graph;
}

// The attributes both formats carry; `dot` adds the drawing ones.
boost::dynamic_properties properties(ServiceGraph& graph, bool dot) {
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property(dot ? "node_id" : "service", get(&ServiceNode::id, graph));
  dp.property("label", get(&ServiceNode::name, graph));
  dp.property("redundancy", get(&ServiceNode::redundancy, graph));
  dp.property("regions", get(&ServiceNode::regions, graph));
  dp.property("services_lost", get(&ServiceNode::services_lost, graph));
  dp.property("user_groups_reached", get(&ServiceNode::user_groups_reached, graph));
  dp.property("users_reached", get(&ServiceNode::users_reached, graph));
  dp.property("spof_for", get(&ServiceNode::spof_for, graph));
  dp.property("kind", get(&DependencyEdge::kind, graph));
  if (dot) {
    dp.property("color", get(&ServiceNode::color, graph));
    dp.property("style", get(&DependencyEdge::style, graph));
  }
  return dp;
}

}  // namespace

std::string analysis_dot(const Topology& topology, const TopologyAnalysis& analysis) {
  ServiceGraph graph = service_graph(topology, analysis, kDotTexts);
  return as_dot(graph, properties(graph, true));
}

std::string analysis_graphml(const Topology& topology, const TopologyAnalysis& analysis) {
  ServiceGraph graph = service_graph(topology, analysis, kGraphMlTexts);
  return as_graphml(graph, properties(graph, false));
}

}  // namespace faultline::reports
