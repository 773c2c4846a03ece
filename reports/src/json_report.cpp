#include "faultline/reports/json.hpp"

#include "faultline/version.hpp"

#include "faultline/optimize.hpp"
#include "faultline/strategy.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

double seconds(Duration d) {
  return d.in_seconds();
}

std::optional<std::string> time_text(const ScenarioClock& clock, const std::optional<SimTime>& t) {
  return t ? std::optional(clock.iso_text(*t)) : std::nullopt;
}

std::optional<double> seconds_since_t0(const std::optional<SimTime>& t) {
  return t ? std::optional(seconds(t->since_t0())) : std::nullopt;
}

ordered_json service_ids(const Topology& topology, const std::vector<ServiceId>& services) {
  ordered_json j = ordered_json::array();
  for (const ServiceId s : services)
    j.push_back(topology.service(s).id);
  return j;
}

template <class T>
ordered_json or_null(const std::optional<T>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

// The impact's members, into the object open.
void write_impact(JsonWriter& w, const ScenarioClock& clock, const UserImpact& impact,
                  UserCount users) {
  const auto at = [&](UserCount peak, SimTime t) {
    return peak.value > 0 ? std::optional(clock.iso_text(t)) : std::nullopt;
  };
  w.member("users", users.value)
      .member("peak_affected", impact.peak_affected.value)
      .member("peak_at", at(impact.peak_affected, impact.peak_at))
      .member("peak_active", impact.peak_active.value)
      .member("peak_active_at", at(impact.peak_active, impact.peak_active_at))
      .member("user_hours_lost", impact.lost.in_user_hours())
      .member("cut_off_at_end", impact.cut_off_at_end.value);
}

ordered_json wait_json(const Scenario& scenario, const Wait& w) {
  ordered_json j;
  j["from_s"] = seconds(w.from.since_t0());
  j["to_s"] = seconds(w.to.since_t0());
  j["cause"] = cause_name(w.cause);
  const auto step = [&](StepId s) { return scenario.steps[s.value].id; };
  if (const auto* p = std::get_if<PredecessorsWait>(&w.cause)) {
    j["last_predecessor"] = step(p->last);
  } else if (const auto* off = std::get_if<OffShiftWait>(&w.cause)) {
    j["crew"] = scenario.crews[off->crew.value].id;
    j["work_paused"] = off->work_paused;
  } else if (const auto* busy = std::get_if<CrewBusyWait>(&w.cause)) {
    j["crew"] = scenario.crews[busy->crew.value].id;
    j["held_by"] = ordered_json::array();
    for (const StepId s : busy->holding)
      j["held_by"].push_back(step(s));
  } else if (const auto* batch = std::get_if<BatchMembersWait>(&w.cause)) {
    j["crew"] = scenario.crews[batch->crew.value].id;
    j["members"] = batch->members;
    j["crew_size"] = batch->crew_size;
    j["held_by"] = ordered_json::array();
    for (const StepId s : batch->holding)
      j["held_by"].push_back(step(s));
  } else if (const auto* required = std::get_if<RequirementWait>(&w.cause)) {
    j["services"] = service_ids(*scenario.topology, required->services);
  } else if (const auto* gate = std::get_if<GateWait>(&w.cause)) {
    j["services"] = service_ids(*scenario.topology, gate->services);
  }
  j["at_end"] = w.at_end;
  return j;
}

// A failed attempt, a retry, or the next method taking over.
void add_attempt_fields(const Step& step, const TimelineEntry& e, JsonWriter& w) {
  w.member("step", step.id);
  if (e.kind == TimelineKind::step_next_method) {
    w.member("gave_up", step.methods[e.method - 1].name);
    w.member("method", step.methods[e.method].name);
  } else {
    w.member("attempt", e.attempt);
  }
  w.member("wave", e.wave);
  w.member("waves", e.waves);
  if (e.kind == TimelineKind::step_attempt_failed)
    w.member("scripted", e.scripted);
}

ordered_json crew_or_null(const Scenario& scenario, const Step& step) {
  return step.crew ? ordered_json(scenario.crews[step.crew->value].id) : ordered_json(nullptr);
}

// A degradation struck: where and what it does.
void add_degradation_fields(const Scenario& scenario, const Fault& f, const TimelineEntry& e,
                            JsonWriter& w) {
  if (e.kind != TimelineKind::fault)
    return;
  w.key("deployments").list();
  for (const DeploymentId d : f.deployments)
    w.value(scenario.topology->deployment(d).id);
  w.end();
  w.member("packet_loss", f.impairment.packet_loss);
  w.member("added_latency_ms", f.impairment.added_latency.ms);
  w.member("capacity", f.impairment.capacity);
}

// A fault struck or healed; for an outage of tenants, how many lost the
// service (those it names that had not lost it already) or got it back,
// and their users.
void add_fault_fields(const Scenario& scenario, const Fault& f, const TimelineEntry& e,
                      JsonWriter& w) {
  w.member("fault", f.id);
  if (f.kind == FaultKind::degradation) {
    add_degradation_fields(scenario, f, e, w);
    return;
  }
  if (e.kind == TimelineKind::fault && f.kind != FaultKind::outage)
    w.member("instances_down", e.instances);
  if (e.kind == TimelineKind::fault_healed && f.tenants.empty())
    w.member("capability", e.served_fraction);
  if (f.tenants.empty())
    return;
  w.member("tenants", e.tenants);
  w.member("users", e.users.value);
}

void add_batch_fields(const Step& step, const TimelineEntry& e, JsonWriter& w) {
  w.member("step", step.id);
  w.member("batch", e.batch);
  w.member("batches", e.batches);
  w.member("tenants", e.tenants);
  w.member("users", e.users.value);
  if (e.kind == TimelineKind::batch_skipped)
    return;  // never attempted
  w.member("method", step.methods[e.method].name);
  if (e.kind == TimelineKind::batch_next_method || e.kind == TimelineKind::batch_handed_over)
    w.member("previous_method", step.methods[e.previous_method].name);
  if (e.kind != TimelineKind::batch_done)
    w.member("attempt", e.attempt);
}

// A deployment fell over, restarted, or failed or passed its health check.
void add_deployment_fields(const Topology& topology, const TimelineEntry& e, JsonWriter& w) {
  w.member("deployment", topology.deployment(e.deployment()).id);
  if (e.kind == TimelineKind::restarted)
    w.member("instances", e.instances);
  if (e.kind == TimelineKind::check_failed || e.kind == TimelineKind::check_passed) {
    w.member("probe_packet_loss", e.packet_loss);
    w.member("probe_added_latency_ms", e.added_latency_ms);
  }
}

void write_timeline_entry(JsonWriter& w, const Scenario& scenario, const TimelineEntry& e) {
  const Topology& topology = *scenario.topology;
  w.object();
  w.member("t_s", seconds(e.at.since_t0()));
  w.member("time", scenario.clock.iso_text(e.at));
  w.member("kind", kind_name(e.kind));
  switch (e.kind) {
    case TimelineKind::fault:
    case TimelineKind::fault_healed:
      add_fault_fields(scenario, scenario.faults[e.fault().value], e, w);
      break;
    case TimelineKind::rollout_wave:
      w.member("fault", scenario.faults[e.fault().value].id);
      w.member("wave", e.wave);
      w.member("waves", e.waves);
      w.member("instances_down", e.instances);
      break;
    case TimelineKind::failover_begins:
    case TimelineKind::failover_failed:
      w.member("service", topology.services()[e.service().value].id);
      break;
    case TimelineKind::failover_done:
      w.member("service", topology.services()[e.service().value].id);
      w.member("to", topology.deployments()[e.serving_from.value].id);
      break;
    case TimelineKind::overloaded:
    case TimelineKind::restarted:
    case TimelineKind::check_failed:
    case TimelineKind::check_passed:
      add_deployment_fields(topology, e, w);
      break;
    case TimelineKind::step_started:
    case TimelineKind::step_completed:
    case TimelineKind::step_work_done:
    case TimelineKind::step_skipped:
    case TimelineKind::step_failed:
    case TimelineKind::step_rolled_back:
      w.member("step", scenario.steps[e.step().value].id);
      w.member("crew", crew_or_null(scenario, scenario.steps[e.step().value]));
      break;
    case TimelineKind::step_wave:
      w.member("step", scenario.steps[e.step().value].id);
      w.member("wave", e.wave);
      w.member("waves", e.waves);
      break;
    case TimelineKind::step_attempt_failed:
    case TimelineKind::step_retry:
    case TimelineKind::step_next_method:
      add_attempt_fields(scenario.steps[e.step().value], e, w);
      break;
    case TimelineKind::batch_done:
    case TimelineKind::batch_attempt_failed:
    case TimelineKind::batch_retry:
    case TimelineKind::batch_next_method:
    case TimelineKind::batch_gave_up:
    case TimelineKind::batch_skipped:
    case TimelineKind::batch_handed_over:
      add_batch_fields(scenario.steps[e.step().value], e, w);
      break;
    case TimelineKind::service_state:
      w.member("service", topology.services()[e.service().value].id);
      w.member("from", to_string(e.from));
      w.member("to", to_string(e.to));
      w.member("served_fraction", e.served_fraction);
      break;
    case TimelineKind::crew:
      w.member("crew", scenario.crews[e.crew().value].id);
      w.member("busy", e.busy);
      w.member("size", e.size);
      break;
    case TimelineKind::users:
      w.member("affected", e.affected.value);
      w.member("active", e.active.value);
      break;
  }
  w.end();
}

ordered_json milestone_subject(const Scenario& scenario, const Milestone& m) {
  if (m.share)
    return *m.share;
  return m.service ? scenario.topology->service(*m.service).id : scenario.steps[m.step->value].id;
}

// Each step's times, outcome and waits.
ordered_json steps_json(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  ordered_json steps = ordered_json::array();
  const std::vector<StepWaits> waits = step_waits(scenario, result);
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    const Step& step = scenario.steps[s];
    const StepOutcome& o = result.steps[s];
    ordered_json waits_of = ordered_json::array();
    for (const Wait& w : waits[s].waits)
      waits_of.push_back(wait_json(scenario, w));
    ordered_json j = {{"id", step.id},
                      {"crew", step.crew ? ordered_json(scenario.crews[step.crew->value].id)
                                         : ordered_json(nullptr)},
                      {"released_s", or_null(seconds_since_t0(o.released))},
                      {"started", or_null(time_text(clock, o.started))},
                      {"started_s", or_null(seconds_since_t0(o.started))},
                      {"work_done_s", or_null(seconds_since_t0(o.work_done))},
                      {"completed", or_null(time_text(clock, o.completed))},
                      {"completed_s", or_null(seconds_since_t0(o.completed))},
                      {"crew_freed_s", or_null(seconds_since_t0(o.crew_freed))},
                      {"outcome", outcome_name(o)},
                      {"attempts", o.attempts},
                      {"restored_user_hours", o.restored_loss.in_user_hours()},
                      {"stalled_s", seconds(waits[s].stalled())},
                      {"waits", std::move(waits_of)}};
    // A step that lists methods: the one under way when it stopped.
    if (!step.methods.front().name.empty())
      j["method"] = step.methods[o.method].name;
    steps.push_back(std::move(j));
  }
  return steps;
}

