#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <vector>

#include "faultline/reports/graph.hpp"
#include "faultline/words.hpp"
#include "format.hpp"
#include "graph_writers.hpp"

namespace faultline::reports {

namespace {

struct StepNode {
  std::string id;
  std::string label;  // DOT only: the id, the action and the crew
  std::string action;
  std::string acts_on;
  std::string crew;
  std::string started;    // T+1h30m, or empty
  std::string completed;  // T+3h, or empty
  std::string outcome;
  bool critical = false;
  std::string color;  // DOT only
  std::string style;  // DOT only
};

struct StepEdge {
  std::string kind;  // after, or waited_for (a crew member or a gate freed then)
  bool critical = false;
  std::string color;  // DOT only
  std::string style;  // DOT only
};

using StepGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, StepNode, StepEdge>;

std::string offset(const std::optional<SimTime>& t) {
  return t ? format_offset(*t) : std::string();
}

// `text` is what the format does to the user's text.
StepNode step_node(const Scenario& scenario, const RunResult& result, StepId s, bool critical,
                   GraphTexts text) {
  const Step& step = scenario.steps[s.value];
  const StepOutcome& outcome = result.steps[s.value];
  const std::string crew = step.crew ? scenario.crews[step.crew->value].id : std::string();
  const std::string target = step_subject(scenario, step);
  const std::string_view ended = outcome_name(outcome);
  std::string label = text.label(step.id) + "\\n" + std::string(word_of(step.action));
  label += target.empty() ? "" : " " + text.label(target);
  label += crew.empty() ? "" : "\\ncrew " + text.label(crew);
  const bool never_ran = !outcome.started || outcome.skipped;
  return {text.value(step.id),
          label,
          std::string(word_of(step.action)),
          text.value(target),
          text.value(crew),
          offset(outcome.started),
          offset(outcome.completed),
          std::string(ended),
          critical,
          critical ? "red" : "black",
          never_ran ? "dashed" : "solid"};
}

StepEdge step_edge(std::string kind, bool critical) {
  const bool after = kind == "after";
  return {std::move(kind), critical, critical ? "red" : "black", after ? "solid" : "dotted"};
}

// Vertex i is step i; an edge goes from a step to one that waited for it.
// Every critical path is marked: steps that tie for last have one each.
StepGraph runbook_graph(const Scenario& scenario, const RunResult& result, GraphTexts text) {
  const std::vector<std::vector<StepId>> paths = critical_paths(scenario, result);
  const auto on_path = [&](StepId s) {
    return std::ranges::any_of(paths,
                               [&](const auto& p) { return std::ranges::find(p, s) != p.end(); });
  };
  // Consecutive steps of a critical path: the later waited for the earlier.
  const auto link_of_path = [&](StepId from, StepId to) {
    return std::ranges::any_of(paths, [&](const std::vector<StepId>& p) {
      const auto it = std::ranges::find(p, to);
      return it != p.begin() && it != p.end() && *(it - 1) == from;
    });
  };
  StepGraph graph(scenario.steps.size());
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    const StepId step{s};
    graph[s] = step_node(scenario, result, step, on_path(step), text);
    for (const StepId before : scenario.steps[s].after)
      boost::add_edge(before.value, s, step_edge("after", link_of_path(before, step)), graph);
  }
  for (const std::vector<StepId>& path : paths) {
    for (std::size_t i = 1; i < path.size(); ++i) {
      const auto& after = scenario.steps[path[i].value].after;
      if (std::ranges::find(after, path[i - 1]) == after.end() &&
          !boost::edge(path[i - 1].value, path[i].value, graph).second)
        boost::add_edge(path[i - 1].value, path[i].value, step_edge("waited_for", true), graph);
    }
  }
  return graph;
}

boost::dynamic_properties properties(StepGraph& graph, bool dot) {
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property(dot ? "node_id" : "step", get(&StepNode::id, graph));
  dp.property("action", get(&StepNode::action, graph));
  dp.property("acts_on", get(&StepNode::acts_on, graph));
  dp.property("crew", get(&StepNode::crew, graph));
  dp.property("started", get(&StepNode::started, graph));
  dp.property("completed", get(&StepNode::completed, graph));
  dp.property("outcome", get(&StepNode::outcome, graph));
  dp.property("kind", get(&StepEdge::kind, graph));
  if (dot) {
    dp.property("label", get(&StepNode::label, graph));
    dp.property("color", get(&StepNode::color, graph));
    dp.property("style", get(&StepNode::style, graph));
    dp.property("color", get(&StepEdge::color, graph));
    dp.property("style", get(&StepEdge::style, graph));
  } else {
    dp.property("critical", get(&StepNode::critical, graph));
    dp.property("critical", get(&StepEdge::critical, graph));
  }
  return dp;
}

}  // namespace

std::string runbook_dot(const Scenario& scenario, const RunResult& result) {
  StepGraph graph = runbook_graph(scenario, result, kDotTexts);
  return as_dot(graph, properties(graph, true));
}

std::string runbook_graphml(const Scenario& scenario, const RunResult& result) {
  StepGraph graph = runbook_graph(scenario, result, kGraphMlTexts);
  return as_graphml(graph, properties(graph, false));
}

}  // namespace faultline::reports
