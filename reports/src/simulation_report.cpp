#include <fmt/format.h>

#include <cmath>

#include "faultline/reports/json.hpp"
#include "faultline/reports/slo.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

void write_summary(JsonWriter& w, const Accumulator& a, double divisor) {
  const Summary s = a.summary();
  w.object().member("count", s.count);
  if (s.count == 0) {
    w.end();
    return;
  }
  w.member("mean", s.mean / divisor).member("sd", s.sd / divisor).key("ci95");
  if (s.ci_low)
    w.list().value(*s.ci_low / divisor).value(*s.ci_high / divisor).end();
  else
    w.value(nullptr);
  w.member("p10", s.p10 / divisor)
      .member("p50", s.p50 / divisor)
      .member("p90", s.p90 / divisor)
      .member("p95", s.p95 / divisor)
      .member("p99", s.p99 / divisor)
      .member("min", static_cast<double>(s.min) / divisor)
      .member("max", static_cast<double>(s.max) / divisor)
      .key("histogram")
      .list();
  for (const auto& bin : s.histogram) {
    w.object()
        .member("from", bin.from / divisor)
        .member("to", bin.to / divisor)
        .member("count", bin.count)
        .end();
  }
  w.end().end();
}

// Percentiles over all the runs that could see the event, null where they
// fall among the runs in which it never happened; the summary is of the
// runs in which it did.
void write_event_times(JsonWriter& w, const EventTimes& times, double divisor) {
  w.object().member("runs", times.runs()).member("never", times.never());
  for (const auto& [name, q] : {std::pair{"p10", 0.1}, std::pair{"p50", 0.5}, std::pair{"p90", 0.9},
                                std::pair{"p99", 0.99}}) {
    const auto at = times.quantile(q);
    w.member(name, at ? std::optional(*at / divisor) : std::nullopt);
  }
  w.key("when_it_happened");
  write_summary(w, times.happened(), divisor);
  w.end();
}

// The simulated event less the observed time, in hours (negative:
// earlier), at p10/p50/p90 over all runs (null among the runs where it
// never happened) and its mean over those where it did.
void write_difference(JsonWriter& w, const MonteCarloResult& result, std::size_t m) {
  const auto hours = [](const std::optional<Duration>& d) {
    return d ? std::optional(d->in_hours()) : std::nullopt;
  };
  w.object();
  for (const auto& [name, q] :
       {std::pair{"p10", 0.1}, std::pair{"p50", 0.5}, std::pair{"p90", 0.9}})
    w.member(name, hours(milestone_difference(result, m, q)));
  w.member("mean_when_it_happened", hours(mean_milestone_difference(result, m)));
  w.end();
}

void write_observed(JsonWriter& w, const Scenario& scenario, const MonteCarloResult& result) {
  const ScenarioClock& clock = scenario.clock;
  w.list();
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    const Milestone& milestone = scenario.observed[m];
    w.object()
        .member("id", milestone.id)
        .member("observed", clock.iso_text(milestone.time))
        .member("observed_s", milestone.time.since_t0().in_seconds())
        .member("timing", to_string(milestone.timing))
        .member("within_s", milestone.within.in_seconds())
        .member("runs_met", result.milestones_met[m])
        .member("probability_met", share(result.milestones_met[m], result.runs))
        .member("probability_never",
                share(result.milestone_times[m].never(), result.milestone_times[m].runs()))
        .key("simulated_at_h");
    write_event_times(w, result.milestone_times[m], kMsPerHour);
    w.key("difference_h");
    write_difference(w, result, m);
    w.end();
  }
  w.end();
}

// A step that lists methods: each one's share of the runs it completed.
void write_methods(JsonWriter& w, const Step& step, const StepStatistics& stats,
                   std::uint64_t runs) {
  w.list();
  for (std::size_t m = 0; m < step.methods.size(); ++m) {
    w.object()
        .member("name", step.methods[m].name)
        .member("probability_completed", share(stats.runs_completed_by[m], runs))
        .end();
  }
  w.end();
}

