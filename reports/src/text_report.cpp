#include "faultline/reports/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "faultline/strategy.hpp"
#include "format.hpp"

namespace faultline::reports {

namespace {

// Where ready steps could not start, work paused, or done work could not
// complete.
std::string waits_text(const Scenario& scenario, const RunResult& result) {
  const std::vector<Stall> ranked = stalls(step_waits(scenario, result));
  if (ranked.empty())
    return "";
  std::vector<std::string> from;
  for (const Stall& stall : ranked)
    from.push_back(scenario.clock.local_text(stall.wait.from));
  const std::size_t w = time_column_width(from);
  const std::size_t id_w = id_column_width(scenario.steps, 28);
  std::string out =
      "\nWaits (ready steps that could not start, work paused off shift, done work that could "
      "not complete; largest first)\n";
  out += fmt::format("  {:<{}} {:<{}} {:>9}  {}\n", "step", id_w, "from", w, "for", "why");
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const Stall& stall = ranked[i];
    out += fmt::format("  {:<{}} {:<{}} {:>9}  {}\n", scenario.steps[stall.step.value].id, id_w,
                       from[i], w, human_duration(stall.wait.length()),
                       wait_text(scenario, stall.wait));
  }
  return out;
}

// The scenario, its clock and its end.
std::string replay_header(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  out += fmt::format("Scenario  {}\n", scenario_title(scenario));
  out += fmt::format("Topology  {}\n", topology.name().empty() ? topology.file() : topology.name());
  out += fmt::format("T0        {} ({})\n", clock.local_text(SimTime{}), clock.zone_name());
  out += fmt::format("End       {} ({}{})\n", clock.local_text(result.end),
                     human_offset(result.end), scenario.horizon ? "" : "; no horizon given");
  if (result.overall.cut_off_at_end.value > 0) {
    out += fmt::format("Still cut off at the end: {} users; their loss goes on past it\n",
                       thousands(result.overall.cut_off_at_end.value));
  }
  out += "\n";

  return out;
}

// Timeline entries a line each, from the first_shown on: when, how long
// after T0, what. The columns fit every entry, those before first_shown
// too: rehearse shows its events a block at a time as time moves on, each
// block as wide as the widest before it or wider, never narrower.
std::string entry_lines(const Scenario& scenario, std::span<const TimelineEntry* const> entries,
                        std::size_t first_shown = 0) {
  std::vector<std::string> times;
  std::vector<std::string> offsets;
  for (const TimelineEntry* e : entries) {
    times.push_back(scenario.clock.local_text(e->at));
    offsets.push_back(human_offset(e->at));
  }
  const std::size_t w = time_column_width(times);
  const std::size_t offset_w = column_width(offsets, 11);
  std::string out;
  for (std::size_t i = first_shown; i < entries.size(); ++i) {
    out += fmt::format("  {:<{}} {:<{}} {:<6} {}\n", times[i], w, offsets[i], offset_w,
                       kind_label(entries[i]->kind), entry_description(scenario, *entries[i]));
  }
  return out;
}

std::string timeline_lines(const Scenario& scenario, const RunResult& result) {
  std::vector<const TimelineEntry*> shown;
  UserCount shown_affected;
  for (const auto& e : result.timeline) {
    if (e.kind == TimelineKind::users) {
      if (e.affected == shown_affected)
        continue;
      shown_affected = e.affected;
    }
    shown.push_back(&e);
  }
  return "Timeline (users lines when who is cut off changes; activity moves hourly)\n" +
         entry_lines(scenario, shown);
}

// Why the runbook did not finish, as summary.md judges it: the steps that
// gave up and those that never started; empty when none did.
std::string unfinished_words(const Scenario& scenario, const RunResult& result) {
  std::string gave_up;
  for (std::uint32_t s = 0; s < result.steps.size(); ++s) {
    if (result.steps[s].failed)
      gave_up += (gave_up.empty() ? "" : ", ") + scenario.steps[s].id;
  }
  std::string never;
  for (const StepId s : steps_never_started(result))
    never += (never.empty() ? "" : ", ") + scenario.steps[s.value].id;
  if (gave_up.empty() || never.empty())
    return gave_up.empty() ? (never.empty() ? "" : never + " never started") : gave_up + " gave up";
  return gave_up + " gave up, " + never + " never started";
}

// What set the runbook's end: a chain from each step that ended last.
std::string critical_path_lines(const Scenario& scenario, const RunResult& result) {
  const std::vector<std::vector<StepId>> paths = critical_paths(scenario, result);
  if (paths.empty())
    return "";
  const ScenarioClock& clock = scenario.clock;
  const StepId end_step = paths.front().back();
  const StepOutcome& last = result.steps[end_step.value];
  const std::string at =
      last.completed ? ", at " + clock.local_text(*last.completed) : ", still running at the end";
  std::string what;
  if (last.failed) {
    what = fmt::format("what set when the runbook stopped: {} gave up at {}",
                       scenario.steps[end_step.value].id,
                       clock.local_text(*step_ended(result, end_step)));
  } else if (const std::string why = unfinished_words(scenario, result); !why.empty()) {
    // Found by a helper: a runbook whose last step never started (its
    // crew gone) was said to have finished.
    what = fmt::format("what set when the last step to run ended{}; the runbook did not finish: {}",
                       at, why);
  } else if (last.completed) {
    what = "what set when the runbook finished" + at;
  } else {
    what = "what held the runbook up: it was still running at the end";
  }
  if (paths.size() > 1) {
    what += fmt::format(
        "; {} steps ended then, each on a path of its own: speeding up one alone ends it no "
        "sooner",
        paths.size());
  }
  std::string out = fmt::format("\nCritical path{} ({})\n", paths.size() > 1 ? "s" : "", what);
  for (const std::vector<StepId>& path : paths) {
    std::string chain;
    for (const StepId s : path)
      chain += (chain.empty() ? "" : " -> ") + scenario.steps[s.value].id;
    out += "  " + chain + "\n";
  }
  return out;
}

std::string runbook_lines(const Scenario& scenario, const RunResult& result) {
  std::vector<std::string> started;
  std::vector<std::string> completed;
  for (const StepOutcome& o : result.steps) {
    started.push_back(time_or_dash(scenario.clock, o.started));
    completed.push_back(time_or_dash(scenario.clock, o.completed));
  }
  const std::size_t w = std::max(time_column_width(started), time_column_width(completed));
  const std::size_t id_w = id_column_width(scenario.steps, 28);
  std::string out = "\nRunbook (restored: user-hours the users a step brought back had lost)\n";
  out += fmt::format("  {:<{}} {:<{}} {:<{}} {:<11} {:>15}\n", "step", id_w, "started", w,
                     "completed", w, "outcome", "restored");
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    const StepOutcome& o = result.steps[s];
    out +=
        fmt::format("  {:<{}} {:<{}} {:<{}} {:<11} {:>15}\n", scenario.steps[s].id, id_w,
                    started[s], w, completed[s], w, outcome_name(o), user_hours(o.restored_loss));
  }
  // The rest of the loss, so that the column adds up to what was lost
  // (found by a helper: what faults that healed brought back was missing).
  const std::size_t label_w = id_w + 2 * w + 11 + 3;
  const auto rest = [&](std::string_view label, UserTime loss) {
    out += fmt::format("  {:<{}} {:>15}\n", fmt::format("({})", label), label_w, user_hours(loss));
  };
  if (result.restored_loss_otherwise.user_ms > 0)
    rest(kRestoredOtherwise, result.restored_loss_otherwise);
  if (const UserTime unrestored = loss_still_cut_off(result); unrestored.user_ms > 0)
    rest(kStillCutOff, unrestored);
  return out;
}

