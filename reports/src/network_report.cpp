#include <fmt/format.h>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// A table of request totals: its header, then a row for each name, the
// names and lowest success texts in columns as wide as both tables need.
struct RequestColumns {
  std::size_t name_w = 24;
  std::size_t worst_w = 32;
};

std::string rows(const ScenarioClock& clock, std::string_view title,
                 const std::vector<std::string>& names,
                 const std::vector<std::vector<RequestWindow>>& series, const RequestColumns& w) {
  std::string out = fmt::format("  {:<{}} {:>10} {:>8}  {:<{}} {}\n", title, w.name_w, "Requests",
                                "Served", "Lowest success", w.worst_w, "Highest p99");
  for (std::size_t i = 0; i < names.size(); ++i) {
    const RequestTotals t = request_totals(series[i]);
    out += fmt::format("  {:<{}} {:>10} {:>8}  {:<{}} {}\n", names[i], w.name_w,
                       millions(t.requests), percent(t.success_rate()),
                       worst_success_text(clock, t), w.worst_w, worst_p99_text(clock, t));
  }
  return out;
}

RequestColumns request_columns(const ScenarioClock& clock, const std::vector<std::string>& names,
                               const RequestMetrics& metrics) {
  std::vector<std::string> worst;
  for (const auto* series : {&metrics.services, &metrics.groups}) {
    for (const std::vector<RequestWindow>& windows : *series)
      worst.push_back(worst_success_text(clock, request_totals(windows)));
  }
  return {column_width(names, 24), column_width(worst, 32)};
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

std::string network_text(const Scenario& scenario, const RequestMetrics& metrics) {
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
  std::vector<std::string> names = services;
  names.insert(names.end(), groups.begin(), groups.end());
  const RequestColumns w = request_columns(scenario.clock, names, metrics);
  out += rows(scenario.clock, "Service", services, metrics.services, w);
  out += rows(scenario.clock, "User group", groups, metrics.groups, w);
  out += fmt::format(
      "  {} requests issued; SimGrid ran {} steps and repeated {} in which nothing changed\n",
      millions(metrics.requests), thousands(metrics.steps_simulated),
      thousands(metrics.steps_repeated));
  return out;
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
  j["baseline"] = baseline_json(scenario, result.baseline);
  return j;
}

}  // namespace faultline::reports