ordered_json tenants_out_json(const ScenarioClock& clock, const RunResult& result) {
  ordered_json out = ordered_json::array();
  for (const TenantsOut& o : result.tenants_out) {
    out.push_back({{"time", clock.iso_text(o.at)},
                   {"t_s", seconds(o.at.since_t0())},
                   {"tenants", o.tenants},
                   {"users", o.users.value},
                   {"tenants_back", o.tenants_back},
                   {"users_back", o.users_back}});
  }
  return out;
}

void write_service_outcome(JsonWriter& w, const Scenario& scenario, const RunResult& result,
                           ServiceId s) {
  const ScenarioClock& clock = scenario.clock;
  const Service& service = scenario.topology->service(s);
  const ServiceOutcome& o = result.services[s.value];
  w.object()
      .member("id", service.id)
      .member("name", service.name)
      .member("down_s", seconds(o.down))
      .member("partial_outage_s", seconds(o.partial))
      .member("degraded_s", seconds(o.degraded))
      .member("first_down", time_text(clock, o.first_down))
      .member("partly_restored_at", time_text(clock, o.partly_restored_at))
      .member("restored_at", time_text(clock, o.restored_at))
      .member("restored_at_s", seconds_since_t0(o.restored_at))
      .member("final_state", to_string(o.final_state))
      .end();
}