void write_steps(JsonWriter& w, const Scenario& scenario, const MonteCarloResult& result) {
  w.list();
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const StepStatistics& stats = result.steps[s];
    w.object()
        .member("id", scenario.steps[s].id)
        .member("probability_failed", share(stats.runs_failed, result.runs))
        .member("probability_skipped", share(stats.runs_skipped, result.runs))
        .member("criticality", share(stats.runs_critical, result.runs))
        .member("mean_time_on_critical_path_h", stats.critical_ms.mean() / kMsPerHour)
        .key("restored_user_hours");
    write_summary(w, stats.restored_user_seconds, kSecondsPerHour);
    w.key("completed_at_h");
    write_event_times(w, stats.completed_at, kMsPerHour);
    w.key("attempts");
    write_summary(w, stats.attempts, 1.0);
    // Only a step that lists methods says which completed it.
    if (!scenario.steps[s].methods.front().name.empty()) {
      w.key("methods");
      write_methods(w, scenario.steps[s], stats, result.runs);
    }
    w.end();
  }
  w.end();
}

// The members of an impact, into the object open.
void write_impact_members(JsonWriter& w, const ImpactStatistics& impact, UserCount users) {
  w.member("users", users.value).key("peak_affected");
  write_summary(w, impact.peak_affected, 1.0);
  w.key("peak_active");
  write_summary(w, impact.peak_active, 1.0);
  w.key("user_hours_lost");
  write_summary(w, impact.user_seconds_lost, kSecondsPerHour);
  w.key("cut_off_at_end");
  write_summary(w, impact.cut_off_at_end, 1.0);
  w.member("runs_ending_cut_off", impact.runs_ending_cut_off);
}

void write_service(JsonWriter& w, const Topology& topology, const MonteCarloResult& result,
                   std::size_t s) {
  const ServiceStatistics& stats = result.services[s];
  w.object()
      .member("id", topology.services()[s].id)
      .member("probability_out", share(stats.runs_out(), result.runs))
      .member("probability_down", share(stats.runs_down, result.runs))
      .member("probability_not_restored", share(stats.restored_at.never(), result.runs))
      .key("downtime_h");
  write_summary(w, stats.downtime_ms, kMsPerHour);
  w.key("restored_at_h");
  write_event_times(w, stats.restored_at, kMsPerHour);
  w.end();
}

}  // namespace