// Each crew's busy member-hours against its members on hand over the
// runbook's span.
std::string crew_lines(const Scenario& scenario, const RunResult& result) {
  std::string out;
  if (!scenario.crews.empty()) {
    const std::size_t id_w = id_column_width(scenario.crews, 28);
    out +=
        "\nCrews (utilisation: busy member-hours over its members' hours on hand in the runbook's "
        "span, its size as resized and those kept on a step past a cut, hours off shift "
        "included; beyond size: busy hours of those kept on)\n";
    out += fmt::format("  {:<{}} {:>5} {:>12} {:>12} {:>9} {:>11}\n", "crew", id_w, "size",
                       "busy hours", "beyond size", "peak busy", "utilisation");
    for (std::uint32_t c = 0; c < scenario.crews.size(); ++c) {
      const CrewOutcome& o = result.crews[c];
      const auto utilisation = o.utilisation();
      out += fmt::format("  {:<{}} {:>5} {:>12.1f} {:>12.1f} {:>9} {:>11}\n", scenario.crews[c].id,
                         id_w, scenario.crews[c].size, o.busy.in_hours(), o.beyond_size.in_hours(),
                         o.peak_busy, utilisation ? percent(*utilisation) : "-");
    }
  }

  return out;
}

std::string service_lines(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  std::vector<std::string> restored;
  for (const ServiceOutcome& o : result.services)
    restored.push_back(time_or_dash(scenario.clock, o.restored_at));
  const std::size_t w = time_column_width(restored);
  const std::size_t id_w = id_column_width(topology.services(), 28);
  std::string out = "\nServices\n";
  out += fmt::format("  {:<{}} {:>11} {:>11} {:>11}  {:<{}} {}\n", "service", id_w, "down",
                     "partial", "degraded", "restored at", w, "final state");
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    const ServiceOutcome& o = result.services[s];
    out += fmt::format("  {:<{}} {:>11} {:>11} {:>11}  {:<{}} {}\n", topology.services()[s].id,
                       id_w, human_duration(o.down), human_duration(o.partial),
                       human_duration(o.degraded), restored[s], w, to_string(o.final_state));
  }

  return out;
}