ordered_json crews_json(const Scenario& scenario, const RunResult& result) {
  ordered_json crews = ordered_json::array();
  for (std::uint32_t c = 0; c < scenario.crews.size(); ++c) {
    const Crew& crew = scenario.crews[c];
    const CrewOutcome& o = result.crews[c];
    const auto utilisation = o.utilisation();
    crews.push_back({{"id", crew.id},
                     {"size", crew.size},
                     {"busy_hours", o.busy.in_hours()},
                     {"beyond_size_hours", o.beyond_size.in_hours()},
                     {"on_hand_hours", o.on_hand.in_hours()},
                     {"utilisation", utilisation ? ordered_json(*utilisation) : ordered_json()},
                     {"peak_busy", o.peak_busy}});
  }
  return crews;
}

ordered_json observed_outcomes_json(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  ordered_json observed = ordered_json::array();
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    const Milestone& milestone = scenario.observed[m];
    const MilestoneOutcome& o = result.observed[m];
    ordered_json entry = {{"id", milestone.id},
                          {"description", milestone.description},
                          {"source", milestone.source},
                          {milestone.service ? "service"
                           : milestone.share ? "share"
                                             : "step",
                           milestone_subject(scenario, milestone)}};
    if (milestone.group)
      entry["group"] = scenario.topology->user_group(*milestone.group).id;
    entry.update(ordered_json{{"event", to_string(milestone.event)},
                              {"timing", to_string(milestone.timing)},
                              {"observed", clock.iso_text(milestone.time)},
                              {"observed_s", seconds(milestone.time.since_t0())},
                              {"within_s", seconds(milestone.within)},
                              {"simulated", or_null(time_text(clock, o.simulated))},
                              {"simulated_s", or_null(seconds_since_t0(o.simulated))},
                              {"difference_s", o.difference ? ordered_json(seconds(*o.difference))
                                                            : ordered_json(nullptr)},
                              {"met", o.met}});
    observed.push_back(std::move(entry));
  }
  return observed;
}