// The share of tenants' users back at each sample time, as fractions.
ordered_json tenant_curve_json(const ScenarioClock& clock, const MonteCarloResult& result) {
  ordered_json points = ordered_json::array();
  for (std::size_t i = 0; i < result.sampled_tenant_users_back.size(); ++i) {
    const Accumulator& a = result.sampled_tenant_users_back[i];
    points.push_back({{"t_s", result.sample_times[i].since_t0().in_seconds()},
                      {"time", clock.iso_text(result.sample_times[i])},
                      {"mean", a.mean() / 10'000},
                      {"p10", a.quantile(0.10) / 10'000},
                      {"p50", a.quantile(0.50) / 10'000},
                      {"p90", a.quantile(0.90) / 10'000}});
  }
  return points;
}

namespace {

// The sampled curves: active users affected, crews' busy shares, tenants' users back.
void add_curves(JsonDocument& doc, const Scenario& scenario, const MonteCarloResult& result) {
  ordered_json points = ordered_json::array();
  for (std::size_t i = 0; i < result.sample_times.size(); ++i) {
    const Accumulator& a = result.sampled_active[i];
    points.push_back({{"t_s", result.sample_times[i].since_t0().in_seconds()},
                      {"time", scenario.clock.iso_text(result.sample_times[i])},
                      {"mean", a.mean()},
                      {"p10", a.quantile(0.10)},
                      {"p50", a.quantile(0.50)},
                      {"p90", a.quantile(0.90)}});
  }
  doc.add("active_affected_over_time", std::move(points));
  ordered_json crews = ordered_json::array();
  const std::size_t n_crews = scenario.crews.size();
  for (std::size_t c = 0; c < n_crews; ++c) {
    ordered_json busy = ordered_json::array();
    for (std::size_t i = 0; i < result.sample_times.size(); ++i)
      busy.push_back(mean_busy(result, i * n_crews + c));
    crews.push_back({{"id", scenario.crews[c].id},
                     {"size", scenario.crews[c].size},
                     {"mean_busy", std::move(busy)}});
  }
  doc.add("crew_busy_over_time", std::move(crews));
  doc.add("tenant_users_back_over_time", tenant_curve_json(scenario.clock, result));
}

ordered_json resolution_json(const StepResolutionStatistics& s, std::uint64_t runs) {
  const auto seconds = [](double ms) { return ms / 1000; };
  ordered_json j = {{"step_s", s.step.in_seconds()},
                    {"latest_seen_late_s",
                     {{"mean", seconds(s.latest_ms.mean())},
                      {"max", seconds(static_cast<double>(s.latest_ms.max()))}}},
                    {"runs_with_states_unseen", s.runs_with_unseen},
                    {"runs", runs},
                    {"shortest_state_s", seconds(static_cast<double>(s.shortest_state_ms.min()))}};
  j["unseen_s_mean_of_those_runs"] = s.runs_with_unseen > 0
                                         ? ordered_json(s.mean_unseen_where_any().in_seconds())
                                         : ordered_json();
  return j;
}

}  // namespace

JsonDocument simulation_document(const Scenario& scenario, const MonteCarloResult& result) {
  const Topology& topology = *scenario.topology;
  JsonDocument doc(result_header());
  doc.add("fidelity", result.network_fidelity ? "network" : "state");
  doc.add("scenario", scenario_json(scenario));
  doc.add("runs", result.runs);
  if (result.first_run > 0)
    doc.add("first_run", result.first_run);
  doc.add("seed", result.seed);
  doc.add("reached_ci_target", result.reached_ci_target ? ordered_json(*result.reached_ci_target)
                                                        : ordered_json(nullptr));
  doc.add("interrupted", result.interrupted);
  if (result.network_baseline)
    doc.add("baseline", baseline_json(scenario, *result.network_baseline));
  if (result.network_fidelity)
    doc.add("step_resolution", resolution_json(result.step_resolution, result.runs));
  doc.add_written("overall", [&topology, &result](JsonWriter& w) {
    w.object();
    write_impact_members(w, result.overall, topology.users());
    w.end();
  });
  doc.add_list("services", result.services.size(),
               [&topology, &result](JsonWriter& w, std::size_t s) {
                 write_service(w, topology, result, s);
               });
  // The first of them, and those adding as much (found by a helper: of two
  // steps done together in every run, the first was named alone).
  const std::vector<StepId> first = steps_to_speed_up_first(result);
  doc.add("speed_up_first",
          first.empty() ? ordered_json(nullptr) : ordered_json(scenario.steps[first[0].value].id));
  ordered_json tied = ordered_json::array();
  for (std::size_t i = 1; i < first.size(); ++i)
    tied.push_back(scenario.steps[first[i].value].id);
  doc.add("speed_up_first_tied", std::move(tied));
  doc.add_written("steps",
                  [&scenario, &result](JsonWriter& w) { write_steps(w, scenario, result); });
  doc.add_list("user_groups", result.user_groups.size(),
               [&topology, &result](JsonWriter& w, std::size_t g) {
                 const UserGroup& group = topology.user_groups()[g];
                 w.object().member("id", group.id);
                 write_impact_members(w, result.user_groups[g], group.users);
                 w.end();
               });
  doc.add_written("observed",
                  [&scenario, &result](JsonWriter& w) { write_observed(w, scenario, result); });
  add_curves(doc, scenario, result);
  if (!result.slos.empty()) {
    doc.add("slos",
            budget_statistics_json(result.slos, result.slo_statistics, result.network_fidelity));
  }
  return doc;
}

ordered_json simulation_json(const Scenario& scenario, const MonteCarloResult& result) {
  return simulation_document(scenario, result).tree();
}

// User-hours lost and users cut off, with their spread.
std::string impact_lines(const MonteCarloResult& result) {
  std::string out;
  const Summary lost = result.overall.user_seconds_lost.summary();
  const Summary peak = result.overall.peak_affected.summary();
  const Summary peak_active = result.overall.peak_active.summary();
  out += fmt::format("user-hours lost     mean {}", millions(lost.mean / kSecondsPerHour));
  if (lost.ci_low) {
    out += fmt::format("  (95% CI {} .. {})", millions(*lost.ci_low / kSecondsPerHour),
                       millions(*lost.ci_high / kSecondsPerHour));
  }
  out += fmt::format("  p10 {}  p50 {}  p90 {}  p99 {}\n", millions(lost.p10 / kSecondsPerHour),
                     millions(lost.p50 / kSecondsPerHour), millions(lost.p90 / kSecondsPerHour),
                     millions(lost.p99 / kSecondsPerHour));
  out += fmt::format("peak users cut off  mean {}  p10 {}  p50 {}  p90 {}  max {}\n",
                     millions(peak.mean), millions(peak.p10), millions(peak.p50),
                     millions(peak.p90), millions(static_cast<double>(peak.max)));
  out +=
      fmt::format("  of them active    mean {}  p10 {}  p50 {}  p90 {}  max {}\n",
                  millions(peak_active.mean), millions(peak_active.p10), millions(peak_active.p50),
                  millions(peak_active.p90), millions(static_cast<double>(peak_active.max)));
  out += fmt::format("still cut off at the end  in {} of the runs, mean {} users\n\n",
                     percent(share(result.overall.runs_ending_cut_off, result.runs)),
                     millions(result.overall.cut_off_at_end.mean()));

  return out;
}

// Each service that stopped serving everyone: how often, how often and how
// long down (in major outage), when back.
std::string service_statistics_lines(const Scenario& scenario, const MonteCarloResult& result) {
  const Topology& topology = *scenario.topology;
  std::vector<std::size_t> shown;
  std::vector<TimeQuantiles> restored;
  for (std::size_t s = 0; s < result.services.size(); ++s) {
    const ServiceStatistics& stats = result.services[s];
    if (stats.runs_out() == 0)
      continue;
    shown.push_back(s);
    restored.push_back(time_quantiles(scenario.clock, stats.restored_at, "not restored"));
  }
  const std::size_t w = time_column_width(restored);
  const std::size_t id_w = id_column_width(topology.services(), 24);
  std::string out =
      fmt::format("{:<{}} {:>7} {:>7} {:>10} {:>10} {:>10} {:>9}  {:<{}} {:<{}} {}\n", "service",
                  id_w, "P(out)", "P(down)", "down mean", "down p90", "down max", "P(never)",
                  "restored p10", w, "restored p50", w, "restored p90");
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const ServiceStatistics& stats = result.services[shown[i]];
    const Summary down = stats.downtime_ms.summary();
    out += fmt::format("{:<{}} {:>7} {:>7} {:>10} {:>10} {:>10} {:>9}  {:<{}} {:<{}} {}\n",
                       topology.services()[shown[i]].id, id_w,
                       share_text(share(stats.runs_out(), result.runs)),
                       share_text(share(stats.runs_down, result.runs)), duration_text(down.mean),
                       duration_text(down.p90), duration_text(static_cast<double>(down.max)),
                       share_text(share(stats.restored_at.never(), result.runs)), restored[i][0], w,
                       restored[i][1], w, restored[i][2]);
  }
  out +=
      "(P(out): runs in which it was in partial or major outage; P(down) and down: in major "
      "outage; "
      "P(never): runs that ended with it still out; restored: over the runs it was out, "
      "\"not restored\" where the percentile falls among those that ended so)\n";

  return out;
}

// Each step: how often critical, when done, what it brought back.
std::string step_statistics_lines(const Scenario& scenario, const MonteCarloResult& result) {
  std::vector<TimeQuantiles> completed;
  for (const StepStatistics& stats : result.steps)
    completed.push_back(time_quantiles(scenario.clock, stats.completed_at, "not completed"));
  const std::size_t w = time_column_width(completed);
  const std::size_t id_w = id_column_width(scenario.steps, 28);
  std::string out = fmt::format("\n{:<{}} {:>12} {:>{}} {:>{}} {:>{}} {:>20}\n", "step", id_w,
                                "criticality", "completed p10", w, "completed p50", w,
                                "completed p90", w, "restored user-hours");
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const StepStatistics& stats = result.steps[s];
    out += fmt::format("{:<{}} {:>12} {:>{}} {:>{}} {:>{}} {:>20}\n", scenario.steps[s].id, id_w,
                       share_text(share(stats.runs_critical, result.runs)), completed[s][0], w,
                       completed[s][1], w, completed[s][2], w,
                       millions(stats.restored_user_seconds.mean() / kSecondsPerHour));
  }
  out += "(restored: mean user-hours the users a step brought back had lost until then)\n";

  return out;
}

// Each crew at its busiest on average.
std::string crew_peak_lines(const Scenario& scenario, const MonteCarloResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  const std::size_t n_crews = scenario.crews.size();
  if (n_crews > 0 && !result.sample_times.empty()) {
    const std::size_t id_w = id_column_width(scenario.crews, 28);
    out += fmt::format("\n{:<{}} {:>5} {:>18}  {}\n", "crew", id_w, "size", "peak mean busy", "at");
    for (std::size_t c = 0; c < n_crews; ++c) {
      std::size_t peak = 0;
      for (std::size_t i = 0; i < result.sample_times.size(); ++i) {
        if (mean_busy(result, i * n_crews + c) > mean_busy(result, peak * n_crews + c))
          peak = i;
      }
      out += fmt::format("{:<{}} {:>5} {:>18.2f}  {}\n", scenario.crews[c].id, id_w,
                         scenario.crews[c].size, mean_busy(result, peak * n_crews + c),
                         clock.local_text(result.sample_times[peak]));
    }
  }

  return out;
}

// The steps that gave up in some runs.
std::string gave_up_lines(const Scenario& scenario, const MonteCarloResult& result) {
  std::string out;
  bool any_failed = false;
  const std::size_t id_w = id_column_width(scenario.steps, 28);
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const StepStatistics& stats = result.steps[s];
    if (stats.runs_failed == 0)
      continue;
    if (!any_failed)
      out += "\nsteps that gave up after their last retry:\n";
    any_failed = true;
    out += fmt::format("  {:<{}} in {} of runs\n", scenario.steps[s].id, id_w,
                       percent(share(stats.runs_failed, result.runs), 1));
  }

  return out;
}

// The steps that list methods: how often each completed the step.
std::string method_lines(const Scenario& scenario, const MonteCarloResult& result) {
  std::string out;
  const std::size_t id_w = id_column_width(scenario.steps, 28);
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const Step& step = scenario.steps[s];
    if (step.methods.front().name.empty())
      continue;
    if (out.empty())
      out += "\nsteps completed by each of their methods:\n";
    std::string shares;
    for (std::size_t m = 0; m < step.methods.size(); ++m) {
      shares += fmt::format("{}{} {}", m == 0 ? "" : ", ", step.methods[m].name,
                            percent(share(result.steps[s].runs_completed_by[m], result.runs), 1));
    }
    out += fmt::format("  {:<{}} {} of runs\n", step.id, id_w, shares);
  }
  return out;
}

// How far from each milestone the runs landed: the simulated event less
// the observed time.
std::string milestone_difference_lines(const Scenario& scenario, const MonteCarloResult& result) {
  const auto text = [](const std::optional<Duration>& d) {
    return d ? signed_duration(*d) : std::string("never");
  };
  const std::size_t id_w = id_column_width(scenario.observed, 28);
  std::string out = fmt::format("\n{:<{}} {:>12} {:>12} {:>12} {:>12}\n", "simulated - observed",
                                id_w, "p10", "p50", "p90", "mean");
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    out += fmt::format(
        "{:<{}} {:>12} {:>12} {:>12} {:>12}\n", scenario.observed[m].id, id_w,
        text(milestone_difference(result, m, 0.1)), text(milestone_difference(result, m, 0.5)),
        text(milestone_difference(result, m, 0.9)), text(mean_milestone_difference(result, m)));
  }
  return out;
}

// The observed milestones against the runs.
std::string milestone_lines(const Scenario& scenario, const MonteCarloResult& result) {
  if (scenario.observed.empty())
    return {};
  const ScenarioClock& clock = scenario.clock;
  std::vector<std::string> observed;
  for (const Milestone& milestone : scenario.observed)
    observed.push_back(milestone_when(clock, milestone));
  std::vector<TimeQuantiles> simulated;
  for (const EventTimes& times : result.milestone_times)
    simulated.push_back(time_quantiles(clock, times, "never"));
  const std::size_t observed_w = column_width(observed, 32);
  const std::size_t w = time_column_width(simulated);
  const std::size_t id_w = id_column_width(scenario.observed, 28);
  std::string out = fmt::format(
      "\n{:<{}} {:<{}} {:>7} {:>9}  {:<{}} {:<{}} {}\n", "observed milestone", id_w, "observed",
      observed_w, "P(met)", "P(never)", "simulated p10", w, "simulated p50", w, "simulated p90");
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    const EventTimes& times = result.milestone_times[m];
    out += fmt::format("{:<{}} {:<{}} {:>7} {:>9}  {:<{}} {:<{}} {}\n", scenario.observed[m].id,
                       id_w, observed[m], observed_w,
                       share_text(share(result.milestones_met[m], result.runs)),
                       share_text(share(times.never(), times.runs())), simulated[m][0], w,
                       simulated[m][1], w, simulated[m][2]);
  }
  return out + milestone_difference_lines(scenario, result);
}

