#pragma once
// --slo FILE and --require-slos on replay, simulate and compare.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/slo.hpp"

namespace faultline::cli {

// The file's SLOs, each checked against every scenario's topology; nothing
// (the problems printed) when any is bad. No path, no SLOs.
std::optional<std::vector<Slo>> slos_for(const std::string& path,
                                         std::span<const Scenario* const> scenarios,
                                         const LoadOptions& options);

// With `required`, a command that wrote its outputs (`code` kExitOk) exits
// kExitMissed when some objective is not kept, naming them; `kept(k, o)`
// says whether objective o of SLO k is.
int gated_by_budgets(bool required, std::span<const Slo> slos,
                     const std::function<bool(std::size_t, std::size_t)>& kept, int code);

}  // namespace faultline::cli