// How the optimize strategy found the priority list: its figures, as
// optimize_text gives them.
ordered_json search_json(const OptimizedPriority& found) {
  const auto or_null = [](const std::optional<double>& v) {
    return v ? ordered_json(*v) : ordered_json();
  };
  return {{"started_from", to_string(found.started_from)},
          {"evaluations", found.evaluations},
          {"runs", found.runs},
          {"seed", found.seed},
          {"start_user_hours", found.start_user_hours},
          {"search_user_hours", found.search_user_hours},
          {"check_user_hours", or_null(found.check_user_hours)},
          {"check_start_user_hours", or_null(found.check_start_user_hours)},
          {"kept_start", found.kept_start}};
}

}  // namespace

ordered_json scenario_json(const Scenario& scenario) {
  const ScenarioClock& clock = scenario.clock;
  ordered_json j = {{"name", scenario.name},
                    {"file", scenario.file},
                    {"topology", scenario.topology->file()},
                    {"time_zone", clock.zone_name()},
                    {"strategy", to_string(strategy_asked(scenario))},
                    {"t0", clock.iso_text(SimTime{})}};
  if (scenario.strategy == StrategyKind::priority) {
    j["priority"] = ordered_json::array();
    for (const StepId s : scenario.priority)
      j["priority"].push_back(scenario.steps[s.value].id);
  }
  if (scenario.priority_search)
    j["search"] = search_json(*scenario.priority_search);
  return j;
}

ordered_json result_header() {
  return {{"schema_version", kSchemaVersion}, {"faultline_version", std::string(kVersion)}};
}

