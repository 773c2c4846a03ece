// analyze's graph exports on graph/fixtures/layered.yaml: the DOT against
// its golden file, the GraphML read back with Boost.Graph's own reader.

#include <gtest/gtest.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <map>
#include <sstream>

#include "faultline/analysis.hpp"
#include "faultline/loader.hpp"
#include "faultline/reports/graph.hpp"
#include "test_support.hpp"

// As in graph_report.cpp: GCC 12 takes a Boost adjacency list's edge
// iterators for uninitialised, a false alarm.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace faultline {
namespace {

class GraphExport : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = load_topology(testing::test_path("graph/fixtures/layered.yaml"));
    ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
    topology_ = load.topology;
    analysis_ = analyze(*topology_);
  }

  std::shared_ptr<const Topology> topology_;
  TopologyAnalysis analysis_;
};

TEST_F(GraphExport, DotMatchesItsGoldenFile) {
  EXPECT_TRUE(testing::matches_golden("golden/layered-analysis.dot",
                                      reports::analysis_dot(*topology_, analysis_)));
}

struct Node {
  std::string service;
  std::string redundancy;
  std::string regions;
  long services_lost = 0;
  long spof_for = 0;
};
struct Edge {
  std::string kind;
};
using Read = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Node, Edge>;

// Worked out on layered.yaml:
// - dns takes auth, then api, then web down: 3 services lost. db and dns
//   (hard dependencies of auth) and auth and api (on web's path) are each a
//   single point of failure for shoppers alone: analysts use metrics
//   directly, which counts for no group, and api needs metrics only softly.
// - 8 services, 7 dependencies, one of them soft (api on metrics).
TEST_F(GraphExport, GraphMlReadsBackWithEveryServiceAndDependency) {
  std::istringstream in(reports::analysis_graphml(*topology_, analysis_));
  Read graph;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("service", get(&Node::service, graph));
  dp.property("redundancy", get(&Node::redundancy, graph));
  dp.property("regions", get(&Node::regions, graph));
  dp.property("services_lost", get(&Node::services_lost, graph));
  dp.property("spof_for", get(&Node::spof_for, graph));
  dp.property("kind", get(&Edge::kind, graph));
  boost::read_graphml(in, graph, dp);
  ASSERT_EQ(boost::num_vertices(graph), 8u);
  ASSERT_EQ(boost::num_edges(graph), 7u);
  std::map<std::string, Node> by_id;
  for (const auto v : boost::make_iterator_range(boost::vertices(graph)))
    by_id[graph[v].service] = graph[v];
  EXPECT_EQ(by_id["dns"].services_lost, 3);
  EXPECT_EQ(by_id["dns"].redundancy, "active-active");
  EXPECT_EQ(by_id["dns"].regions, "east,west");
  for (const std::string id : {"dns", "db", "auth", "api"})
    EXPECT_EQ(by_id[id].spof_for, 1) << id;
  for (const std::string id : {"metrics", "web", "a", "b"})
    EXPECT_EQ(by_id[id].spof_for, 0) << id;
  std::vector<std::pair<std::string, std::string>> soft;
  for (const auto e : boost::make_iterator_range(boost::edges(graph))) {
    if (graph[e].kind == "soft")
      soft.emplace_back(graph[boost::source(e, graph)].service,
                        graph[boost::target(e, graph)].service);
  }
  const std::vector<std::pair<std::string, std::string>> expected{{"api", "metrics"}};
  EXPECT_EQ(soft, expected);
}

}  // namespace
}  // namespace faultline
