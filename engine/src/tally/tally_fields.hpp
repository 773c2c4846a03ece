#pragma once
// Every statistic of a MonteCarloResult, under its name in a tally file, in
// the file's order. The writer and the reader walk the same list, so the
// two cannot disagree on what a file holds.

#include <fmt/format.h>

#include <string>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"

namespace faultline::detail {

inline std::string field_name(std::string_view list, std::size_t i, std::string_view field) {
  return fmt::format("{}/{}/{}", list, i, field);
}

template <class Impact, class Visit>
void visit_impact(const std::string& prefix, Impact& impact, Visit& visit) {
  visit(prefix + "/peak_affected", impact.peak_affected);
  visit(prefix + "/peak_active", impact.peak_active);
  visit(prefix + "/user_seconds_lost", impact.user_seconds_lost);
  visit(prefix + "/cut_off_at_end", impact.cut_off_at_end);
  visit(prefix + "/runs_ending_cut_off", impact.runs_ending_cut_off);
}

template <class Result, class Visit>
void visit_services_and_steps(Result& r, Visit& visit) {
  for (std::size_t s = 0; s < r.services.size(); ++s) {
    auto& service = r.services[s];
    visit(field_name("services", s, "downtime_ms"), service.downtime_ms);
    visit(field_name("services", s, "restored_at"), service.restored_at);
    visit(field_name("services", s, "runs_down"), service.runs_down);
  }
  for (std::size_t s = 0; s < r.steps.size(); ++s) {
    auto& step = r.steps[s];
    visit(field_name("steps", s, "completed_at"), step.completed_at);
    visit(field_name("steps", s, "attempts"), step.attempts);
    visit(field_name("steps", s, "runs_failed"), step.runs_failed);
    visit(field_name("steps", s, "runs_skipped"), step.runs_skipped);
    visit(field_name("steps", s, "runs_completed_by"), step.runs_completed_by);
    visit(field_name("steps", s, "runs_critical"), step.runs_critical);
    visit(field_name("steps", s, "critical_ms"), step.critical_ms);
    visit(field_name("steps", s, "restored_user_seconds"), step.restored_user_seconds);
  }
}

// Statistics is std::vector<SloStatistics>, const or not.
template <class Statistics, class Visit>
void visit_slos(const std::string& prefix, Statistics& statistics, Visit& visit) {
  for (std::size_t k = 0; k < statistics.size(); ++k) {
    auto& slo = statistics[k];
    const std::string mine = fmt::format("{}slos/{}", prefix, k);
    for (std::size_t o = 0; o < slo.objectives.size(); ++o) {
      const std::string objective = fmt::format("{}/objectives/{}", mine, o);
      visit(objective + "/consumed_ppm", slo.objectives[o].consumed_ppm);
      visit(objective + "/runs_exhausted", slo.objectives[o].runs_exhausted);
    }
    visit(mine + "/runs_outlasting_window", slo.runs_outlasting_window);
    visit(mine + "/runs_short_at_end", slo.runs_short_at_end);
  }
}

template <class Result, class Visit>
void visit_samples_and_slos(Result& r, Visit& visit) {
  for (std::size_t i = 0; i < r.sampled_active.size(); ++i)
    visit(field_name("samples", i, "active"), r.sampled_active[i]);
  for (std::size_t i = 0; i < r.sampled_tenant_users_back.size(); ++i)
    visit(field_name("samples", i, "tenant_users_back"), r.sampled_tenant_users_back[i]);
  visit("samples/busy_sum", r.sampled_busy_sum);
  visit_slos("", r.slo_statistics, visit);
}

// Result is MonteCarloResult, const for writing; Visit takes a name and a
// statistic (a count, a vector of counts or sums, an Accumulator,
// EventTimes or SignedTimes).
template <class Result, class Visit>
void visit_tally(Result& r, Visit& visit) {
  visit("runs", r.runs);
  visit_services_and_steps(r, visit);
  for (std::size_t g = 0; g < r.user_groups.size(); ++g)
    visit_impact(fmt::format("user_groups/{}", g), r.user_groups[g], visit);
  visit_impact("overall", r.overall, visit);
  visit("milestones/met", r.milestones_met);
  for (std::size_t m = 0; m < r.milestone_times.size(); ++m) {
    visit(field_name("milestones", m, "times"), r.milestone_times[m]);
    visit(field_name("milestones", m, "differences"), r.milestone_differences[m]);
  }
  visit_samples_and_slos(r, visit);
  if (r.network_fidelity) {
    visit("network/latest_seen_ms", r.step_resolution.latest_ms);
    visit("network/unseen_ms", r.step_resolution.unseen_ms);
    visit("network/runs_with_unseen", r.step_resolution.runs_with_unseen);
    visit("network/shortest_state_ms", r.step_resolution.shortest_state_ms);
  }
}

// The same for a comparison (Comparison, const for writing); Visit also
// takes Moments and CountedShort. The pairs' figures are not in the file: they are judged
// from their differences once the shards are merged.
template <class Result, class Visit>
void visit_comparison(Result& r, Visit& visit) {
  visit("runs", r.runs);
  for (std::size_t v = 0; v < r.metrics.size(); ++v) {
    for (std::size_t m = 0; m < r.metrics[v].size(); ++m)
      visit(fmt::format("variants/{}/metrics/{}", v, m), r.metrics[v][m]);
    visit(field_name("variants", v, "counted_short"), r.counted_short[v]);
    visit(field_name("variants", v, "sampled_active_sum"), r.sampled_active_sum[v]);
    visit_slos(fmt::format("variants/{}/", v), r.slo_statistics[v], visit);
  }
  for (std::size_t p = 0; p < r.pairs.size(); ++p)
    visit(field_name("pairs", p, "differences"), r.pairs[p].differences);
}

}  // namespace faultline::detail
