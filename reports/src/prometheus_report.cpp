#include "faultline/reports/prometheus.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "faultline/reports/slo.hpp"
#include "faultline/version.hpp"
#include "format.hpp"

namespace faultline::reports {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kMsPerSecond = 1'000.0;
constexpr std::array kQuantiles = {0.1, 0.5, 0.9, 0.95, 0.99};

using Label = std::pair<std::string_view, std::string>;
using Labels = std::vector<Label>;

// Text in a HELP line (backslash and line feed escaped) or, `quoted`, a
// label value (double quotes too).
std::string escaped(std::string_view text, bool quoted) {
  std::string out;
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quoted)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

// As Go's ParseFloat reads it: +Inf, -Inf, NaN, or the shortest decimal
// that reads back as the same double.
std::string value_text(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// Families one after another, each with its HELP and TYPE lines before its
// samples, as the format requires.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escaped(help, false), name, type);
  }

  void sample(std::string_view name, const Labels& labels, double value) {
    text_ += name;
    if (!labels.empty()) {
      text_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        text_ += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                             escaped(labels[i].second, true));
      }
      text_ += '}';
    }
    text_ += ' ';
    text_ += value_text(value);
    text_ += '\n';
  }

  // A summary's quantiles, sum and count of values divided by `divisor`
  // (into base units); the quantiles of no values are NaN.
  void summary(std::string_view name, const Labels& labels, const Accumulator& a, double divisor) {
    for (const double q : kQuantiles) {
      Labels with_quantile = labels;
      with_quantile.emplace_back("quantile", fmt::format("{}", q));
      sample(name, with_quantile, a.count() == 0 ? std::nan("") : a.quantile(q) / divisor);
    }
    sample(fmt::format("{}_sum", name), labels, a.sum() / divisor);
    sample(fmt::format("{}_count", name), labels, static_cast<double>(a.count()));
  }

  std::string text() && { return std::move(text_); }

 private:
  std::string text_;
};

void build_info(Exposition& out) {
  out.family("faultline_build_info", "gauge", "The Faultline version that wrote these metrics");
  out.sample("faultline_build_info", {{"version", std::string(kVersion)}}, 1);
}

double seconds_or_never(const std::optional<SimTime>& t) {
  return t ? t->since_t0().in_seconds() : kInfinity;
}

double user_seconds(UserTime t) {
  return static_cast<double>(t.user_ms) / kMsPerSecond;
}

// One family of a gauge per item (service, group, step, milestone).
template <typename Value>
void per_item(Exposition& out, std::string_view name, std::string_view help, const Label& scenario,
              std::string_view item_label, std::size_t count,
              const std::function<std::string(std::size_t)>& item_id, Value value) {
  out.family(name, "gauge", help);
  for (std::size_t i = 0; i < count; ++i)
    out.sample(name, {scenario, {item_label, item_id(i)}}, value(i));
}

void replay_overall(Exposition& out, const Label& scenario, const RunResult& result) {
  const UserImpact& o = result.overall;
  const std::initializer_list<std::tuple<std::string_view, std::string_view, double>> gauges = {
      {"faultline_replay_lost_user_seconds",
       "Active users cut off, over time, in user-seconds (all user groups)", user_seconds(o.lost)},
      {"faultline_replay_peak_affected_users", "Registered users cut off at worst",
       static_cast<double>(o.peak_affected.value)},
      {"faultline_replay_peak_active_affected_users", "Active users cut off at worst",
       static_cast<double>(o.peak_active.value)},
      {"faultline_replay_cut_off_at_end_users", "Registered users still cut off when the run ended",
       static_cast<double>(o.cut_off_at_end.value)},
      {"faultline_replay_all_restored_seconds",
       "Seconds from T0 until everything lost was back: every service serving everyone, every "
       "tenant back (+Inf: not by the end)",
       seconds_or_never(result.all_restored)},
      {"faultline_replay_end_seconds", "Seconds from T0 to the end of the run",
       result.end.since_t0().in_seconds()}};
  for (const auto& [name, help, value] : gauges) {
    out.family(name, "gauge", help);
    out.sample(name, {scenario}, value);
  }
}

