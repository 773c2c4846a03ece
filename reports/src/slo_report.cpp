#include "faultline/reports/slo.hpp"

#include <fmt/format.h>

#include <cmath>

#include "format.hpp"

namespace faultline::reports {

namespace {

using nlohmann::ordered_json;

// 99.9%: a target as people write it.
std::string target_text(double share) {
  return fmt::format("{:.6g}%", share * 100.0);
}

// 99.62%: a share of runs, to a hundredth of a percent.
std::string runs_share_text(double share) {
  return percent(share, 2);
}

// 21.7%, or "all of a budget of nothing".
std::string consumed_text(double share) {
  if (std::isinf(share))
    return "all of a budget of nothing";
  return percent(share, 1);
}

// "meetings-availability: service meetings, rolling 28d window,
// Occurrences in user-seconds".
std::string slo_heading(const Slo& slo, bool network_fidelity) {
  return fmt::format("{}{}: service {}, rolling {} window, {} in {}", slo.name,
                     slo.display_name.empty() ? "" : " (" + slo.display_name + ")", slo.service,
                     format_duration(slo.window), word_of(slo.method),
                     to_string(events_of(slo, network_fidelity)));
}

// "objective 1 (target 99.9%, slices of 5m bad below 95%)".
std::string objective_heading(const SloObjective& o) {
  std::string slices;
  if (o.time_slice_window) {
    slices = ", slices of " + format_duration(*o.time_slice_window);
    if (o.time_slice_target)
      slices += " bad below " + target_text(*o.time_slice_target);
  }
  return fmt::format("{} (target {}{})", o.name, target_text(o.target), slices);
}

std::string events_note(bool network_fidelity) {
  return network_fidelity
             ? "events are requests to the service, and those served in time the good ones; "
               "the window's requests beyond the run are counted at the run's rate per active user"
             : "events are the active users whose traffic reaches the service, over time, and "
               "the share it serves the good ones";
}

ordered_json slo_head_json(const Slo& slo, bool network_fidelity) {
  return {{"name", slo.name},
          {"display_name", slo.display_name},
          {"service", slo.service},
          {"window_s", slo.window.in_seconds()},
          {"budgeting_method", word_of(slo.method)},
          {"events", to_string(events_of(slo, network_fidelity))}};
}

ordered_json objective_head_json(const SloObjective& o) {
  ordered_json j{{"name", o.name}, {"target", o.target}};
  j["time_slice_window_s"] =
      o.time_slice_window ? ordered_json(o.time_slice_window->in_seconds()) : ordered_json(nullptr);
  j["time_slice_target"] =
      o.time_slice_target ? ordered_json(*o.time_slice_target) : ordered_json(nullptr);
  return j;
}

// JSON has no infinity: a budget of nothing overspent is null.
ordered_json share_json(double share) {
  return std::isinf(share) ? ordered_json(nullptr) : ordered_json(share);
}

}  // namespace

std::string budgets_text(const RunBudgets& budgets) {
  std::string out = fmt::format("\nError budgets (each window opens at T0; {}):\n",
                                events_note(budgets.network_fidelity));
  for (std::size_t k = 0; k < budgets.slos.size(); ++k) {
    const Slo& slo = budgets.slos[k];
    const SloBurn& burn = budgets.burns[k];
    out += "  " + slo_heading(slo, budgets.network_fidelity) + "\n";
    const std::string_view unit = to_string(events_of(slo, budgets.network_fidelity));
    for (std::size_t o = 0; o < slo.objectives.size(); ++o) {
      const ObjectiveBurn& b = burn.objectives[o];
      out += fmt::format("    {}: spent {} of {} {}, {} of the budget{}\n",
                         objective_heading(slo.objectives[o]), number(b.spent), number(b.budget),
                         unit, consumed_text(b.consumed()), b.exhausted() ? " - EXHAUSTED" : "");
    }
    if (burn.run_outlasts_window)
      out += "    (the run goes on past the window's end: what came after it is not counted)\n";
    if (burn.short_at_end)
      out +=
          "    (the service still served less than everything, or tenants of its users were "
          "still out, when the run ended: what it went on to lose is not counted)\n";
  }
  return out + "\n";
}

ordered_json budgets_json(const RunBudgets& budgets) {
  ordered_json out = ordered_json::array();
  for (std::size_t k = 0; k < budgets.slos.size(); ++k) {
    const Slo& slo = budgets.slos[k];
    ordered_json j = slo_head_json(slo, budgets.network_fidelity);
    j["run_outlasts_window"] = budgets.burns[k].run_outlasts_window;
    j["short_at_end"] = budgets.burns[k].short_at_end;
    j["objectives"] = ordered_json::array();
    for (std::size_t o = 0; o < slo.objectives.size(); ++o) {
      const ObjectiveBurn& b = budgets.burns[k].objectives[o];
      ordered_json obj = objective_head_json(slo.objectives[o]);
      obj["budget"] = b.budget;
      obj["spent"] = b.spent;
      obj["consumed"] = share_json(b.consumed());
      obj["exhausted"] = b.exhausted();
      j["objectives"].push_back(std::move(obj));
    }
    out.push_back(std::move(j));
  }
  return out;
}

JsonDocument with_budgets(JsonDocument replay, const RunBudgets* budgets) {
  if (budgets)
    replay.add("slos", budgets_json(*budgets));
  return replay;
}

std::string budget_statistics_text(std::span<const Slo> slos,
                                   std::span<const SloStatistics> statistics, bool network_fidelity,
                                   std::uint64_t runs, std::string_view title) {
  if (slos.empty())
    return "";
  std::string out =
      fmt::format("{} over {} runs (each window opens at T0; {}):\n", title,
                  thousands(static_cast<std::int64_t>(runs)), events_note(network_fidelity));
  for (std::size_t k = 0; k < slos.size(); ++k) {
    out += fmt::format("  {}\n", slo_heading(slos[k], network_fidelity));
    for (std::size_t o = 0; runs > 0 && o < slos[k].objectives.size(); ++o) {
      const ObjectiveStatistics& s = statistics[k].objectives[o];
      const ProportionInterval ci = s.exhausted_interval();
      const auto share = [&](double q) { return consumed_text(s.consumed_ppm.quantile(q) / 1e6); };
      out += fmt::format(
          "    {}: budget spent {} on average (median {}, 90th percentile {}, 99th {}); "
          "exhausted in {} of {} runs ({}, 95% interval {} to {})\n",
          objective_heading(slos[k].objectives[o]), consumed_text(s.consumed_ppm.mean() / 1e6),
          share(0.5), share(0.9), share(0.99),
          thousands(static_cast<std::int64_t>(s.runs_exhausted)),
          thousands(static_cast<std::int64_t>(runs)), runs_share_text(s.exhausted_share()),
          runs_share_text(ci.low), runs_share_text(ci.high));
    }
    if (statistics[k].runs_outlasting_window > 0) {
      out += fmt::format(
          "    ({} runs went on past the window's end: what came after it is not "
          "counted)\n",
          thousands(static_cast<std::int64_t>(statistics[k].runs_outlasting_window)));
    }
    if (statistics[k].runs_short_at_end > 0) {
      out += fmt::format(
          "    ({} runs ended with the service still short, or tenants of its users still "
          "out: what it went on to lose is not counted)\n",
          thousands(static_cast<std::int64_t>(statistics[k].runs_short_at_end)));
    }
  }
  return out + "\n";
}

ordered_json budget_statistics_json(std::span<const Slo> slos,
                                    std::span<const SloStatistics> statistics,
                                    bool network_fidelity) {
  ordered_json out = ordered_json::array();
  for (std::size_t k = 0; k < slos.size(); ++k) {
    ordered_json j = slo_head_json(slos[k], network_fidelity);
    j["runs_outlasting_window"] = statistics[k].runs_outlasting_window;
    j["runs_short_at_end"] = statistics[k].runs_short_at_end;
    j["objectives"] = ordered_json::array();
    for (std::size_t o = 0; o < slos[k].objectives.size(); ++o) {
      const ObjectiveStatistics& s = statistics[k].objectives[o];
      const ProportionInterval ci = s.exhausted_interval();
      ordered_json obj = objective_head_json(slos[k].objectives[o]);
      const Accumulator& a = s.consumed_ppm;
      obj["consumed"] = a.count() == 0 ? ordered_json(nullptr)
                                       : ordered_json{{"mean", a.mean() / 1e6},
                                                      {"p50", a.quantile(0.5) / 1e6},
                                                      {"p90", a.quantile(0.9) / 1e6},
                                                      {"p99", a.quantile(0.99) / 1e6},
                                                      {"max", static_cast<double>(a.max()) / 1e6}};
      obj["runs_exhausted"] = s.runs_exhausted;
      obj["exhausted_share"] = s.exhausted_share();
      obj["exhausted_ci95"] = {ci.low, ci.high};
      j["objectives"].push_back(std::move(obj));
    }
    out.push_back(std::move(j));
  }
  return out;
}

namespace {

// "Occurrences over 28d".
std::string method_cell(const Slo& slo) {
  return fmt::format("{} over {}", word_of(slo.method), format_duration(slo.window));
}

std::string note_of(bool network_fidelity) {
  return fmt::format("Each window opens at T0; {}.", events_note(network_fidelity));
}

}  // namespace

BudgetTable budgets_table(const RunBudgets& budgets) {
  BudgetTable t{
      {"SLO", "service", "method", "objective", ">spent", ">budget", ">share spent", "exhausted"},
      {},
      note_of(budgets.network_fidelity)};
  for (std::size_t k = 0; k < budgets.slos.size(); ++k) {
    const Slo& slo = budgets.slos[k];
    const std::string unit(to_string(events_of(slo, budgets.network_fidelity)));
    for (std::size_t o = 0; o < slo.objectives.size(); ++o) {
      const ObjectiveBurn& b = budgets.burns[k].objectives[o];
      t.rows.push_back({slo.name, slo.service, method_cell(slo),
                        objective_heading(slo.objectives[o]), number(b.spent) + " " + unit,
                        number(b.budget) + " " + unit, consumed_text(b.consumed()),
                        b.exhausted() ? "yes" : "no"});
    }
  }
  return t;
}

BudgetTable budget_statistics_table(std::span<const Slo> slos,
                                    std::span<const SloStatistics> statistics,
                                    bool network_fidelity, std::uint64_t runs) {
  BudgetTable t{{"SLO", "service", "method", "objective", ">share spent, mean", ">p90",
                 ">runs exhausting it", "95% interval"},
                {},
                note_of(network_fidelity)};
  for (std::size_t k = 0; k < slos.size() && runs > 0; ++k) {
    for (std::size_t o = 0; o < slos[k].objectives.size(); ++o) {
      const ObjectiveStatistics& s = statistics[k].objectives[o];
      const ProportionInterval ci = s.exhausted_interval();
      t.rows.push_back(
          {slos[k].name, slos[k].service, method_cell(slos[k]),
           objective_heading(slos[k].objectives[o]), consumed_text(s.consumed_ppm.mean() / 1e6),
           consumed_text(s.consumed_ppm.quantile(0.9) / 1e6), runs_share_text(s.exhausted_share()),
           runs_share_text(ci.low) + " to " + runs_share_text(ci.high)});
    }
  }
  return t;
}

}  // namespace faultline::reports