// At most 25 lines: every k-th sample time.
std::string tenant_curve_lines(const Scenario& scenario, const MonteCarloResult& result) {
  const auto& back = result.sampled_tenant_users_back;
  if (back.empty())
    return {};
  const std::size_t every = (back.size() + 24) / 25;
  std::vector<std::size_t> shown;
  std::vector<std::string> times;
  for (std::size_t i = 0; i < back.size(); i += every) {
    shown.push_back(i);
    times.push_back(scenario.clock.local_text(result.sample_times[i]));
  }
  const std::size_t w = time_column_width(times);
  std::string out = fmt::format(
      "\ntenants' users back (of the most out at once in each run, from then on){}\n{:<{}} {:>6} "
      "{:>6} {:>6}\n",
      every > 1 ? fmt::format(", every {} samples (all in JSON)", every) : "", "at", w, "p10",
      "p50", "p90");
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const Accumulator& at = back[shown[k]];
    out +=
        fmt::format("{:<{}} {:>6} {:>6} {:>6}\n", times[k], w, percent(at.quantile(0.10) / 10'000),
                    percent(at.quantile(0.50) / 10'000), percent(at.quantile(0.90) / 10'000));
  }
  return out;
}

namespace {

// What the network runs' steps saw late or not at all, before the figures.
std::string resolution_lines(const MonteCarloResult& result) {
  std::string out;
  if (const auto unseen = unseen_text(result.step_resolution, result.runs))
    out += "WARNING: " + *unseen + "\n";
  if (const auto late = seen_late_text(result.step_resolution))
    out += "Note: " + *late + "\n";
  return out.empty() ? out : out + "\n";
}

}  // namespace