// Only the services that lost something: restored_at, or +Inf for those
// still short at the end.
void restored_services(Exposition& out, const Label& scenario, const Topology& topology,
                       const RunResult& result) {
  constexpr std::string_view name = "faultline_replay_service_restored_seconds";
  out.family(name, "gauge",
             "Seconds from T0 until a service that lost something last came back to serving "
             "everything (+Inf: not by the end)");
  for (std::size_t s = 0; s < result.services.size(); ++s) {
    const ServiceOutcome& o = result.services[s];
    if (o.restored_at || o.final_state != ServiceState::operational)
      out.sample(name, {scenario, {"service", topology.services()[s].id}},
                 seconds_or_never(o.restored_at));
  }
}

// One family of a summary per item, of the accumulator `of(i)` in base
// units (divided by `divisor`).
void per_item_summary(Exposition& out, std::string_view name, std::string_view help,
                      const Label& scenario, std::string_view item_label, std::size_t count,
                      const std::function<std::string(std::size_t)>& item_id,
                      const std::function<const Accumulator&(std::size_t)>& of, double divisor) {
  out.family(name, "summary", help);
  for (std::size_t i = 0; i < count; ++i)
    out.summary(name, {scenario, {item_label, item_id(i)}}, of(i), divisor);
}

void simulation_overall(Exposition& out, const Label& scenario, const MonteCarloResult& result) {
  const ImpactStatistics& o = result.overall;
  const std::initializer_list<std::tuple<std::string_view, std::string_view, double>> gauges = {
      {"faultline_simulation_runs", "Monte Carlo runs made", static_cast<double>(result.runs)},
      {"faultline_simulation_interrupted",
       "1 when the simulation was stopped before the runs asked for were made",
       result.interrupted ? 1.0 : 0.0},
      {"faultline_simulation_runs_ending_cut_off_ratio",
       "Share of the runs that ended with registered users still cut off",
       share(o.runs_ending_cut_off, result.runs)}};
  for (const auto& [name, help, value] : gauges) {
    out.family(name, "gauge", help);
    out.sample(name, {scenario}, value);
  }
  if (result.first_run > 0) {
    const std::string_view first = "faultline_simulation_first_run";
    out.family(first, "gauge",
               "A shard's first run: it made runs first_run to first_run + runs - 1");
    out.sample(first, {scenario}, static_cast<double>(result.first_run));
  }
  const std::initializer_list<
      std::tuple<std::string_view, std::string_view, const Accumulator*, double>>
      summaries = {
          {"faultline_simulation_lost_user_seconds",
           "Active users cut off, over time, in user-seconds (all user groups), over the runs",
           &o.user_seconds_lost, 1.0},
          {"faultline_simulation_peak_affected_users",
           "Registered users cut off at worst, over the runs", &o.peak_affected, 1.0},
          {"faultline_simulation_peak_active_affected_users",
           "Active users cut off at worst, over the runs", &o.peak_active, 1.0}};
  for (const auto& [name, help, accumulator, divisor] : summaries) {
    out.family(name, "summary", help);
    out.summary(name, {scenario}, *accumulator, divisor);
  }
}

// How a compared metric is named and scaled in base units.
struct ComparedFamily {
  std::string_view stem;
  std::string_view what;
  double divisor;
};

ComparedFamily family_of(ComparedMetric m) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return {"lost_user_seconds", "active users cut off, over time, in user-seconds", 1.0};
    case ComparedMetric::peak_active:
      return {"peak_active_affected_users", "active users cut off at worst", 1.0};
    case ComparedMetric::restored_ms:
      return {"all_restored_seconds",
              "seconds from T0 until every service served everyone and every tenant was back (a "
              "run without it by the shortest horizon of the variants counting as that)",
              kMsPerSecond};
  }
  return {"lost_user_seconds", "", 1.0};
}

