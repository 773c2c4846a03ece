#include "faultline/reports/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "faultline/overloaded.hpp"
#include "format.hpp"

namespace faultline::reports {

namespace {

// A cell of text from the input: quoted when it holds a separator, a quote
// or a line break; prefixed with ' when it starts like a formula, so a
// spreadsheet shows it instead of evaluating it.
std::string text_cell(std::string_view text) {
  std::string value(text);
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
    value.insert(value.begin(), '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos)
    return value;
  std::string quoted = "\"";
  for (const char c : value) {
    quoted += c;
    if (c == '"')
      quoted += '"';
  }
  return quoted + "\"";
}

std::string subject_id(const Scenario& scenario, const TimelineEntry& e) {
  const Topology& topology = *scenario.topology;
  return std::visit(Overloaded{[](std::monostate) { return std::string(); },
                               [&](FaultId f) { return scenario.faults[f.value].id; },
                               [&](StepId s) { return scenario.steps[s.value].id; },
                               [&](ServiceId s) { return topology.services()[s.value].id; },
                               [&](DeploymentId d) { return topology.deployments()[d.value].id; },
                               [&](CrewId c) { return scenario.crews[c.value].id; }},
                    e.subject);
}

// Seconds since T0 without a trailing ".000" for whole seconds.
std::string seconds_cell(SimTime t) {
  return t.ms % 1000 == 0 ? std::to_string(t.ms / 1000) : fmt::format("{:.3f}", t.ms / 1000.0);
}

}  // namespace

std::string replay_timeline_csv(const Scenario& scenario, const RunResult& result) {
  std::string out =
      "time,t_seconds,kind,subject,description,users_cut_off,active_users_cut_off\r\n";
  UserCount affected;
  UserCount active;
  for (const TimelineEntry& e : result.timeline) {
    if (e.kind == TimelineKind::users) {
      affected = e.affected;
      active = e.active;
    }
    out += fmt::format("{},{},{},{},{},{},{}\r\n", scenario.clock.iso_text(e.at),
                       seconds_cell(e.at), kind_name(e.kind), text_cell(subject_id(scenario, e)),
                       text_cell(entry_description(scenario, e)), affected.value, active.value);
  }
  return out;
}

std::string simulation_timeline_csv(const Scenario& scenario, const MonteCarloResult& result) {
  std::string out =
      "time,t_seconds,active_cut_off_mean,active_cut_off_p10,"
      "active_cut_off_p50,active_cut_off_p90";
  for (const Crew& crew : scenario.crews)
    out += "," + text_cell("busy_mean:" + crew.id);
  out += "\r\n";
  const std::size_t n_crews = scenario.crews.size();
  for (std::size_t i = 0; i < result.sample_times.size(); ++i) {
    const Accumulator& a = result.sampled_active[i];
    out += fmt::format("{},{},{:.1f},{:.0f},{:.0f},{:.0f}",
                       scenario.clock.iso_text(result.sample_times[i]),
                       seconds_cell(result.sample_times[i]), a.mean(), a.quantile(0.1),
                       a.quantile(0.5), a.quantile(0.9));
    for (std::size_t c = 0; c < n_crews; ++c)
      out += fmt::format(",{:.3f}", mean_busy(result, i * n_crews + c));
    out += "\r\n";
  }
  return out;
}

std::string compare_timeline_csv(const Comparison& c) {
  std::string out = "variant,t_seconds,active_cut_off_mean\r\n";
  for (std::size_t v = 0; v < c.names.size(); ++v) {
    for (std::size_t i = 0; i < c.sample_times[v].size(); ++i) {
      out += fmt::format(
          "{},{},{:.1f}\r\n", text_cell(c.names[v]), seconds_cell(c.sample_times[v][i]),
          static_cast<double>(c.sampled_active_sum[v][i]) / static_cast<double>(c.runs));
    }
  }
  return out;
}

namespace {

std::string hours_cell(const std::optional<SimTime>& t) {
  return t ? fmt::format("{}", t->since_t0().in_hours()) : std::string();
}

}  // namespace

namespace {

// The figures of a run after its run and seed columns (see
// run_rows_csv_header); the milestones' only when asked for.
std::string figures_header(const Scenario* milestones_of) {
  std::string out = "user_hours_lost,peak_affected,peak_active,cut_off_at_end,all_restored_h,end_h";
  if (milestones_of) {
    for (const Milestone& m : milestones_of->observed)
      out += "," + text_cell(m.id + "_at_h") + "," + text_cell(m.id + "_met");
  }
  return out;
}

std::string figure_cells(const RunRecord& r, bool milestones) {
  std::string out = fmt::format("{},{},{},{},{},{}", r.lost.in_user_hours(), r.peak_affected.value,
                                r.peak_active.value, r.cut_off_at_end.value,
                                hours_cell(r.all_restored), hours_cell(r.end));
  for (std::size_t m = 0; milestones && m < r.milestone_times.size(); ++m)
    out += "," + hours_cell(r.milestone_times[m]) + (r.milestones_met[m] ? ",1" : ",0");
  return out;
}

}  // namespace

std::string run_rows_csv_header(const Scenario& scenario) {
  return "run,seed," + figures_header(&scenario) + "\r\n";
}

std::string run_row_csv(const RunRecord& r, std::uint64_t seed) {
  return fmt::format("{},{},", r.run, seed) + figure_cells(r, true) + "\r\n";
}

// Whether every variant observes the same milestones, in the same order:
// only then can one header name their columns.
bool rows_have_milestones(std::span<const Variant> variants) {
  const auto ids = [](const Scenario& s) {
    std::vector<std::string> out;
    for (const Milestone& m : s.observed)
      out.push_back(m.id);
    return out;
  };
  return std::ranges::all_of(variants, [&](const Variant& v) {
    return ids(*v.scenario) == ids(*variants.front().scenario);
  });
}

std::string compare_rows_csv_header(std::span<const Variant> variants) {
  return "run,seed,variant," +
         figures_header(rows_have_milestones(variants) ? variants.front().scenario.get()
                                                       : nullptr) +
         "\r\n";
}

std::string compare_rows_csv(std::span<const Variant> variants, const ComparedRun& run,
                             std::uint64_t seed, bool milestones) {
  std::string out;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    out += fmt::format("{},{},{},", run.run, seed, text_cell(variants[v].name)) +
           figure_cells(run.variants[v], milestones) + "\r\n";
  }
  return out;
}

}  // namespace faultline::reports
