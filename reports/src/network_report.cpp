#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// Changes inside a step are seen late; states between two step starts,
// never: said, with the step that would see them.
std::string resolution_text(const ScenarioClock& clock, const StepResolution& r) {
  std::string out;
  if (r.changes_late > 0)
    out += "  " + seen_late_text(r) + "\n";
  if (r.unseen > 0)
    out += "  warning: " + unseen_text(clock, r) + "\n";
  return out;
}

ordered_json resolution_json(const ScenarioClock& clock, const StepResolution& r) {
  ordered_json j = {{"step_s", r.step.in_seconds()},
                    {"changes", r.changes},
                    {"changes_seen_late", r.changes_late},
                    {"latest_seen_late_s", r.latest.in_seconds()},
                    {"states_unseen", r.unseen},
                    {"unseen_s", r.unseen_time.in_seconds()},
                    {"shortest_state_s", r.shortest_state.in_seconds()}};
  j["first_unseen"] =
      r.unseen > 0 ? ordered_json(clock.iso_text(r.first_unseen_at)) : ordered_json();
  return j;
}

// A row of request totals, in its texts.
struct RequestRow {
  std::string name;
  std::string requests;
  std::string served;
  std::string worst;  // the lowest success, and when
  std::string p99;    // the highest p99, and when
};

std::vector<RequestRow> request_rows(const ScenarioClock& clock,
                                     const std::vector<std::string>& names,
                                     const std::vector<std::vector<RequestWindow>>& series) {
  std::vector<RequestRow> rows;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const RequestTotals t = request_totals(series[i]);
    rows.push_back({names[i], millions(t.requests), percent(t.success_rate()),
                    worst_success_text(clock, t), worst_p99_text(clock, t)});
  }
  return rows;
}

// The services' table, then the user groups': their names and lowest
// success texts in columns as wide as both tables need.
std::string request_tables(const std::vector<RequestRow>& services,
                           const std::vector<RequestRow>& groups) {
  std::vector<std::string> names;
  std::vector<std::string> worst;
  for (const auto* table : {&services, &groups}) {
    for (const RequestRow& r : *table) {
      names.push_back(r.name);
      worst.push_back(r.worst);
    }
  }
  const std::size_t name_w = column_width(names, 24);
  const std::size_t worst_w = column_width(worst, 32);
  const auto line = [&](const RequestRow& r) {
    return fmt::format("  {:<{}} {:>10} {:>8}  {:<{}} {}\n", r.name, name_w, r.requests, r.served,
                       r.worst, worst_w, r.p99);
  };
  std::string out;
  for (const auto& [title, table] :
       {std::pair{"Service", &services}, std::pair{"User group", &groups}}) {
    out += line({title, "Requests", "Served", "Lowest success", "Highest p99"});
    for (const RequestRow& r : *table)
      out += line(r);
  }
  return out;
}

ordered_json windows_json(const ScenarioClock& clock, const std::vector<RequestWindow>& windows) {
  ordered_json list = ordered_json::array();
  for (const RequestWindow& w : windows) {
    list.push_back({{"from", clock.iso_text(w.from)},
                    {"from_s", w.from.since_t0().in_seconds()},
                    {"requests", w.requests},
                    {"served", w.served},
                    {"success_rate", w.success_rate()},
                    {"p50_s", w.p50 ? ordered_json(w.p50->in_seconds()) : ordered_json(nullptr)},
                    {"p99_s", w.p99 ? ordered_json(w.p99->in_seconds()) : ordered_json(nullptr)}});
  }
  return list;
}

ordered_json load_json(const Scenario& scenario, const ResourceLoad& load) {
  const Topology& topology = *scenario.topology;
  ordered_json j;
  j["resource"] = resource_name(topology, load.resource);
  j["unit"] = load.resource.kind == NetworkResource::Kind::deployment_host ? "requests/s" : "bit/s";
  j["capacity"] = load.capacity;
  j["peak"] = load.peak;
  j["peak_at"] = scenario.clock.iso_text(load.peak_at);
  j["utilisation"] = load.utilisation();
  j["would_carry_it"] = remedy_text(topology, load);
  return j;
}

}  // namespace