// Each variant's summary of each metric.
void compared_variants(Exposition& out, const Comparison& c) {
  for (std::size_t m = 0; m < kComparedMetrics.size(); ++m) {
    const ComparedFamily f = family_of(kComparedMetrics[m]);
    const std::string name = fmt::format("faultline_compare_{}", f.stem);
    out.family(name, "summary", fmt::format("Each variant's {}, over the runs", f.what));
    for (std::size_t v = 0; v < c.names.size(); ++v)
      out.summary(name, {{"variant", c.names[v]}}, c.metrics[v][m], f.divisor);
  }
}

// Each pair's mean difference (b less a) with its 95% confidence bounds,
// and whether it is significant after Holm's correction.
void compared_pairs(Exposition& out, const Comparison& c) {
  const auto pair_labels = [&](const PairedDifference& d) {
    return Labels{{"a", c.names[d.a]}, {"b", c.names[d.b]}};
  };
  for (const ComparedMetric metric : kComparedMetrics) {
    const ComparedFamily f = family_of(metric);
    const std::string name = fmt::format("faultline_compare_{}_difference", f.stem);
    out.family(name, "gauge",
               fmt::format("Variant b's {} less variant a's, run by run: the mean and its 95% "
                           "confidence bounds",
                           f.what));
    for (const PairedDifference& d : c.pairs) {
      if (d.metric != metric)
        continue;
      for (const auto& [bound, value] :
           {std::pair{"mean", std::optional(d.mean)}, std::pair{"ci95_low", d.ci_low},
            std::pair{"ci95_high", d.ci_high}}) {
        if (!value)
          continue;  // no interval from fewer than two runs
        Labels labels = pair_labels(d);
        labels.emplace_back("bound", bound);
        out.sample(name, labels, *value / f.divisor);
      }
    }
  }
  // None with fewer than two runs, which support no test.
  using Figure = std::function<std::optional<double>(const PairedDifference&)>;
  const std::initializer_list<std::tuple<std::string_view, std::string_view, Figure>> families = {
      {"faultline_compare_p_value_holm",
       "The paired t-test's two-sided p-value, Holm-adjusted over every pair of variants",
       [](const PairedDifference& d) { return d.p_holm; }},
      {"faultline_compare_significant",
       "1 when the pair differs significantly (Holm-adjusted p-value below 0.05), 0 otherwise",
       [](const PairedDifference& d) {
         return d.p_holm ? std::optional(d.significant ? 1.0 : 0.0) : std::nullopt;
       }}};
  for (const auto& [name, help, figure] : families) {
    out.family(name, "gauge", help);
    for (const PairedDifference& d : c.pairs) {
      const std::optional<double> value = figure(d);
      if (!value)
        continue;
      Labels labels = pair_labels(d);
      labels.emplace_back("metric", family_of(d.metric).stem);
      out.sample(name, labels, *value);
    }
  }
}

// An SLO objective's labels: the SLO, its objective and its service.
Labels objective_labels(Labels head, const Slo& slo, const SloObjective& o) {
  head.emplace_back("slo", slo.name);
  head.emplace_back("objective", o.name);
  head.emplace_back("service", slo.service);
  return head;
}