std::string user_group_lines(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  const auto peak_at = [&](const UserImpact& impact) {
    return impact.peak_active.value > 0 ? scenario.clock.local_text(impact.peak_active_at) : "-";
  };
  std::vector<std::string> peaks{peak_at(result.overall)};
  for (const UserImpact& impact : result.user_groups)
    peaks.push_back(peak_at(impact));
  const std::size_t w = time_column_width(peaks);
  // "all users", the last row's name, is shorter than the least width.
  const std::size_t id_w = id_column_width(topology.user_groups(), 28);
  std::string out = "\nUser groups (user-hours lost count active users)\n";
  out +=
      fmt::format("  {:<{}} {:>11} {:>11} {:>11}  {:<{}} {:>15} {:>11}\n", "group", id_w, "users",
                  "peak cut", "peak active", "active peak at", w, "user-hours lost", "cut at end");
  const auto impact_row = [&](const std::string& name, UserCount users, const UserImpact& impact) {
    return fmt::format("  {:<{}} {:>11} {:>11} {:>11}  {:<{}} {:>15} {:>11}\n", name, id_w,
                       thousands(users.value), thousands(impact.peak_affected.value),
                       thousands(impact.peak_active.value), peak_at(impact), w,
                       user_hours(impact.lost), thousands(impact.cut_off_at_end.value));
  };
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroup& group = topology.user_groups()[g];
    out += impact_row(group.id, group.users, result.user_groups[g]);
  }
  out += impact_row("all users", topology.users(), result.overall);

  return out;
}

// How many tenants were out over time, and the share of the most out that
// was back.
std::string tenant_lines(const Scenario& scenario, const RunResult& result) {
  if (result.tenants_out.empty())
    return {};
  std::string out =
      "\nTenants out (on some per-tenant service; back: of the most out at once, from then on)\n";
  std::vector<std::string> from;
  for (const TenantsOut& o : result.tenants_out)
    from.push_back(scenario.clock.local_text(o.at));
  const std::size_t w = time_column_width(from);
  out += fmt::format("  {:<{}} {:>10} {:>12} {:>13} {:>11}\n", "from", w, "tenants", "their users",
                     "tenants back", "users back");
  for (std::size_t i = 0; i < from.size(); ++i) {
    const TenantsOut& o = result.tenants_out[i];
    out += fmt::format("  {:<{}} {:>10} {:>12} {:>13} {:>11}\n", from[i], w, thousands(o.tenants),
                       thousands(o.users.value), percent(o.tenants_back), percent(o.users_back));
  }
  return out;
}

