#pragma once
// Restoration strategies: when several ready steps compete for a crew, which
// starts first. Each strategy ranks the steps once, from the scenario and
// each duration's median; the runbook executor starts ready steps in rank
// order, ties in runbook order.

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "faultline/model.hpp"

namespace faultline {

// The names, in the order `strategies()` lists them.
std::span<const StrategyKind> strategies();
std::string_view to_string(StrategyKind k);
std::optional<StrategyKind> parse_strategy(std::string_view name);

// The strategy the scenario asked for, as results name it: optimize for
// the priority list its search found, its own otherwise.
StrategyKind strategy_asked(const Scenario& scenario);

// Users a step brings back: those of every group using a service the step
// acts on, or a service that hard-depends on one, directly or not.
UserCount users_restored_by(const Scenario& scenario, StepId step);

// The strategies that rank steps by a rule of their own, without a list or
// a search: the candidates a search starts from.
std::span<const StrategyKind> heuristic_strategies();

// The scenario under `strategy` instead of its own (and of any search
// that found its priority list). Throws
// std::invalid_argument for the priority strategy when the scenario has no
// priority list, as the loader refuses it: it would run as written under
// another name.
std::shared_ptr<Scenario> under_strategy(const Scenario& scenario, StrategyKind strategy);

// rank[s] is step s's place in the strategy's order, 0 first. Throws
// std::invalid_argument for optimize, which only a search resolves.
std::vector<std::uint32_t> step_ranks(const Scenario& scenario, StrategyKind strategy);

}  // namespace faultline