// Over runs (a simulation's, or each variant's of a comparison: `head`
// labels them): the share of each budget spent, and of runs exhausting it.
void budget_statistics(
    Exposition& out, std::string_view prefix,
    const std::vector<std::pair<Labels, const std::vector<SloStatistics>*>>& sets,
    std::span<const Slo> slos) {
  if (slos.empty())
    return;
  const std::string spent = fmt::format("{}_slo_budget_consumed_ratio", prefix);
  out.family(spent, "summary",
             "Share of the SLO objective's error budget each run spent (1: all of it), over "
             "the runs");
  for (const auto& [head, statistics] : sets) {
    for (std::size_t k = 0; k < slos.size(); ++k) {
      for (std::size_t o = 0; o < slos[k].objectives.size(); ++o)
        out.summary(spent, objective_labels(head, slos[k], slos[k].objectives[o]),
                    (*statistics)[k].objectives[o].consumed_ppm, 1e6);
    }
  }
  const std::string exhausted = fmt::format("{}_slo_budget_exhausted_ratio", prefix);
  out.family(exhausted, "gauge", "Share of the runs that spent all of the objective's budget");
  for (const auto& [head, statistics] : sets) {
    for (std::size_t k = 0; k < slos.size(); ++k) {
      for (std::size_t o = 0; o < slos[k].objectives.size(); ++o)
        out.sample(exhausted, objective_labels(head, slos[k], slos[k].objectives[o]),
                   (*statistics)[k].objectives[o].exhausted_share());
    }
  }
}

}  // namespace

std::string budgets_metrics(const Scenario& scenario, const RunBudgets& budgets) {
  const Labels head{{"scenario", scenario_title(scenario)}};
  Exposition out;
  using Figure = std::function<double(const ObjectiveBurn&)>;
  const std::initializer_list<std::tuple<std::string_view, std::string_view, Figure>> families = {
      {"faultline_replay_slo_budget_consumed_ratio",
       "Share of the SLO objective's error budget the run spent (1: all of it; +Inf: a budget "
       "of nothing overspent)",
       [](const ObjectiveBurn& b) { return b.consumed(); }},
      {"faultline_replay_slo_budget_exhausted",
       "1 when the run spent all of the objective's error budget, 0 otherwise",
       [](const ObjectiveBurn& b) { return b.exhausted() ? 1.0 : 0.0; }}};
  for (const auto& [name, help, figure] : families) {
    out.family(name, "gauge", help);
    for (std::size_t k = 0; k < budgets.slos.size(); ++k) {
      const Slo& slo = budgets.slos[k];
      for (std::size_t o = 0; o < slo.objectives.size(); ++o)
        out.sample(name, objective_labels(head, slo, slo.objectives[o]),
                   figure(budgets.burns[k].objectives[o]));
    }
  }
  return std::move(out).text();
}

std::string replay_metrics(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  const Label label{"scenario", scenario_title(scenario)};
  Exposition out;
  build_info(out);
  replay_overall(out, label, result);
  const auto service_id = [&](std::size_t s) { return topology.services()[s].id; };
  per_item(out, "faultline_replay_service_down_seconds", "Seconds in major outage", label,
           "service", result.services.size(), service_id,
           [&](std::size_t s) { return result.services[s].down.in_seconds(); });
  restored_services(out, label, topology, result);
  const auto group_id = [&](std::size_t g) { return topology.user_groups()[g].id; };
  per_item(out, "faultline_replay_group_lost_user_seconds",
           "The group's active users cut off, over time, in user-seconds", label, "group",
           result.user_groups.size(), group_id,
           [&](std::size_t g) { return user_seconds(result.user_groups[g].lost); });
  per_item(
      out, "faultline_replay_step_completed_seconds",
      "Seconds from T0 until the runbook step completed (+Inf: never)", label, "step",
      result.steps.size(), [&](std::size_t s) { return scenario.steps[s].id; },
      [&](std::size_t s) { return seconds_or_never(result.steps[s].completed); });
  per_item(
      out, "faultline_replay_milestone_met",
      "1 when the simulated event met the observed milestone, 0 otherwise", label, "milestone",
      result.observed.size(), [&](std::size_t m) { return scenario.observed[m].id; },
      [&](std::size_t m) { return result.observed[m].met ? 1.0 : 0.0; });
  return std::move(out).text();
}