std::string observed_lines(const Scenario& scenario, const RunResult& result) {
  if (scenario.observed.empty())
    return {};
  const ScenarioClock& clock = scenario.clock;
  std::vector<std::string> observed;
  for (const Milestone& milestone : scenario.observed)
    observed.push_back(milestone_when(clock, milestone));
  std::vector<std::string> simulated;
  for (const MilestoneOutcome& o : result.observed)
    simulated.push_back(time_or_dash(clock, o.simulated));
  const std::size_t observed_w = column_width(observed, 32);
  const std::size_t milestone_w = id_column_width(scenario.observed, 30);
  const std::size_t w = time_column_width(simulated);
  std::string out = "\nObserved versus simulated\n";
  out += fmt::format("  {:<{}} {:<{}} {:<{}} {:<14} {}\n", "milestone", milestone_w, "observed",
                     observed_w, "simulated", w, "difference", "met");
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    const MilestoneOutcome& o = result.observed[m];
    out += fmt::format("  {:<{}} {:<{}} {:<{}} {:<14} {}\n", scenario.observed[m].id, milestone_w,
                       observed[m], observed_w, simulated[m], w, difference_text(o),
                       o.met ? "yes" : "no");
  }
  return out;
}

}  // namespace

std::string replay_text(const Scenario& scenario, const RunResult& result) {
  return replay_header(scenario, result) + timeline_lines(scenario, result) +
         critical_path_lines(scenario, result) + waits_text(scenario, result) +
         runbook_lines(scenario, result) + crew_lines(scenario, result) +
         service_lines(scenario, result) + user_group_lines(scenario, result) +
         tenant_lines(scenario, result) + observed_lines(scenario, result);
}

namespace {

std::string layers_and_cycles(const Topology& topology, const TopologyAnalysis& analysis) {
  // Found by a helper: a cycle that depends on nothing else is layer 0,
  // which "depends on nothing" said of services that depend on each other.
  std::string out = analysis.cycles.empty()
                        ? "Dependency layers (layer 0 depends on nothing)\n"
                        : "Dependency layers (layer 0 depends on nothing outside its own cycles; "
                          "a cycle's services share a layer)\n";
  for (std::size_t l = 0; l < analysis.layers.size(); ++l) {
    std::string names;
    for (const ServiceId s : analysis.layers[l])
      names += (names.empty() ? "" : ", ") + topology.service(s).id;
    out += fmt::format("  {:>2}: {}\n", l, names);
  }
  if (analysis.cycles.empty())
    return out + "\nDependency cycles\n  none\n";
  out +=
      "\nDependency cycles (every service on a cycle is on one of these; -> a hard link, ~> a "
      "soft one; hard: after a full outage none of its services can come back first)\n";
  for (const DependencyCycle& cycle : analysis.cycles) {
    std::string path;
    for (std::size_t i = 0; i < cycle.services.size(); ++i)
      path += topology.service(cycle.services[i]).id +
              (cycle.links[i] == DependencyKind::hard ? " -> " : " ~> ");
    out += fmt::format("  {:<5} {}{}\n", cycle.hard() ? "hard" : "soft", path,
                       topology.service(cycle.services.front()).id);
  }
  return out;
}

std::string blast_radius_lines(const Topology& topology, const TopologyAnalysis& analysis) {
  std::string out = "\nBlast radius through hard dependencies (largest first)\n";
  const std::size_t id_w = id_column_width(topology.services(), 28);
  std::vector<const BlastRadius*> order;
  for (const auto& r : analysis.blast_radius)
    order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const BlastRadius* a, const BlastRadius* b) {
    return a->services_lost_count != b->services_lost_count
               ? a->services_lost_count > b->services_lost_count
               : a->users > b->users;
  });
  out += fmt::format("  {:<{}} {:>8} {:>11}  {}\n", "service", id_w, "services", "users",
                     "takes down");
  for (const BlastRadius* r : order) {
    std::string lost;
    for (const ServiceId s : r->services_lost)
      lost += (lost.empty() ? "" : ", ") + topology.service(s).id;
    const auto unlisted =
        static_cast<std::int64_t>(r->services_lost_count - r->services_lost.size());
    if (unlisted > 0)
      lost += fmt::format("{}{} {}", lost.empty() ? "" : " and ", thousands(unlisted),
                          lost.empty() ? "not listed" : "more");
    out +=
        fmt::format("  {:<{}} {:>8} {:>11}  {}\n", topology.service(r->service).id, id_w,
                    r->services_lost_count, thousands(r->users.value), lost.empty() ? "-" : lost);
  }
  return out;
}

