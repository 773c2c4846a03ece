// The graph exports: analyze's service graph on graph/fixtures/layered.yaml
// and replay's runbook graph on runbook/fixtures/semantics/gate.yaml, each
// DOT against its golden file, each GraphML read back with Boost.Graph's own
// reader.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/range/iterator_range.hpp>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "faultline/analysis.hpp"
#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/graph.hpp"
#include "faultline/reports/text.hpp"
#include "test_support.hpp"

// As in graph_report.cpp: GCC 12 takes a Boost adjacency list's edge
// iterators for uninitialised, a false alarm.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace faultline {
namespace FAULTLINE_TEST_FILE {

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

// Found by a helper: layered.yaml's a and b, which depend on each other
// and on nothing else, are layer 0, which said it "depends on nothing";
// with a cycle the heading says what layer 0 is. dot_keywords.yaml has none.
TEST_F(GraphExport, TheLayersSayWhatLayerZeroIsBesideACycle) {
  const std::string text = reports::analysis_text(*topology_, analysis_);
  EXPECT_NE(text.find("Dependency layers (layer 0 depends on nothing outside its own cycles; "
                      "a cycle's services share a layer)\n   0: dns, db, metrics, a, b\n"),
            std::string::npos)
      << text;
  const auto acyclic = load_topology(testing::test_path("reports/fixtures/dot_keywords.yaml"));
  ASSERT_TRUE(acyclic.topology);
  EXPECT_NE(reports::analysis_text(*acyclic.topology, analyze(*acyclic.topology))
                .find("Dependency layers (layer 0 depends on nothing)\n"),
            std::string::npos);
}

struct NamedNode {
  std::string id;
};
using NamedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, NamedNode>;

// Reads a DOT file back into `graph` with Boost's own reader, its node ids
// kept; false when it cannot read it. (The graph is filled in place: GCC 12
// takes a copy of one for uninitialised, as above.)
bool read_dot_ids(const std::string& dot, NamedGraph& graph) {
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("node_id", get(&NamedNode::id, graph));
  return boost::read_graphviz(dot, graph, dp);
}

// Found by a helper: services named edge or graph were written as bare
// words, DOT's keywords, and no reader took the file. dot_keywords.yaml's
// four services and three dependencies read back by Boost's own reader,
// each keyword quoted, as an id and as a label, and the plain id bare as
// before.
TEST(GraphExportIds, DotKeywordsAreQuotedAndReadBack) {
  const auto load = load_topology(testing::test_path("reports/fixtures/dot_keywords.yaml"));
  ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
  const std::string dot = reports::analysis_dot(*load.topology, analyze(*load.topology));
  for (const char* quoted : {"\"edge\"->\"Node\"", "\"Node\"->\"graph\"", "\"graph\"->store",
                             "label=\"graph\"", "label=store"})
    EXPECT_NE(dot.find(quoted), std::string::npos) << quoted << " in\n" << dot;
  NamedGraph graph;
  ASSERT_TRUE(read_dot_ids(dot, graph)) << dot;
  EXPECT_EQ(boost::num_edges(graph), 3u);
  std::vector<std::string> ids;
  for (const auto v : boost::make_iterator_range(boost::vertices(graph)))
    ids.push_back(graph[v].id);
  std::ranges::sort(ids);
  EXPECT_EQ(ids, (std::vector<std::string>{"Node", "edge", "graph", "store"}));
}

// Found by a helper: Boost escapes quotes, not backslashes, so a name or
// id ending in one (backslashes.yaml's C:\store\) ended its DOT string
// early, and no reader took the file. A backslash that would escape a
// quote is doubled (and reads back doubled: no DOT spelling keeps it
// single); the others stay as written and read back exactly; a label,
// which Graphviz reads as an escString, has each doubled, drawn as one.
// GraphML keeps every one as written.
TEST(GraphExportIds, BackslashesInDotReadBack) {
  const auto load = load_topology(testing::test_path("reports/fixtures/backslashes.yaml"));
  ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
  const TopologyAnalysis analysis = analyze(*load.topology);
  const std::string dot = reports::analysis_dot(*load.topology, analysis);
  for (const char* written :
       {R"("a\pp"->"store\\")", R"(label="C:\\store\\")", R"(regions="dc\1")"})
    EXPECT_NE(dot.find(written), std::string::npos) << written << " in\n" << dot;
  NamedGraph graph;
  ASSERT_TRUE(read_dot_ids(dot, graph)) << dot;
  std::vector<std::string> ids;
  for (const auto v : boost::make_iterator_range(boost::vertices(graph)))
    ids.push_back(graph[v].id);
  std::ranges::sort(ids);
  EXPECT_EQ(ids, (std::vector<std::string>{R"(a\pp)", R"(store\\)"}));
  EXPECT_EQ(boost::num_edges(graph), 1u);
  const std::string graphml = reports::analysis_graphml(*load.topology, analysis);
  EXPECT_NE(graphml.find(R"(C:\store\)"), std::string::npos) << graphml;
  EXPECT_EQ(graphml.find(R"(\\)"), std::string::npos) << graphml;
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

// gate.yaml, by hand: fix-app's work (app-team) takes 1h from T0, but its
// gate opens only when fix-db (db-team, 3h from T0) brings db back, at 3h;
// cleanup takes the free app-team member from 1h to 1h30m; announce waits
// for fix-app (after) and runs from 3h to 3h30m. The critical path is fix-db,
// fix-app (whose gate waited for fix-db: no `after` joins them, so an edge of
// kind waited_for does), announce.
class RunbookGraph : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = testing::scenario_fixture("runbook/fixtures/semantics/gate.yaml");
    result_ = replay(*scenario_);
  }