std::string simulation_metrics(const Scenario& scenario, const MonteCarloResult& result) {
  const Topology& topology = *scenario.topology;
  const Label label{"scenario", scenario_title(scenario)};
  Exposition out;
  build_info(out);
  simulation_overall(out, label, result);
  const auto service_id = [&](std::size_t s) { return topology.services()[s].id; };
  const std::size_t services = result.services.size();
  per_item_summary(
      out, "faultline_simulation_service_down_seconds", "Seconds in major outage, over the runs",
      label, "service", services, service_id,
      [&](std::size_t s) -> const Accumulator& { return result.services[s].downtime_ms; },
      kMsPerSecond);
  per_item(out, "faultline_simulation_service_out_ratio",
           "Share of the runs in which the service stopped serving everyone (partial or major "
           "outage)",
           label, "service", services, service_id,
           [&](std::size_t s) { return share(result.services[s].runs_out(), result.runs); });
  per_item(out, "faultline_simulation_service_down_ratio",
           "Share of the runs with some major outage of the service", label, "service", services,
           service_id,
           [&](std::size_t s) { return share(result.services[s].runs_down, result.runs); });
  per_item(out, "faultline_simulation_service_not_restored_ratio",
           "Share of the runs that ended with the service still short (partial or major outage)",
           label, "service", services, service_id, [&](std::size_t s) {
             return share(result.services[s].restored_at.never(), result.runs);
           });
  per_item_summary(
      out, "faultline_simulation_group_lost_user_seconds",
      "The group's active users cut off, over time, in user-seconds, over the runs", label, "group",
      result.user_groups.size(), [&](std::size_t g) { return topology.user_groups()[g].id; },
      [&](std::size_t g) -> const Accumulator& { return result.user_groups[g].user_seconds_lost; },
      1.0);
  const auto step_id = [&](std::size_t s) { return scenario.steps[s].id; };
  per_item(out, "faultline_simulation_step_failed_ratio",
           "Share of the runs in which the step gave up after its last retry", label, "step",
           result.steps.size(), step_id,
           [&](std::size_t s) { return share(result.steps[s].runs_failed, result.runs); });
  per_item(out, "faultline_simulation_step_critical_ratio",
           "Share of the runs in which the step lay on a critical path, one of each step that "
           "ended last (its criticality index)",
           label, "step", result.steps.size(), step_id,
           [&](std::size_t s) { return share(result.steps[s].runs_critical, result.runs); });
  per_item(
      out, "faultline_simulation_milestone_met_ratio",
      "Share of the runs in which the simulated event met the observed milestone", label,
      "milestone", result.milestones_met.size(),
      [&](std::size_t m) { return scenario.observed[m].id; },
      [&](std::size_t m) { return share(result.milestones_met[m], result.runs); });
  budget_statistics(out, "faultline_simulation", {{Labels{label}, &result.slo_statistics}},
                    result.slos);
  return std::move(out).text();
}

std::string compare_metrics(const Comparison& comparison) {
  Exposition out;
  build_info(out);
  out.family("faultline_compare_runs", "gauge", "Paired Monte Carlo runs of each variant");
  out.sample("faultline_compare_runs", {}, static_cast<double>(comparison.runs));
  out.family("faultline_compare_interrupted", "gauge",
             "1 when the comparison was stopped before the runs asked for were made");
  out.sample("faultline_compare_interrupted", {}, comparison.interrupted ? 1.0 : 0.0);
  compared_variants(out, comparison);
  compared_pairs(out, comparison);
  std::vector<std::pair<Labels, const std::vector<SloStatistics>*>> variants;
  for (std::size_t v = 0; v < comparison.names.size() && !comparison.slos.empty(); ++v)
    variants.emplace_back(Labels{{"variant", comparison.names[v]}}, &comparison.slo_statistics[v]);
  budget_statistics(out, "faultline_compare", variants, comparison.slos);
  return std::move(out).text();
}

}  // namespace faultline::reports