std::string single_point_lines(const Topology& topology, const TopologyAnalysis& analysis) {
  std::string out = "\nSingle points of failure per user group\n";
  std::vector<std::string> components;
  for (const auto& group : analysis.single_points_of_failure) {
    for (const auto& spof : group.spofs)
      components.push_back(component_id(topology, spof.component));
  }
  const std::size_t component_w = column_width(components, 36);
  const auto service_list = [&](const std::vector<ServiceId>& services, std::string_view sep) {
    std::string list;
    for (const ServiceId s : services)
      list += (list.empty() ? "" : std::string(sep)) + topology.service(s).id;
    return list;
  };
  for (const auto& group : analysis.single_points_of_failure) {
    out += fmt::format("  {}\n", topology.user_group(group.group).id);
    if (group.spofs.empty())
      out += "    none\n";
    for (const auto& spof : group.spofs) {
      out += fmt::format("    {:<10} {:<{}} takes down {}{}\n", component_kind(spof.component),
                         component_id(topology, spof.component), component_w,
                         service_list(spof.services_down, ", "),
                         spof.path.empty() ? "" : " (" + service_list(spof.path, " -> ") + ")");
    }
  }
  return out;
}

}  // namespace

std::string analysis_text(const Topology& topology, const TopologyAnalysis& analysis) {
  std::string out =
      fmt::format("Topology  {}\n\n", topology.name().empty() ? topology.file() : topology.name());
  out += layers_and_cycles(topology, analysis) + blast_radius_lines(topology, analysis);
  if (!analysis.down_at_peak.empty()) {
    std::vector<std::string_view> ids;
    for (const ServiceId s : analysis.down_at_peak)
      ids.push_back(topology.service(s).id);
    out += fmt::format(
        "\nWARNING: in major outage at the busiest hour with nothing lost (short of capacity, "
        "or fallen over under their load): {}. No loss takes them down, so no group lists "
        "them below.\n",
        fmt::join(ids, ", "));
  }
  return out + single_point_lines(topology, analysis);
}

std::string events_text(const Scenario& scenario, const RunResult& result, SimTime from,
                        SimTime to) {
  // The timeline is in time order: the entries shown end those so far.
  std::vector<const TimelineEntry*> so_far;
  std::size_t first_shown = 0;
  for (const auto& e : result.timeline) {
    if (e.at > to)
      break;
    so_far.push_back(&e);
    if (e.at <= from)
      first_shown = so_far.size();
  }
  return entry_lines(scenario, so_far, first_shown);
}

namespace {

// Tenants out now, in a run where some went out: a service's state does
// not show them.
std::string tenants_status_line(const RunResult& result, SimTime now) {
  if (result.tenants_out.empty())
    return "";
  const TenantsOut* latest = nullptr;
  for (const TenantsOut& t : result.tenants_out) {
    if (t.at > now)
      break;
    latest = &t;
  }
  const int tenants = latest ? latest->tenants : 0;
  return fmt::format("Tenants   {} out on some per-tenant service, {} users\n", thousands(tenants),
                     thousands(latest ? latest->users.value : 0));
}

}  // namespace

