// import deps: a topology's dependencies against the calls traces saw.

#include <fmt/format.h>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

std::string edge_text(const Topology& topology, const DeclaredDependency& d) {
  return fmt::format("{} -> {}{}", topology.service(d.client).id, topology.service(d.server).id,
                     d.kind == DependencyKind::soft ? " (soft)" : "");
}

ordered_json edges_json(const Topology& topology, const std::vector<DeclaredDependency>& edges) {
  ordered_json out = ordered_json::array();
  for (const DeclaredDependency& d : edges) {
    out.push_back({{"client", topology.service(d.client).id},
                   {"server", topology.service(d.server).id},
                   {"kind", to_string(d.kind)}});
  }
  return out;
}

}  // namespace

std::string drift_text(const Topology& topology, const DependencyDrift& drift) {
  std::string out;
  if (!drift.undeclared.empty()) {
    out += "Called in the traces, not declared in depends_on:\n";
    for (const ObservedCall& c : drift.undeclared)
      out += fmt::format("  {} -> {}  ({} calls)\n", c.client, c.server,
                         thousands(static_cast<std::int64_t>(c.calls)));
  }
  if (!drift.never_called.empty()) {
    out += "Declared, never called in the traces:\n";
    for (const DeclaredDependency& d : drift.never_called)
      out += "  " + edge_text(topology, d) + "\n";
  }
  if (!drift.unknown_services.empty()) {
    out += "In the traces, not a service of the topology:\n";
    for (const std::string& name : drift.unknown_services)
      out += "  " + name + "\n";
  }
  if (!drift.to_itself.empty()) {
    out += "Not judged (a service calling itself, which is no dependency):\n";
    for (const ObservedCall& c : drift.to_itself)
      out += fmt::format("  {} -> {}  ({} calls)\n", c.client, c.server,
                         thousands(static_cast<std::int64_t>(c.calls)));
  }
  if (!drift.not_traced.empty()) {
    out += "Not judged (a service the traces never name):\n";
    for (const DeclaredDependency& d : drift.not_traced)
      out += "  " + edge_text(topology, d) + "\n";
  }
  out += fmt::format(
      "{}: {} undeclared, {} never called, {} unknown service(s); {} declared and called, {} not "
      "judged\n",
      drift.drifted() ? "drift" : "no drift", drift.undeclared.size(), drift.never_called.size(),
      drift.unknown_services.size(), drift.calls_matched, drift.not_traced.size());
  return out;
}

ordered_json drift_json(const Topology& topology, const DependencyDrift& drift) {
  ordered_json j = result_header();
  j["topology"] = {{"name", topology.name()}, {"file", topology.file()}};
  j["drifted"] = drift.drifted();
  j["undeclared"] = ordered_json::array();
  for (const ObservedCall& c : drift.undeclared)
    j["undeclared"].push_back({{"client", c.client}, {"server", c.server}, {"calls", c.calls}});
  j["never_called"] = edges_json(topology, drift.never_called);
  j["unknown_services"] = drift.unknown_services;
  j["not_traced"] = edges_json(topology, drift.not_traced);
  j["to_itself"] = ordered_json::array();
  for (const ObservedCall& c : drift.to_itself)
    j["to_itself"].push_back({{"service", c.client}, {"calls", c.calls}});
  j["declared_and_called"] = drift.calls_matched;
  return j;
}

}  // namespace faultline::reports