  std::shared_ptr<const Scenario> scenario_;
  RunResult result_;
};

TEST_F(RunbookGraph, DotMatchesItsGoldenFile) {
  EXPECT_TRUE(testing::matches_golden("golden/gate-runbook.dot",
                                      reports::runbook_dot(*scenario_, result_)));
}

// The runbook's DOT treats the backslashes of ids and crews alike, and
// keeps its label's own line breaks (\n) single.
TEST_F(RunbookGraph, BackslashesInDotReadBackAndLineBreaksKept) {
  auto scenario = std::make_shared<Scenario>(*scenario_);
  scenario->steps[0].id = "fix\\app\\";
  scenario->crews[0].id = "app\\team";
  const std::string dot = reports::runbook_dot(*scenario, replay(*scenario));
  EXPECT_NE(dot.find(R"("fix\app\\" [)"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(crew="app\team")"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="fix\\app\\\nrestore app\ncrew app\\team")"), std::string::npos)
      << dot;
  NamedGraph graph;
  ASSERT_TRUE(read_dot_ids(dot, graph)) << dot;
  EXPECT_EQ(boost::num_vertices(graph), scenario->steps.size());
}

struct StepRead {
  std::string step;
  std::string action;
  std::string acts_on;
  std::string crew;
  std::string started;
  std::string completed;
  std::string outcome;
  bool critical = false;
};
struct StepEdgeRead {
  std::string kind;
  bool critical = false;
};
using RunbookRead =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, StepRead, StepEdgeRead>;

TEST_F(RunbookGraph, GraphMlReadsBackWithEveryStepAndTheCriticalPath) {
  std::istringstream in(reports::runbook_graphml(*scenario_, result_));
  RunbookRead graph;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("step", get(&StepRead::step, graph));
  dp.property("action", get(&StepRead::action, graph));
  dp.property("acts_on", get(&StepRead::acts_on, graph));
  dp.property("crew", get(&StepRead::crew, graph));
  dp.property("started", get(&StepRead::started, graph));
  dp.property("completed", get(&StepRead::completed, graph));
  dp.property("outcome", get(&StepRead::outcome, graph));
  dp.property("critical", get(&StepRead::critical, graph));
  dp.property("kind", get(&StepEdgeRead::kind, graph));
  dp.property("critical", get(&StepEdgeRead::critical, graph));
  boost::read_graphml(in, graph, dp);
  ASSERT_EQ(boost::num_vertices(graph), 4u);
  std::map<std::string, StepRead> by_id;
  for (const auto v : boost::make_iterator_range(boost::vertices(graph)))
    by_id[graph[v].step] = graph[v];
  EXPECT_EQ(by_id["fix-app"].action, "restore");
  EXPECT_EQ(by_id["fix-app"].acts_on, "app");
  EXPECT_EQ(by_id["fix-app"].crew, "app-team");
  EXPECT_EQ(by_id["fix-app"].started, "T+0s");
  EXPECT_EQ(by_id["fix-app"].completed, "T+3h");
  EXPECT_EQ(by_id["cleanup"].started, "T+1h");
  EXPECT_EQ(by_id["cleanup"].completed, "T+1h30m");
  EXPECT_EQ(by_id["announce"].crew, "");
  EXPECT_EQ(by_id["announce"].outcome, "done");
  for (const std::string id : {"fix-db", "fix-app", "announce"})
    EXPECT_TRUE(by_id[id].critical) << id;
  EXPECT_FALSE(by_id["cleanup"].critical);
  std::vector<std::tuple<std::string, std::string, std::string, bool>> edges;
  for (const auto e : boost::make_iterator_range(boost::edges(graph))) {
    edges.emplace_back(graph[boost::source(e, graph)].step, graph[boost::target(e, graph)].step,
                       graph[e].kind, graph[e].critical);
  }
  std::sort(edges.begin(), edges.end());
  const std::vector<std::tuple<std::string, std::string, std::string, bool>> expected{
      {"fix-app", "announce", "after", true}, {"fix-db", "fix-app", "waited_for", true}};
  EXPECT_EQ(edges, expected);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