std::string rehearsal_status_text(const Rehearsal& rehearsal) {
  const Scenario& scenario = rehearsal.scenario();
  const RunResult& result = rehearsal.result();
  const Topology& topology = *scenario.topology;
  const SimTime now = rehearsal.now();
  std::vector<const TimelineEntry*> service_state(topology.services().size(), nullptr);
  std::vector<const TimelineEntry*> crew(scenario.crews.size(), nullptr);
  const TimelineEntry* users = nullptr;
  for (const auto& e : result.timeline) {
    if (e.at > now)
      break;
    if (e.kind == TimelineKind::service_state)
      service_state[e.service().value] = &e;
    else if (e.kind == TimelineKind::crew)
      crew[e.crew().value] = &e;
    else if (e.kind == TimelineKind::users)
      users = &e;
  }
  std::string out;
  out += fmt::format("At {} ({})\n", scenario.clock.local_text(now), human_offset(now));
  // Services and crews in one column, as wide as either's longest id.
  const std::size_t id_w =
      std::max(id_column_width(topology.services(), 28), id_column_width(scenario.crews, 28));
  out += fmt::format("Users     {} cut off, {} of them active\n",
                     thousands(users ? users->affected.value : 0),
                     thousands(users ? users->active.value : 0));
  out += tenants_status_line(result, now);
  out += "Services\n";
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    const TimelineEntry* e = service_state[s];
    const ServiceState state = e ? e->to : ServiceState::operational;
    out += fmt::format("  {:<{}} {}{}\n", topology.services()[s].id, id_w, to_string(state),
                       state == ServiceState::operational || !e
                           ? ""
                           : " (" + served_percent(e->served_fraction) + " served)");
  }
  out += "Runbook\n";
  const std::vector<StepWaits> waits = step_waits(scenario, result);
  for (const StepStatus status :
       {StepStatus::running, StepStatus::verifying, StepStatus::rolling_back, StepStatus::ready,
        StepStatus::awaiting_services, StepStatus::waiting, StepStatus::blocked, StepStatus::done,
        StepStatus::skipped, StepStatus::failed}) {
    std::string steps;
    for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
      if (step_status_at(scenario, result, StepId{s}, now) != status)
        continue;
      steps += (steps.empty() ? "" : ", ") + scenario.steps[s].id;
      // What a step that could go on is waiting for.
      const Wait* wait = waits[s].waiting_at(now);
      if (status != StepStatus::blocked && wait)
        steps += " (" + wait_text(scenario, *wait) + ")";
    }
    if (!steps.empty())
      out += fmt::format("  {:<13} {}\n", to_string(status), steps);
  }
  if (!scenario.crews.empty()) {
    out += "Crews\n";
    for (std::uint32_t c = 0; c < scenario.crews.size(); ++c) {
      out += fmt::format("  {:<{}} {} of {} busy\n", scenario.crews[c].id, id_w,
                         crew[c] ? crew[c]->busy : 0,
                         crew[c] ? crew[c]->size : scenario.crews[c].size);
    }
  }
  return out;
}

std::string rehearsal_outcome_text(const Rehearsal& rehearsal) {
  const RunResult& result = rehearsal.result();
  return fmt::format("the run now ends {} with {} user-hours lost",
                     rehearsal.scenario().clock.local_text(result.end),
                     user_hours(result.overall.lost));
}

std::string optimize_text(const Scenario& scenario, const OptimizedPriority& found) {
  std::string order;
  for (const StepId s : found.order)
    order += (order.empty() ? "" : ", ") + scenario.steps[s.value].id;
  std::string out;
  out += fmt::format(
      "Optimize: {} priority lists judged on the same {} runs each (streams of their own, seed "
      "{})\n",
      found.evaluations, found.runs, found.seed);
  const std::string start = "started from " + std::string(to_string(found.started_from));
  out += fmt::format("  {:<44} {:>15} user-hours lost (mean of the search's runs)\n", start,
                     thousands(std::llround(found.start_user_hours)));
  out += fmt::format("  {:<44} {:>15}{}\n", "best order found",
                     thousands(std::llround(found.search_user_hours)),
                     found.search_user_hours < found.start_user_hours
                         ? ""
                         : "  (no better order than the one it started from)");
  if (found.check_user_hours && found.check_start_user_hours) {
    out += fmt::format("  checked on {} other runs: the order found {}, the start {}{}\n",
                       found.runs, thousands(std::llround(*found.check_user_hours)),
                       thousands(std::llround(*found.check_start_user_hours)),
                       found.kept_start ? "; no better there, so the start's order is kept" : "");
  }
  out += "  to keep it, put in the scenario:\n";
  out += "    strategy: priority\n";
  out += fmt::format("    priority: [{}]\n\n", order);
  return out;
}

}  // namespace faultline::reports
