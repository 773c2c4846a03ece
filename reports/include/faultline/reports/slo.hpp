#pragma once
// Error budgets as reports show them: of one run (replay), and over the runs
// of a simulation or of each variant of a comparison. The figures are the
// engine's (slo.hpp, monte_carlo.hpp); these only write them.

#include <nlohmann/json.hpp>

#include <span>
#include <string>

#include "faultline/monte_carlo.hpp"
#include "faultline/reports/json_document.hpp"
#include "faultline/slo.hpp"

namespace faultline::reports {

// One run judged against SLOs.
struct RunBudgets {
  std::vector<Slo> slos;
  std::vector<SloBurn> burns;  // by position in slos
  bool network_fidelity = false;
};

// The run's budgets: a section of the text report, a JSON array, and
// Prometheus families (faultline_replay_slo_*) to follow replay_metrics.
std::string budgets_text(const RunBudgets& budgets);
nlohmann::ordered_json budgets_json(const RunBudgets& budgets);
std::string budgets_metrics(const Scenario& scenario, const RunBudgets& budgets);
// A replay's JSON with its budgets (`slos`) added, when it was judged.
JsonDocument with_budgets(JsonDocument replay, const RunBudgets* budgets);

// Over runs: the share of each budget spent (mean and quantiles) and the
// share of runs that exhausted it, with its 95% interval, under `title`
// ("Error budgets", or a comparison's variant); nothing without SLOs.
std::string budget_statistics_text(std::span<const Slo> slos,
                                   std::span<const SloStatistics> statistics, bool network_fidelity,
                                   std::uint64_t runs, std::string_view title);
nlohmann::ordered_json budget_statistics_json(std::span<const Slo> slos,
                                              std::span<const SloStatistics> statistics,
                                              bool network_fidelity);

// The same as a table for the Markdown and HTML reports: its columns (a
// numeric one starts with '>'), its rows, and a sentence on what the
// events are.
struct BudgetTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::string note;
};
BudgetTable budgets_table(const RunBudgets& budgets);
BudgetTable budget_statistics_table(std::span<const Slo> slos,
                                    std::span<const SloStatistics> statistics,
                                    bool network_fidelity, std::uint64_t runs);

}  // namespace faultline::reports