ordered_json baseline_json(const Scenario& scenario, const NetworkBaseline& baseline) {
  const Topology& topology = *scenario.topology;
  ordered_json j;
  j["until"] = scenario.clock.iso_text(baseline.until);
  j["healthy"] = baseline.healthy();
  j["shortfalls"] = ordered_json::array();
  for (const BaselineShortfall& s : baseline.shortfalls) {
    j["shortfalls"].push_back(
        {{"service", topology.service(s.service).id},
         {"worst_window", scenario.clock.iso_text(s.worst.from)},
         {"success_rate", s.worst.success_rate()},
         {"bottleneck", s.bottleneck ? load_json(scenario, baseline.loads[*s.bottleneck])
                                     : ordered_json(nullptr)}});
  }
  j["overloaded"] = ordered_json::array();
  for (const std::size_t r : baseline.overloaded)
    j["overloaded"].push_back(load_json(scenario, baseline.loads[r]));
  return j;
}

std::string baseline_text(const Scenario& scenario, const NetworkBaseline& baseline) {
  std::string out = fmt::format("{}{}.\n", baseline.healthy() ? "Baseline  " : "WARNING   ",
                                baseline_headline(scenario, baseline));
  for (const BottleneckGroup& group : bottleneck_groups(baseline)) {
    out +=
        group.resource
            ? "  Bottleneck: " + bottleneck_text(scenario, baseline.loads[*group.resource]) + "\n"
            : "  No resource on their way was asked for more than it carries:\n";
    for (const BaselineShortfall* s : group.services)
      out += "    " + shortfall_text(scenario, *s) + "\n";
  }
  return out;
}

std::string network_text(const Scenario& scenario, const NetworkRunResult& result) {
  const RequestMetrics& metrics = result.requests;
  const Topology& topology = *scenario.topology;
  std::vector<std::string> services;
  for (const Service& s : topology.services())
    services.push_back(s.id);
  std::vector<std::string> groups;
  for (const UserGroup& g : topology.user_groups())
    groups.push_back(g.id);
  std::string out = fmt::format(
      "\nRequests at network fidelity (windows of {}; p99 of responses, late ones included)\n",
      human_duration(metrics.window));
  out += request_tables(request_rows(scenario.clock, services, metrics.services),
                        request_rows(scenario.clock, groups, metrics.groups));
  out += fmt::format(
      "  {} requests issued; SimGrid ran {} steps and repeated {} in which nothing changed\n",
      millions(metrics.requests), thousands(metrics.steps_simulated),
      thousands(metrics.steps_repeated));
  return out + resolution_text(scenario.clock, result.resolution);
}

ordered_json network_json(const Scenario& scenario, const NetworkRunResult& result) {
  const Topology& topology = *scenario.topology;
  ordered_json j = replay_json(scenario, result.run);
  j["fidelity"] = "network";
  const RequestMetrics& m = result.requests;
  ordered_json requests = {{"window_s", m.window.in_seconds()},
                           {"requests", m.requests},
                           {"steps_simulated", m.steps_simulated},
                           {"steps_repeated", m.steps_repeated}};
  requests["services"] = ordered_json::array();
  for (std::size_t s = 0; s < m.services.size(); ++s) {
    requests["services"].push_back({{"id", topology.services()[s].id},
                                    {"windows", windows_json(scenario.clock, m.services[s])}});
  }
  requests["user_groups"] = ordered_json::array();
  for (std::size_t g = 0; g < m.groups.size(); ++g) {
    requests["user_groups"].push_back({{"id", topology.user_groups()[g].id},
                                       {"windows", windows_json(scenario.clock, m.groups[g])}});
  }
  j["requests"] = std::move(requests);
  j["step_resolution"] = resolution_json(scenario.clock, result.resolution);
  j["baseline"] = baseline_json(scenario, result.baseline);
  return j;
}

}  // namespace faultline::reports