// The timeline, the services and the user groups are lists of one entry
// per change or per service, written member by member: a small tree for
// each entry took half a second of a 4.6 s replay at 10^5 services.
JsonDocument replay_document(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  const ScenarioClock& clock = scenario.clock;
  JsonDocument doc(result_header());
  doc.add("fidelity", "state");
  ordered_json about = scenario_json(scenario);
  about["end"] = clock.iso_text(result.end);
  about["horizon_given"] = scenario.horizon.has_value();
  about["end_s"] = seconds(result.end.since_t0());
  doc.add("scenario", std::move(about));
  doc.add_list("timeline", result.timeline.size(),
               [&scenario, &result](JsonWriter& w, std::size_t i) {
                 write_timeline_entry(w, scenario, result.timeline[i]);
               });
  doc.add_list(
      "services", topology.services().size(), [&scenario, &result](JsonWriter& w, std::size_t s) {
        write_service_outcome(w, scenario, result, ServiceId{static_cast<std::uint32_t>(s)});
      });
  doc.add("steps", steps_json(scenario, result));
  doc.add("restored_user_hours_otherwise", result.restored_loss_otherwise.in_user_hours());
  doc.add("lost_user_hours_still_cut_off", loss_still_cut_off(result).in_user_hours());
  doc.add("crews", crews_json(scenario, result));
  // The first of critical_paths, as before they were all given.
  const std::vector<std::vector<StepId>> paths = critical_paths(scenario, result);
  const auto ids = [&](const std::vector<StepId>& path) {
    ordered_json out = ordered_json::array();
    for (const StepId s : path)
      out.push_back(scenario.steps[s.value].id);
    return out;
  };
  doc.add("critical_path", paths.empty() ? ordered_json::array() : ids(paths.front()));
  ordered_json all = ordered_json::array();
  for (const std::vector<StepId>& path : paths)
    all.push_back(ids(path));
  doc.add("critical_paths", std::move(all));
  doc.add_list("user_groups", topology.user_groups().size(),
               [&scenario, &result](JsonWriter& w, std::size_t g) {
                 const UserGroup& group = scenario.topology->user_groups()[g];
                 w.object().member("id", group.id).member("name", group.name);
                 write_impact(w, scenario.clock, result.user_groups[g], group.users);
                 w.end();
               });
  doc.add_written("overall", [&clock, &result, &topology](JsonWriter& w) {
    w.object();
    write_impact(w, clock, result.overall, topology.users());
    w.end();
  });
  doc.add("tenants_out", tenants_out_json(clock, result));
  doc.add("observed", observed_outcomes_json(scenario, result));
  return doc;
}

ordered_json replay_json(const Scenario& scenario, const RunResult& result) {
  return replay_document(scenario, result).tree();
}

ordered_json analysis_json(const Topology& topology, const TopologyAnalysis& analysis) {
  ordered_json j = result_header();
  j["topology"] = {{"name", topology.name()}, {"file", topology.file()}};
  j["layers"] = ordered_json::array();
  for (const auto& layer : analysis.layers)
    j["layers"].push_back(service_ids(topology, layer));
  j["cycles"] = ordered_json::array();
  for (const DependencyCycle& cycle : analysis.cycles) {
    ordered_json links = ordered_json::array();
    for (const DependencyKind k : cycle.links)
      links.push_back(to_string(k));
    j["cycles"].push_back({{"services", service_ids(topology, cycle.services)},
                           {"links", std::move(links)},
                           {"hard", cycle.hard()}});
  }
  j["blast_radius"] = ordered_json::array();
  for (const auto& radius : analysis.blast_radius) {
    ordered_json groups = ordered_json::array();
    for (const UserGroupId g : radius.user_groups)
      groups.push_back(topology.user_group(g).id);
    j["blast_radius"].push_back({{"service", topology.service(radius.service).id},
                                 {"services_lost_count", radius.services_lost_count},
                                 {"services_lost", service_ids(topology, radius.services_lost)},
                                 {"user_groups_count", radius.user_groups_count},
                                 {"user_groups", std::move(groups)},
                                 {"users", radius.users.value}});
  }
  j["down_at_peak"] = service_ids(topology, analysis.down_at_peak);
  j["single_points_of_failure"] = ordered_json::array();
  for (const auto& group : analysis.single_points_of_failure) {
    ordered_json spofs = ordered_json::array();
    for (const auto& spof : group.spofs) {
      ordered_json one{{"kind", component_kind(spof.component)},
                       {"id", component_id(topology, spof.component)},
                       {"services_down", service_ids(topology, spof.services_down)}};
      if (std::holds_alternative<ServiceId>(spof.component))
        one["path"] = service_ids(topology, spof.path);
      spofs.push_back(std::move(one));
    }
    j["single_points_of_failure"].push_back(
        {{"user_group", topology.user_group(group.group).id}, {"spofs", std::move(spofs)}});
  }
  return j;
}

}  // namespace faultline::reports
