#include "faultline/reports/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "faultline/strategy.hpp"
#include "format.hpp"
#include "html/charts.hpp"
#include "html/svg.hpp"

namespace faultline::reports {

namespace {

using html::escape;

// Colours follow the usual status-page scheme; series colours are the
// Okabe-Ito palette, told apart with colour-blindness too. Print keeps them.
constexpr std::string_view kStyle = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232a;
  margin: 0 auto; padding: 24px 32px 48px; max-width: 1280px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 1px solid #d5dbe1; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 2px; }
p.lead { color: #4a5560; margin: 0 0 12px; }
div.warning { border: 2px solid #d33a2c; background: #fdf0ef; padding: 8px 16px; margin: 12px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.facts dt { color: #4a5560; }
dl.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; }
.card { border: 1px solid #d5dbe1; border-radius: 6px; padding: 10px 14px; break-inside: avoid; }
.card .label { color: #4a5560; font-size: 13px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .detail { color: #4a5560; font-size: 13px; }
figure.chart { margin: 20px 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption p { margin: 0 0 6px; color: #4a5560; font-size: 13px; }
figure.chart svg { display: block; width: 100%; height: auto; }
.small-multiples { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px 16px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e6eaee; vertical-align: top; }
th { background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 40px; color: #6a7580; font-size: 12px; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1d232a; }
svg .tick { font-size: 12px; fill: #4a5560; }
svg .axis-label, svg .note { font-size: 12px; fill: #4a5560; }
svg .legend, svg .row-label { font-size: 13px; }
svg .lane-label, svg .small-title { font-size: 13px; font-weight: 600; }
svg .grid { stroke: #e6eaee; stroke-width: 1; }
svg .axis { stroke: #7a8590; stroke-width: 1; }
svg .zero { stroke: #1d232a; stroke-width: 1.5; }
svg .marker { stroke: #1d232a; stroke-dasharray: 4 3; }
svg .lane { fill: #f3f5f7; }
svg .line { fill: none; stroke-width: 2.2; }
svg .band, svg .swatch.band { fill: #0072b2; fill-opacity: 0.18; stroke: none; }
svg .series-0 { stroke: #0072b2; } svg .swatch.series-0 { fill: #0072b2; }
svg .series-1 { stroke: #d55e00; } svg .swatch.series-1 { fill: #d55e00; }
svg .series-2 { stroke: #009e73; } svg .swatch.series-2 { fill: #009e73; }
svg .series-3 { stroke: #cc79a7; } svg .swatch.series-3 { fill: #cc79a7; }
svg .series-4 { stroke: #e69f00; } svg .swatch.series-4 { fill: #e69f00; }
svg .series-5 { stroke: #56b4e9; } svg .swatch.series-5 { fill: #56b4e9; }
svg .series-6 { stroke: #000000; } svg .swatch.series-6 { fill: #000000; }
svg .series-7 { stroke: #999999; } svg .swatch.series-7 { fill: #999999; }
svg .state-operational { fill: #2e9e5b; }
svg .state-degraded_performance { fill: #f2c12e; }
svg .state-partial_outage { fill: #f08a24; }
svg .state-major_outage { fill: #d33a2c; }
svg .outcome-done { fill: #0072b2; }
svg .outcome-failed { fill: #d33a2c; }
svg .outcome-rolled_back { fill: #cc79a7; }
svg .outcome-unfinished { fill: #9aa5b1; }
svg .outcome-skipped { fill: #e69f00; }
svg .gate { fill: #ffffff; stroke: #0072b2; stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .wait-off-shift, svg .swatch.wait-off-shift { fill: #9aa5b1; fill-opacity: 0.45; stroke: none; }
svg .wait-crew-busy, svg .swatch.wait-crew-busy { fill: #ffffff; stroke: #9aa5b1; stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .wait-requires, svg .swatch.wait-requires { fill: #56b4e9; fill-opacity: 0.35; stroke: none; }
svg .wait-not-before, svg .swatch.wait-not-before { fill: #e69f00; fill-opacity: 0.3; stroke: none; }
svg .retry-wait, svg .swatch.retry-wait { fill: #ffffff; stroke: #d33a2c; stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .attempt-failed, svg .swatch.attempt-failed { fill: #d33a2c; }
svg .critical, svg .swatch.critical { stroke: #1d232a; stroke-width: 2.5; }
svg .swatch.critical { fill: #ffffff; }
svg .critical-link { fill: none; stroke: #1d232a; stroke-width: 1.2; stroke-dasharray: 2 2; }
svg .observed { fill: #1d232a; }
svg .simulated { fill: #d55e00; }
svg .range { fill: #d55e00; fill-opacity: 0.35; }
svg .gap { stroke: #9aa5b1; stroke-width: 2; }
svg .hist { fill: #0072b2; }
svg .neutral { fill: #0072b2; }
svg .significant { fill: #d55e00; }
svg .not-significant { fill: #9aa5b1; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  .small-multiples { grid-template-columns: repeat(2, 1fr); }
}
)";

std::string page(std::string_view title, std::string_view body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // Nothing may be fetched or run, whatever the page contains.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}"
      "<footer>Written by faultline. Times are in the scenario's time zone.</footer>\n"
      "</body>\n</html>\n",
      escape(title), kStyle, body);
}

std::string card(std::string_view label, std::string_view value, std::string_view detail) {
  return fmt::format(
      "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>"
      "<div class=\"detail\">{}</div></div>\n",
      escape(label), escape(value), escape(detail));
}

struct Column {
  std::string heading;
  bool numeric = false;
};

std::string table(const std::vector<Column>& columns,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table>\n<thead><tr>";
  for (const Column& c : columns)
    out += fmt::format("<th{}>{}</th>", c.numeric ? " class=\"num\"" : "", escape(c.heading));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i)
      out +=
          fmt::format("<td{}>{}</td>", columns[i].numeric ? " class=\"num\"" : "", escape(row[i]));
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

// Error budgets with what their events are, when there are any.
std::string budgets_section(const BudgetTable& t, std::string_view title = "Error budgets") {
  if (t.rows.empty())
    return "";
  std::vector<Column> columns;
  for (const std::string& c : t.columns)
    columns.push_back({c.starts_with('>') ? c.substr(1) : c, c.starts_with('>')});
  return fmt::format("<h2>{}</h2>\n<p>{}</p>\n", escape(title), escape(t.note)) +
         table(columns, t.rows);
}

std::string scenario_header(const Scenario& scenario, std::string_view kind) {
  const Topology& topology = *scenario.topology;
  std::string out = fmt::format("<h1>{}</h1>\n", escape(scenario_title(scenario)));
  out += fmt::format("<p class=\"lead\">{}{}</p>\n", escape(kind),
                     scenario.description.empty() ? "" : ": " + escape(scenario.description));
  out += "<dl class=\"facts\">\n";
  out += fmt::format("<dt>Scenario</dt><dd>{}</dd>\n", escape(scenario.file));
  out += fmt::format("<dt>Topology</dt><dd>{}</dd>\n",
                     escape(topology.name().empty() ? topology.file() : topology.name()));
  out += fmt::format("<dt>T0</dt><dd>{} ({})</dd>\n", escape(scenario.clock.local_text(SimTime{})),
                     escape(scenario.clock.zone_name()));
  out += fmt::format("<dt>Strategy</dt><dd>{}</dd>\n", escape(to_string(strategy_asked(scenario))));
  return out + "</dl>\n";
}

std::vector<html::Series> crew_series(const Scenario& scenario, const RunResult& result) {
  std::vector<html::Series> series;
  for (const Crew& crew : scenario.crews)
    series.push_back({fmt::format("{} (of {})", crew.id, crew.size), {{SimTime{}, 0}}});
  for (const TimelineEntry& e : result.timeline) {
    if (e.kind == TimelineKind::crew)
      series[e.crew().value].points.push_back({e.at, static_cast<double>(e.busy)});
  }
  return series;
}

// Series past this many share colours: the charts of requests show the user
// groups that fared worst.
constexpr std::size_t kMostGroupsShown = 7;

// The user groups to show, worst first by `badness`; all when few enough.
std::vector<std::size_t> worst_groups(std::size_t groups,
                                      const std::function<double(std::size_t)>& badness) {
  std::vector<std::size_t> order(groups);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return badness(a) > badness(b); });
  order.resize(std::min(groups, kMostGroupsShown));
  return order;
}

// What the steps saw late or not at all, before the requests' figures.
std::string resolution_notes(const ScenarioClock& clock, const StepResolution& r) {
  std::string out;
  if (r.unseen > 0) {
    out += "<div class=\"warning\" role=\"alert\"><p>" + escape(unseen_text(clock, r)) +
           ".</p></div>\n";
  }
  if (r.changes_late > 0)
    out += "<p>" + escape(seen_late_text(r)) + ".</p>\n";
  return out;
}

// Each user group's requests over the windows: the share served, and the
// p99 latency against the timeout.
std::string requests_section(const Scenario& scenario, const NetworkRunResult& result) {
  const Topology& topology = *scenario.topology;
  const RequestMetrics& m = result.requests;
  const Duration timeout = topology.network().request.timeout;
  const Duration abandoned = m.step * 2 + timeout;
  const std::size_t groups = m.groups.size();
  const std::string which =
      groups > kMostGroupsShown
          ? fmt::format(" The {} of {} user groups that fared worst.", kMostGroupsShown, groups)
          : "";
  const auto p99 = [&](const RequestWindow& w) { return w.p99.value_or(abandoned).in_seconds(); };

  html::TimeSeriesChart success;
  success.id = "request-success";
  success.title = "Requests served";
  success.caption = fmt::format(
      "Share of each user group's requests answered within the timeout ({}), retries included, "
      "per window of {}.{}",
      human_duration(timeout), human_duration(m.window), which);
  success.y_label = "% served";
  success.to = result.run.end;
  for (const std::size_t g : worst_groups(groups, [&](std::size_t g) {
         double served = 0;
         double requests = 0;
         for (const RequestWindow& w : m.groups[g]) {
           served += w.served;
           requests += w.requests;
         }
         return requests > 0 ? 1 - served / requests : 0.0;
       })) {
    html::Series series{topology.user_groups()[g].id, {}};
    for (const RequestWindow& w : m.groups[g])
      series.points.push_back({w.from, 100 * w.success_rate()});
    success.series.push_back(std::move(series));
  }

  html::TimeSeriesChart latency;
  latency.id = "request-latency";
  latency.title = "Latency p99";
  latency.caption = fmt::format(
      "The 99th percentile of each user group's response times per window, answers after the "
      "timeout included; a window whose requests were all abandoned shows when they were ({}). "
      "The timeout is drawn as a level of its own.{}",
      human_duration(abandoned), which);
  latency.y_label = "seconds";
  latency.to = result.run.end;
  for (const std::size_t g : worst_groups(groups, [&](std::size_t g) {
         double worst = 0;
         for (const RequestWindow& w : m.groups[g])
           worst = std::max(worst, p99(w));
         return worst;
       })) {
    html::Series series{topology.user_groups()[g].id, {}};
    for (const RequestWindow& w : m.groups[g])
      series.points.push_back({w.from, p99(w)});
    latency.series.push_back(std::move(series));
  }
  latency.series.push_back(
      {"timeout", {{SimTime{}, timeout.in_seconds()}, {result.run.end, timeout.in_seconds()}}});
  const ScenarioClock& clock = scenario.clock;
  return "<h2>Requests</h2>\n" + resolution_notes(clock, result.resolution) +
         html::time_series_figure(clock, success) + html::time_series_figure(clock, latency);
}

// The key figures, as cards.
std::string replay_cards(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string body;
  const std::optional<SimTime>& restored = result.services_restored;
  body += "<div class=\"cards\">\n";
  body += card("Users cut off at worst", thousands(result.overall.peak_affected.value),
               "registered users, at " + clock.local_text(result.overall.peak_at));
  body += card("Active users cut off at worst", thousands(result.overall.peak_active.value),
               result.overall.peak_active.value > 0
                   ? "at " + clock.local_text(result.overall.peak_active_at)
                   : "none");
  body +=
      card("User-hours lost", user_hours(result.overall.lost), "active users cut off, over time");
  body +=
      card("Every service back", restored ? human_duration(restored->since_t0()) : "not by the end",
           restored ? "at " + clock.local_text(*restored)
                    : "the run ended at " + clock.local_text(result.end));
  // Tenants out on a per-tenant service do not show in the services' states.
  if (const TenantsPeak& tenants = result.tenants_peak; tenants.tenants > 0) {
    const auto& back = tenants.all_back;
    body += card("Every tenant back", back ? human_duration(back->since_t0()) : "not by the end",
                 fmt::format("{} out at worst; {}", thousands(tenants.tenants),
                             back ? "the last at " + clock.local_text(*back)
                                  : "the run ended at " + clock.local_text(result.end)));
  }
  if (result.overall.cut_off_at_end.value > 0) {
    body += card("Still cut off at the end", thousands(result.overall.cut_off_at_end.value),
                 "registered users when the run ended; their loss goes on past it");
  }
  body += "</div>\n";

  return body;
}

// Users cut off over time, the status strips, the runbook and its crews.
std::string replay_charts(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string body;
  html::TimeSeriesChart users;
  users.id = "affected-users";
  users.title = "Users cut off";
  users.caption =
      "Registered users of the groups that lost a service they use, and those of them active at "
      "the time (by each group's activity curve): the users who noticed.";
  users.y_label = "users";
  users.to = result.end;
  users.series = {{"registered users cut off", {{SimTime{}, 0}}},
                  {"active users cut off", {{SimTime{}, 0}}}};
  for (const TimelineEntry& e : result.timeline) {
    if (e.kind != TimelineKind::users)
      continue;
    users.series[0].points.push_back({e.at, static_cast<double>(e.affected.value)});
    users.series[1].points.push_back({e.at, static_cast<double>(e.active.value)});
  }
  body += "<h2>Impact</h2>\n" + html::time_series_figure(clock, users);
  body += html::status_strips_figure(scenario, result);
  if (!scenario.steps.empty())
    body += "<h2>Recovery</h2>\n" + html::gantt_figure(scenario, result);
  if (!scenario.crews.empty()) {
    html::TimeSeriesChart crews;
    crews.id = "crew-busy";
    crews.title = "Crews at work";
    crews.caption = "Members of each crew busy on a step (of the crew's size).";
    crews.y_label = "busy members";
    crews.to = result.end;
    crews.series = crew_series(scenario, result);
    body += html::time_series_figure(clock, crews);
  }
  return body;
}

// The runbook, services and user groups as tables.
std::string replay_tables(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  const ScenarioClock& clock = scenario.clock;
  std::string body;
  body += "<h2>Tables</h2>\n<h3>Runbook</h3>\n";
  std::vector<std::vector<std::string>> rows;
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    const Step& step = scenario.steps[s];
    const StepOutcome& o = result.steps[s];
    rows.push_back(
        {step.id, step.description, step.crew ? scenario.crews[step.crew->value].id : "-",
         time_or_dash(clock, o.started), time_or_dash(clock, o.completed),
         std::string(outcome_name(o)), std::to_string(o.attempts), user_hours(o.restored_loss)});
  }
  // The rest of the loss, so that the column adds up to what was lost.
  if (result.restored_loss_otherwise.user_ms > 0) {
    rows.push_back({"-", std::string(kRestoredOtherwise), "-", "-", "-", "-", "-",
                    user_hours(result.restored_loss_otherwise)});
  }
  if (const UserTime unrestored = loss_still_cut_off(result); unrestored.user_ms > 0)
    rows.push_back(
        {"-", std::string(kStillCutOff), "-", "-", "-", "-", "-", user_hours(unrestored)});
  body += table({{"step"},
                 {"what"},
                 {"crew"},
                 {"started"},
                 {"completed"},
                 {"outcome"},
                 {"attempts", true},
                 {"restored user-hours", true}},
                rows);
  body += "<h3>Services</h3>\n";
  rows.clear();
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    const ServiceOutcome& o = result.services[s];
    rows.push_back({topology.services()[s].id, human_duration(o.down), human_duration(o.partial),
                    human_duration(o.degraded), time_or_dash(clock, o.restored_at),
                    std::string(to_string(o.final_state))});
  }
  body += table({{"service"},
                 {"down", true},
                 {"partial", true},
                 {"degraded", true},
                 {"restored at"},
                 {"final state"}},
                rows);
  body += "<h3>User groups</h3>\n";
  rows.clear();
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroup& group = topology.user_groups()[g];
    const UserImpact& impact = result.user_groups[g];
    rows.push_back({group.id, thousands(group.users.value), thousands(impact.peak_affected.value),
                    thousands(impact.peak_active.value), user_hours(impact.lost)});
  }
  body += table({{"group"},
                 {"users", true},
                 {"peak cut off", true},
                 {"peak active cut off", true},
                 {"user-hours lost", true}},
                rows);
  return body;
}

std::string replay_page(const Scenario& scenario, const RunResult& result, std::string_view kind,
                        std::string_view requests, const RunBudgets* budgets,
                        std::string_view baseline = "") {
  std::string body = scenario_header(scenario, kind);
  body += baseline;
  body += replay_cards(scenario, result);
  body += replay_charts(scenario, result);
  body += requests;
  if (!scenario.observed.empty())
    body += "<h2>Against the record</h2>\n" + html::replay_milestones_figure(scenario, result);
  if (budgets)
    body += budgets_section(budgets_table(*budgets));
  body += replay_tables(scenario, result);
  return page(scenario_title(scenario), body);
}

}  // namespace

std::string replay_html(const Scenario& scenario, const RunResult& result,
                        const RunBudgets* budgets) {
  return replay_page(scenario, result, "Replay with nominal durations", "", budgets);
}

namespace {

// A platform that cannot carry its load with nothing failed, said before
// any figure.
std::string baseline_box(const Scenario& scenario, const NetworkBaseline& baseline) {
  if (baseline.healthy())
    return "";
  std::string out = "<div class=\"warning\" role=\"alert\">\n";
  out += "<p><strong>" + escape(baseline_headline(scenario, baseline)) + ".</strong></p>\n<ul>\n";
  for (const BottleneckGroup& group : bottleneck_groups(baseline)) {
    out +=
        "<li>" +
        escape(group.resource
                   ? "Bottleneck: " + bottleneck_text(scenario, baseline.loads[*group.resource])
                   : std::string("No resource on their way was asked for more than it carries")) +
        "\n<ul>\n";
    for (const BaselineShortfall* s : group.services)
      out += "<li>" + escape(shortfall_text(scenario, *s)) + "</li>\n";
    out += "</ul></li>\n";
  }
  return out + "</ul>\n</div>\n";
}

}  // namespace

std::string network_html(const Scenario& scenario, const NetworkRunResult& result,
                         const RunBudgets* budgets) {
  return replay_page(scenario, result.run, "Replay with nominal durations at network fidelity",
                     requests_section(scenario, result), budgets,
                     baseline_box(scenario, result.baseline));
}

// The key figures with their spread, as cards.
std::string simulation_cards(const MonteCarloResult& result) {
  std::string body;
  const Summary lost = result.overall.user_seconds_lost.summary();
  const Summary peak_active = result.overall.peak_active.summary();
  const Summary peak = result.overall.peak_affected.summary();
  body += "<div class=\"cards\">\n";
  body += card(
      "User-hours lost, mean", millions(lost.mean / kSecondsPerHour),
      lost.ci_low ? fmt::format("95% CI {} .. {}; p90 {}", millions(*lost.ci_low / kSecondsPerHour),
                                millions(*lost.ci_high / kSecondsPerHour),
                                millions(lost.p90 / kSecondsPerHour))
                  : "one run: no interval");
  body += card("Active users cut off at worst, mean", millions(peak_active.mean),
               fmt::format("p50 {}; p90 {}", millions(peak_active.p50), millions(peak_active.p90)));
  body += card("Users cut off at worst, mean", millions(peak.mean),
               fmt::format("max {}", millions(static_cast<double>(peak.max))));
  std::uint64_t not_restored = 0;
  for (const ServiceStatistics& s : result.services)
    not_restored = std::max(not_restored, s.restored_at.never());
  body += card("Runs ending with a service still out", percent(share(not_restored, result.runs)),
               "of the runs, for the service most often left out");
  body += "</div>\n";

  return body;
}

// Where faults take tenants out: the share of their users back over time.
std::string tenant_curve_figure(const ScenarioClock& clock, const MonteCarloResult& result) {
  html::TimeSeriesChart back;
  back.id = "tenant-users-back";
  back.title = "Tenants' users back";
  back.caption =
      "Of the most users of tenants out at once in each run, the percentage back at each "
      "sampled time: the runs' median, and the band in which 80% of the runs lay (10th to 90th "
      "percentile).";
  back.y_label = "% of their users back";
  back.to = result.sample_times.back();
  back.steps = false;
  back.series = {{"median", {}}};
  back.band = html::Band{"p10 to p90", {}, {}};
  for (std::size_t i = 0; i < result.sample_times.size(); ++i) {
    const SimTime t = result.sample_times[i];
    const Accumulator& a = result.sampled_tenant_users_back[i];
    back.series[0].points.push_back({t, a.quantile(0.5) / 100});
    back.band->low.push_back({t, a.quantile(0.1) / 100});
    back.band->high.push_back({t, a.quantile(0.9) / 100});
  }
  return html::time_series_figure(clock, back);
}

// Active users cut off over the runs, downtime, crews and milestones.
std::string simulation_charts(const Scenario& scenario, const MonteCarloResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string body;
  if (!result.sample_times.empty()) {
    html::TimeSeriesChart active;
    active.id = "affected-users";
    active.title = "Active users cut off";
    active.caption =
        "The runs' mean and median of active users cut off at each sampled time, and the band in "
        "which 80% of the runs lay (10th to 90th percentile).";
    active.y_label = "active users cut off";
    active.to = result.sample_times.back();
    active.steps = false;
    active.series = {{"mean", {}}, {"median", {}}};
    active.band = html::Band{"p10 to p90", {}, {}};
    for (std::size_t i = 0; i < result.sample_times.size(); ++i) {
      const SimTime t = result.sample_times[i];
      const Accumulator& a = result.sampled_active[i];
      active.series[0].points.push_back({t, a.mean()});
      active.series[1].points.push_back({t, a.quantile(0.5)});
      active.band->low.push_back({t, a.quantile(0.1)});
      active.band->high.push_back({t, a.quantile(0.9)});
    }
    body += "<h2>Impact</h2>\n" + html::time_series_figure(clock, active);
    if (!result.sampled_tenant_users_back.empty())
      body += tenant_curve_figure(clock, result);
  }
  body += "<h2>Services</h2>\n" + html::downtime_histograms_figure(scenario, result);
  if (!scenario.crews.empty() && !result.sample_times.empty()) {
    html::TimeSeriesChart crews;
    crews.id = "crew-busy";
    crews.title = "Crews at work";
    crews.caption = "Mean members of each crew busy on a step, over the runs.";
    crews.y_label = "mean busy members";
    crews.to = result.sample_times.back();
    crews.steps = false;
    const std::size_t n = scenario.crews.size();
    for (std::size_t c = 0; c < n; ++c) {
      html::Series s{fmt::format("{} (of {})", scenario.crews[c].id, scenario.crews[c].size), {}};
      for (std::size_t i = 0; i < result.sample_times.size(); ++i)
        s.points.push_back({result.sample_times[i], mean_busy(result, i * n + c)});
      crews.series.push_back(std::move(s));
    }
    body += "<h2>Recovery</h2>\n" + html::time_series_figure(clock, crews);
  }
  if (!scenario.observed.empty())
    body += "<h2>Against the record</h2>\n" + html::simulated_milestones_figure(scenario, result);

  return body;
}

// The runbook and services over the runs, as tables.
std::string simulation_tables(const Scenario& scenario, const MonteCarloResult& result) {
  const Topology& topology = *scenario.topology;
  const ScenarioClock& clock = scenario.clock;
  std::string body;
  body += "<h2>Tables</h2>\n<h3>Runbook</h3>\n";
  std::vector<std::vector<std::string>> rows;
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const StepStatistics& stats = result.steps[s];
    rows.push_back({scenario.steps[s].id, percent(share(stats.runs_critical, result.runs)),
                    event_time_text(clock, stats.completed_at, 0.5, "not completed"),
                    event_time_text(clock, stats.completed_at, 0.9, "not completed"),
                    percent(share(stats.runs_failed, result.runs)),
                    millions(stats.restored_user_seconds.mean() / kSecondsPerHour)});
  }
  body += table({{"step"},
                 {"on the critical path", true},
                 {"completed p50"},
                 {"completed p90"},
                 {"gave up", true},
                 {"restored user-hours, mean", true}},
                rows);
  body += "<h3>Services</h3>\n";
  rows.clear();
  for (std::size_t s = 0; s < result.services.size(); ++s) {
    const ServiceStatistics& stats = result.services[s];
    const Summary down = stats.downtime_ms.summary();
    rows.push_back({topology.services()[s].id, percent(share(stats.runs_out(), result.runs)),
                    percent(share(stats.runs_down, result.runs)), duration_text(down.mean),
                    duration_text(down.p90), percent(share(stats.restored_at.never(), result.runs)),
                    event_time_text(clock, stats.restored_at, 0.5, "not restored"),
                    event_time_text(clock, stats.restored_at, 0.9, "not restored")});
  }
  body += table({{"service"},
                 {"P(out)", true},
                 {"P(down)", true},
                 {"down, mean", true},
                 {"down, p90", true},
                 {"still out at the end", true},
                 {"restored p50 (of runs it was out)"},
                 {"restored p90 (of runs it was out)"}},
                rows);
  return body;
}

std::string simulation_html(const Scenario& scenario, const MonteCarloResult& result) {
  std::string body = scenario_header(
      scenario,
      fmt::format("Monte Carlo over {}, seed {}{}{}",
                  runs_text(result.runs, result.first_run, true), result.seed,
                  result.network_fidelity ? ", at network fidelity" : "",
                  result.interrupted ? "; interrupted, so the figures are of these runs" : ""));
  if (result.network_baseline)
    body += baseline_box(scenario, *result.network_baseline);
  if (const auto unseen = unseen_text(result.step_resolution, result.runs))
    body += "<div class=\"warning\" role=\"alert\"><p>" + escape(*unseen) + ".</p></div>\n";
  if (const auto late = seen_late_text(result.step_resolution))
    body += "<p>" + escape(*late) + ".</p>\n";

  body += simulation_cards(result);
  body += simulation_charts(scenario, result);
  body += budgets_section(budget_statistics_table(result.slos, result.slo_statistics,
                                                  result.network_fidelity, result.runs));
  body += simulation_tables(scenario, result);
  return page(scenario_title(scenario), body);
}

std::string compare_html(std::span<const Variant> variants, const Comparison& c) {
  std::string names;
  for (const std::string& n : c.names)
    names += (names.empty() ? "" : ", ") + n;
  std::string body = fmt::format("<h1>Comparison: {}</h1>\n", escape(names));
  body += fmt::format(
      "<p class=\"lead\">Paired Monte Carlo over {}, seed {}: run i of every variant draws "
      "the same random numbers, so differences are measured run by run.</p>\n",
      runs_text(c.runs, c.first_run, true), c.seed);
  body += "<dl class=\"facts\">\n";
  for (const Variant& v : variants) {
    body += fmt::format("<dt>{}</dt><dd>{}, strategy {}</dd>\n", escape(v.name),
                        escape(scenario_and_file(*v.scenario)),
                        escape(to_string(strategy_asked(*v.scenario))));
  }
  body += "</dl>\n<h2>Ranking</h2>\n";
  std::vector<std::vector<std::string>> rows;
  std::size_t place = 1;
  for (const std::size_t v : ranking(c)) {
    const Interval lost = mean_interval(ComparedMetric::user_seconds_lost, c.metrics[v][kLost]);
    const std::string difference = v == 0 ? "baseline" : [&] {
      const Interval d = interval(pair_of(c, 0, v, ComparedMetric::user_seconds_lost));
      return fmt::format("{} ({}){}", number(d.mean), range_text(d),
                         d.significant ? ", significant" : "");
    }();
    rows.push_back(
        {std::to_string(place++), c.names[v], number(lost.mean), range_text(lost), difference});
  }
  body += table({{"rank", true},
                 {"variant"},
                 {"user-hours lost, mean", true},
                 {"95% CI of the mean", true},
                 {"difference from " + c.names.front() + " (95% CI)", true}},
                rows);
  body += html::differences_figure(c) + html::variant_means_figure(c);
  body += "<p>" + escape(restoration_cap_note(c)) + "</p>\n";

  html::TimeSeriesChart over_time;
  over_time.id = "affected-users";
  over_time.title = "Active users cut off, mean over the runs";
  over_time.caption = "Each variant's mean active users cut off at each sampled time" +
                      std::string(variants.size() > 1 && variants[0].scenario->clock.t0_utc() !=
                                                             variants[1].scenario->clock.t0_utc()
                                      ? ", on the first variant's clock (their T0s differ)."
                                      : ".");
  over_time.y_label = "active users cut off";
  over_time.steps = false;
  for (std::size_t v = 0; v < c.names.size(); ++v) {
    html::Series s{c.names[v], {}};
    for (std::size_t i = 0; i < c.sample_times[v].size(); ++i) {
      s.points.push_back({c.sample_times[v][i], static_cast<double>(c.sampled_active_sum[v][i]) /
                                                    static_cast<double>(c.runs)});
      over_time.to = std::max(over_time.to, c.sample_times[v][i]);
    }
    over_time.series.push_back(std::move(s));
  }
  body += "<h2>Over time</h2>\n" + html::time_series_figure(variants[0].scenario->clock, over_time);
  for (std::size_t v = 0; v < c.names.size() && !c.slos.empty(); ++v) {
    body += budgets_section(budget_statistics_table(c.slos, c.slo_statistics[v], false, c.runs),
                            "Error budgets of " + c.names[v]);
  }
  return page("Comparison: " + names, body);
}

}  // namespace faultline::reports
