#include "faultline/strategy.hpp"

#include "faultline/analysis.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "faultline/words.hpp"
#include "graph/dependency_graph.hpp"

namespace faultline {

namespace {

constexpr auto kStrategies = [] {
  std::array<StrategyKind, WordTable<StrategyKind>::rows.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = WordTable<StrategyKind>::rows[i].value;
  return out;
}();

// The services a step changes directly.
std::vector<ServiceId> services_acted_on(const Scenario& scenario, const Step& step) {
  std::vector<ServiceId> out;
  if (step.service)
    out.push_back(*step.service);
  for (const DeploymentId d : step.deployments)
    out.push_back(scenario.topology->deployment(d).service);
  // A mitigation gives back what its degradation took from its deployments.
  if (step.action == ActionKind::mitigate) {
    for (const DeploymentId d : scenario.faults[step.fault->value].deployments)
      out.push_back(scenario.topology->deployment(d).service);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double hours(const Step& step) {
  return step.methods.front().duration.median().in_hours();
}

// The longest path of median durations from each step to the end of the
// runbook, the step's own included. Steps without successors are known
// first, then each step once all its successors are: the runbook is acyclic
// (the loader checks).
std::vector<double> remaining_path(const Scenario& scenario) {
  const std::size_t n = scenario.steps.size();
  std::vector<double> longest(n, 0.0);
  std::vector<std::size_t> unknown(n);
  std::deque<std::uint32_t> known;
  for (std::uint32_t s = 0; s < n; ++s) {
    unknown[s] = scenario.successors[s].size();
    if (unknown[s] == 0)
      known.push_back(s);
  }
  while (!known.empty()) {
    const std::uint32_t s = known.front();
    known.pop_front();
    double after = 0;
    for (const StepId next : scenario.successors[s])
      after = std::max(after, longest[next.value]);
    longest[s] = hours(scenario.steps[s]) + after;
    for (const StepId before : scenario.steps[s].after) {
      if (--unknown[before.value] == 0)
        known.push_back(before.value);
    }
  }
  return longest;
}

}  // namespace

std::span<const StrategyKind> strategies() {
  return kStrategies;
}

std::span<const StrategyKind> heuristic_strategies() {
  return std::span<const StrategyKind>(kStrategies).first(6);
}

std::string_view to_string(StrategyKind k) {
  return word_of(k);
}

std::optional<StrategyKind> parse_strategy(std::string_view name) {
  return parse_word<StrategyKind>(name);
}

UserCount users_restored_by(const Scenario& scenario, StepId step) {
  return hard_reach(*scenario.topology, services_acted_on(scenario, scenario.steps[step.value]))
      .users;
}

std::shared_ptr<Scenario> under_strategy(const Scenario& scenario, StrategyKind strategy) {
  if (strategy == StrategyKind::priority && scenario.priority.empty())
    throw std::invalid_argument(
        "the priority strategy follows the scenario's 'priority' list (the step ids, most urgent "
        "first), and it has none; add one, or name another strategy");
  auto chosen = std::make_shared<Scenario>(scenario);
  chosen->strategy = strategy;
  chosen->priority_search = nullptr;
  return chosen;
}

StrategyKind strategy_asked(const Scenario& scenario) {
  return scenario.priority_search ? StrategyKind::optimize : scenario.strategy;
}

std::vector<std::uint32_t> step_ranks(const Scenario& scenario, StrategyKind strategy) {
  if (strategy == StrategyKind::optimize) {
    throw std::invalid_argument(
        "the optimize strategy is a search: resolve it into a priority list with "
        "optimize_priority first");
  }
  const std::size_t n = scenario.steps.size();
  // key[s]: lower starts first.
  std::vector<double> key(n, 0.0);
  if (strategy == StrategyKind::priority) {
    for (std::uint32_t s = 0; s < n; ++s)
      key[s] = static_cast<double>(n);
    for (std::size_t place = 0; place < scenario.priority.size(); ++place)
      key[scenario.priority[place].value] = static_cast<double>(place);
  }
  const auto users = [&](std::uint32_t s) {
    return static_cast<double>(users_restored_by(scenario, StepId{s}).value);
  };
  const std::vector<double> path =
      strategy == StrategyKind::critical_path ? remaining_path(scenario) : std::vector<double>{};
  // By layer: two services that depend on nothing share layer 0, which
  // leaves their steps in runbook order (found by a helper: the evaluation
  // rank, unique per service, ordered them by their place in the topology).
  const std::vector<std::uint32_t> layers = strategy == StrategyKind::dependency_order
                                                ? graph::dependency_layers(*scenario.topology)
                                                : std::vector<std::uint32_t>{};
  for (std::uint32_t s = 0; s < n; ++s) {
    const Step& step = scenario.steps[s];
    switch (strategy) {
      case StrategyKind::as_written:
      case StrategyKind::priority:
      case StrategyKind::optimize:
        break;
      case StrategyKind::most_users_first:
        key[s] = -users(s);
        break;
      case StrategyKind::dependency_order: {
        // Steps that act on no service (triage, checks) go first: they
        // usually open the way for the rest.
        double layer = -1;
        for (const ServiceId v : services_acted_on(scenario, step)) {
          const auto l = static_cast<double>(layers[v.value]);
          layer = layer < 0 ? l : std::min(layer, l);
        }
        key[s] = layer;
        break;
      }
      case StrategyKind::shortest_first:
        key[s] = hours(step);
        break;
      case StrategyKind::critical_path:
        key[s] = -path[s];
        break;
      case StrategyKind::weighted_shortest_first: {
        const double h = hours(step);
        key[s] = h > 0 ? -users(s) / h : -std::numeric_limits<double>::infinity();
        break;
      }
    }
  }
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
  std::vector<std::uint32_t> rank(n);
  for (std::uint32_t place = 0; place < n; ++place)
    rank[order[place]] = place;
  return rank;
}

}  // namespace faultline