std::string simulation_text(const Scenario& scenario, const MonteCarloResult& result) {
  std::string out;
  out += fmt::format("{}: {}{}, seed {}", scenario_title(scenario),
                     runs_text(result.runs, result.first_run, false),
                     result.network_fidelity ? " at network fidelity" : "", result.seed);
  if (result.reached_ci_target) {
    out += *result.reached_ci_target ? " (confidence target reached)"
                                     : " (confidence target NOT reached within the run cap)";
  }
  if (result.interrupted)
    out += fmt::format(" (INTERRUPTED after {} runs: the figures are of those runs)", result.runs);
  out += "\n\n";
  if (result.network_fidelity)
    out += resolution_lines(result);

  out += impact_lines(result);
  out += service_statistics_lines(scenario, result);
  out += step_statistics_lines(scenario, result);
  out += crew_peak_lines(scenario, result);
  out += gave_up_lines(scenario, result);
  out += method_lines(scenario, result);
  out += milestone_lines(scenario, result);
  out += tenant_curve_lines(scenario, result);
  out += budget_statistics_text(result.slos, result.slo_statistics, result.network_fidelity,
                                result.runs, "Error budgets");
  return out;
}

namespace {

// A run's figures as its JSON Lines row gives them, after `head` (its run
// and seed, and in a comparison its variant).
ordered_json run_row_json(const Scenario& scenario, const RunRecord& r, ordered_json head) {
  const auto hours = [](const std::optional<SimTime>& t) {
    return t ? ordered_json(t->since_t0().in_hours()) : ordered_json(nullptr);
  };
  ordered_json milestones = ordered_json::array();
  for (std::size_t m = 0; m < r.milestone_times.size(); ++m) {
    milestones.push_back({{"id", scenario.observed[m].id},
                          {"simulated_h", hours(r.milestone_times[m])},
                          {"met", static_cast<bool>(r.milestones_met[m])}});
  }
  head.update(ordered_json{{"user_hours_lost", r.lost.in_user_hours()},
                           {"peak_affected", r.peak_affected.value},
                           {"peak_active", r.peak_active.value},
                           {"cut_off_at_end", r.cut_off_at_end.value},
                           {"all_restored_h", hours(r.all_restored)},
                           {"end_h", hours(r.end)},
                           {"milestones", std::move(milestones)}});
  return head;
}

}  // namespace

std::string run_row_json_line(const Scenario& scenario, const RunRecord& r, std::uint64_t seed) {
  return run_row_json(scenario, r, {{"run", r.run}, {"seed", seed}}).dump() + "\n";
}

std::string compare_rows_json_lines(std::span<const Variant> variants, const ComparedRun& run,
                                    std::uint64_t seed) {
  std::string out;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    out += run_row_json(*variants[v].scenario, run.variants[v],
                        {{"run", run.run}, {"seed", seed}, {"variant", variants[v].name}})
               .dump() +
           "\n";
  }
  return out;
}

}  // namespace faultline::reports
