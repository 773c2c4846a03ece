#include "faultline/reports/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "faultline/strategy.hpp"
#include "format.hpp"

namespace faultline::reports {

namespace {

bool word_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Input text as Markdown that shows it as written: punctuation Markdown
// would act on is backslash-escaped, and '<' and '&' become entities, so
// that a renderer passing HTML through shows them as text. An underscore
// inside a word (major_outage) acts on nothing and stays as it is.
std::string md(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      case '_':
        if (i > 0 && i + 1 < text.size() && word_character(text[i - 1]) &&
            word_character(text[i + 1])) {
          out += c;
          break;
        }
        [[fallthrough]];
      case '>':
        if (c == '>' && i > 0) {
          out += c;
          break;
        }
        [[fallthrough]];
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '|':
      case '#':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A sentence from the input, ended with a full stop unless it has one.
std::string sentence(std::string_view text) {
  const std::string out = md(text);
  return !out.empty() && std::string_view(".!?").find(out.back()) == std::string_view::npos
             ? out + "."
             : out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells)
    out += " " + c + " |";
  return out + "\n";
}

// A table's heading and alignment rows; a heading starting with '>' is
// right-aligned (numbers).
std::string heading(const std::vector<std::string>& columns) {
  std::vector<std::string> names;
  std::string rule = "|";
  for (const std::string& c : columns) {
    const bool right = c.starts_with('>');
    names.push_back(right ? c.substr(1) : c);
    rule += right ? " ---: |" : " --- |";
  }
  return row(names) + rule + "\n";
}

// Error budgets with what their events are, when there are any.
std::string budgets_section(const BudgetTable& t, std::string_view title = "Error budgets") {
  if (t.rows.empty())
    return "";
  std::string out = fmt::format("\n## {}\n\n{}\n\n", md(title), md(t.note));
  out += heading(t.columns);
  for (const std::vector<std::string>& cells : t.rows) {
    std::vector<std::string> escaped;
    for (const std::string& c : cells)
      escaped.push_back(md(c));
    out += row(escaped);
  }
  return out;
}

std::string facts(const Scenario& scenario, std::string_view run) {
  const Topology& topology = *scenario.topology;
  std::string out;
  if (!scenario.description.empty())
    out += md(scenario.description) + "\n\n";
  out += fmt::format("- **Scenario:** {}\n", md(scenario_and_file(scenario)));
  out += fmt::format("- **Topology:** {}\n",
                     md(topology.name().empty() ? topology.file() : topology.name()));
  out += fmt::format("- **Run:** {}; strategy {}\n", run, to_string(strategy_asked(scenario)));
  out += fmt::format("- **T0:** {} ({}); all times below are in this zone\n",
                     scenario.clock.local_text(SimTime{}), md(scenario.clock.zone_name()));
  return out;
}

// Timeline entries a reader of a review wants: not the users, crew and wave
// book-keeping the other reports carry.
bool worth_a_line(TimelineKind k) {
  return k != TimelineKind::users && k != TimelineKind::crew && k != TimelineKind::step_wave;
}

// Every failed attempt, retry, method handed over and give-up, step by
// step, in the order they happened; empty when nothing failed.
std::string failures_text(const Scenario& scenario, const RunResult& result) {
  std::string out;
  for (const TimelineEntry& e : result.timeline) {
    const bool failure =
        e.kind == TimelineKind::step_attempt_failed || e.kind == TimelineKind::step_retry ||
        e.kind == TimelineKind::step_next_method || e.kind == TimelineKind::step_failed ||
        e.kind == TimelineKind::step_rolled_back || e.kind == TimelineKind::failover_failed;
    if (failure) {
      out += fmt::format("- {} ({}): {}\n", scenario.clock.local_text(e.at), human_offset(e.at),
                         md(entry_description(scenario, e)));
    }
  }
  return out.empty() ? out : "\n## What failed\n\n" + out;
}

// "completed by X in half of the runs and by Y in 90%", saying plainly
// where a percentile falls among the runs in which it never completed.
std::string completion_phrase(const ScenarioClock& clock, const EventTimes& times) {
  const auto p50 = times.quantile(0.5);
  const auto p90 = times.quantile(0.9);
  const std::string never = percent(share(times.never(), times.runs()));
  if (!p50)
    return "it did not complete in " + never + " of the runs";
  std::string out = "completed by " + at_local(clock, *p50) + " in half of the runs";
  if (p90)
    return out + " and by " + at_local(clock, *p90) + " in 90%";
  return out + ", and not by the end in " + never;
}

// Users still cut off when the run ended: their loss goes on past it.
std::string still_cut_off_text(const Scenario& scenario, const RunResult& result) {
  if (result.overall.cut_off_at_end.value == 0)
    return "";
  return fmt::format(
      "- **{} users were still cut off when the run ended** at {}{}; their loss goes on past "
      "what is counted here.\n",
      thousands(result.overall.cut_off_at_end.value), scenario.clock.local_text(result.end),
      scenario.horizon ? ", the scenario's horizon"
                       : fmt::format(", the default horizon of {} (the scenario sets none)",
                                     human_duration(kDefaultHorizon)));
}

// The services that do not serve everyone at the end, as RunResult::
// services_restored counts them.
std::string services_still_out(const Topology& topology, const RunResult& result) {
  std::string out;
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (!serves_everyone(result.services[s].final_state))
      out += (out.empty() ? "" : ", ") + md(topology.services()[s].id);
  }
  return out;
}

// When a step gave up or never ran: which, and what was still out at the
// end. Empty when every step completed or was skipped.
std::string unfinished_runbook_text(const Scenario& scenario, const RunResult& result) {
  std::string gave_up;
  std::string never_ran;
  std::string running;
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    const StepOutcome& o = result.steps[s];
    const std::string id = "**" + md(scenario.steps[s].id) + "**";
    if (o.failed) {
      gave_up += fmt::format("{}{} after {} attempt(s){}", gave_up.empty() ? "" : "; ", id,
                             o.attempts, o.rolled_back ? ", rolled back" : "");
    } else if (o.started && !o.completed && !o.skipped) {
      running += (running.empty() ? "" : ", ") + id;
    }
  }
  for (const StepId s : steps_never_started(result))
    never_ran +=
        fmt::format("{}**{}**", never_ran.empty() ? "" : ", ", md(scenario.steps[s.value].id));
  if (gave_up.empty() && never_ran.empty())
    return "";
  std::string out = "The runbook did not finish.";
  if (!gave_up.empty())
    out += " Gave up: " + gave_up + ".";
  if (!never_ran.empty())
    out += " Never ran: " + never_ran + ".";
  if (!running.empty())
    out += " Still running at the end: " + running + ".";
  const std::string out_services = services_still_out(*scenario.topology, result);
  out += fmt::format(" When the run ended at {}, {} users were still cut off{}.\n\n",
                     scenario.clock.local_text(result.end),
                     thousands(result.overall.cut_off_at_end.value),
                     out_services.empty() ? "" : " and these services still out: " + out_services);
  return out;
}

// The longest waits of ready steps, paused work and done work, with what
// held them.
std::string stalls_text(const Scenario& scenario, const RunResult& result) {
  constexpr std::size_t kShown = 10;
  const std::vector<Stall> ranked = stalls(step_waits(scenario, result));
  std::string out = "\n## Where the runbook stalled\n\n";
  if (ranked.empty())
    return out +
           "No step waited once it was ready, no work paused, and no gate held a step "
           "after its work.\n";
  out +=
      "Times in which a step was ready but could not start, its work was paused while its crew "
      "was off shift, or its work was done but its gate was not open; largest first.\n\n";
  out += heading({"step", "from", ">waited", "why"});
  for (std::size_t i = 0; i < std::min(kShown, ranked.size()); ++i) {
    const Stall& stall = ranked[i];
    out += row({md(scenario.steps[stall.step.value].id), scenario.clock.local_text(stall.wait.from),
                human_duration(stall.wait.length()), md(wait_text(scenario, stall.wait))});
  }
  if (ranked.size() > kShown) {
    Duration rest;
    for (std::size_t i = kShown; i < ranked.size(); ++i)
      rest += ranked[i].wait.length();
    out += fmt::format("\n{} shorter waits, {} in all, are in the replay's JSON.\n",
                       ranked.size() - kShown, human_duration(rest));
  }
  return out;
}

// Whether the platform of a network run carries its load with nothing
// failed; when not, every short service under the bottleneck it crossed.
std::string baseline_section(const Scenario& scenario, const NetworkBaseline& baseline) {
  const std::string headline = md(baseline_headline(scenario, baseline));
  if (baseline.healthy())
    return "\n## Baseline\n\n" + headline + ".\n";
  std::string out =
      "\n## Baseline: the platform does not carry its load\n\n**" + headline + ".**\n\n";
  for (const BottleneckGroup& group : bottleneck_groups(baseline)) {
    out += group.resource
               ? "- Bottleneck: " + md(bottleneck_text(scenario, baseline.loads[*group.resource])) +
                     ".\n"
               : "- No resource on their way was asked for more than it carries.\n";
    for (const BaselineShortfall* s : group.services)
      out += "  - " + md(shortfall_text(scenario, *s)) + "\n";
  }
  return out;
}

// Tenants out on a per-tenant service are not seen in the services' states.
std::string tenants_text(const ScenarioClock& clock, const TenantsPeak& peak) {
  if (peak.tenants == 0)
    return "";
  const std::string worst = fmt::format(
      "- Tenants out on some per-tenant service: at worst {}, and at worst {} of their "
      "users",
      thousands(peak.tenants), thousands(peak.users.value));
  if (const auto& back = peak.all_back) {
    return fmt::format("{}; the last came back at {}, {} after T0.\n", worst,
                       clock.local_text(*back), human_duration(back->since_t0()));
  }
  return worst + "; some were still out when the run ended.\n";
}

// Which services were disrupted and for how long, and each group's loss.
std::string services_and_groups_text(const Scenario& scenario, const RunResult& result) {
  const Topology& topology = *scenario.topology;
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  std::vector<std::uint32_t> hit;
  std::string still_slowed;
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    const ServiceOutcome& o = result.services[s];
    if (!o.first_down && o.partial.ms == 0 && o.degraded.ms == 0)
      continue;
    hit.push_back(s);
    if (o.final_state == ServiceState::degraded_performance)
      still_slowed += (still_slowed.empty() ? "" : ", ") + md(topology.services()[s].id);
  }
  const std::string slowed =
      still_slowed.empty() ? "" : fmt::format("; still slowed at the end: {}", still_slowed);
  if (hit.empty() && result.tenants_peak.tenants > 0) {
    out +=
        "- No service's own state changed: users were cut off only as tenants out on "
        "per-tenant services.\n";
  } else if (hit.empty()) {
    out += "- No service lost anything.\n";
  } else if (const auto& back = result.services_restored) {
    out +=
        fmt::format("- {} services were disrupted; the last came back at {}, {} after T0{}.\n",
                    hit.size(), clock.local_text(*back), human_duration(back->since_t0()), slowed);
  } else {
    out += fmt::format("- {} services were disrupted; still out when the run ended at {}: {}{}.\n",
                       hit.size(), clock.local_text(result.end),
                       services_still_out(topology, result), slowed);
  }
  out += tenants_text(clock, result.tenants_peak);
  std::stable_sort(hit.begin(), hit.end(), [&](std::uint32_t a, std::uint32_t b) {
    return result.services[a].down > result.services[b].down;
  });
  if (!hit.empty())
    out += "\n" + heading({"service", ">major outage", ">partial outage", ">degraded", "back at",
                           "final state"});
  for (const std::uint32_t s : hit) {
    const ServiceOutcome& o = result.services[s];
    out += row({md(topology.services()[s].id), human_duration(o.down), human_duration(o.partial),
                human_duration(o.degraded), time_or_dash(clock, o.restored_at),
                std::string(to_string(o.final_state))});
  }
  out += "\n" + heading({"user group", ">users", ">cut off at worst", ">active cut off at worst",
                         ">user-hours lost", ">still cut off at the end"});
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroup& group = topology.user_groups()[g];
    const UserImpact& impact = result.user_groups[g];
    out += row({md(group.id), thousands(group.users.value), thousands(impact.peak_affected.value),
                thousands(impact.peak_active.value), user_hours(impact.lost),
                thousands(impact.cut_off_at_end.value)});
  }

  return out;
}

// Who was cut off at worst, and what was lost.
std::string impact_section(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  out += "\n## Impact\n\n";
  out += fmt::format("- **{} active users** were cut off at worst, at {}.\n",
                     thousands(result.overall.peak_active.value),
                     clock.local_text(result.overall.peak_active_at));
  out += fmt::format("- **{} registered users** were cut off at worst, at {}.\n",
                     thousands(result.overall.peak_affected.value),
                     clock.local_text(result.overall.peak_at));
  out += fmt::format("- **{} user-hours** were lost by active users.\n",
                     user_hours(result.overall.lost));
  out += still_cut_off_text(scenario, result);
  out += services_and_groups_text(scenario, result);
  return out;
}

std::string timeline_section(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  out += "\n## Timeline\n\n" + heading({"time", "since T0", "what happened"});
  for (const TimelineEntry& e : result.timeline) {
    if (worth_a_line(e.kind)) {
      out += row({clock.local_text(e.at), human_offset(e.at),
                  fmt::format("{} {}", kind_label(e.kind), md(entry_description(scenario, e)))});
    }
  }

  return out;
}

// Which step brought back whom, and what they had lost.
std::string restoration_section(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  out += "\n## Restoration: who came back, and when\n\n";
  out +=
      "Users back: registered users no longer cut off once the step finished a wave or completed. "
      "User-hours: what the users it brought back had lost until then.\n\n";
  out += heading({"completed", "step", ">users back", ">user-hours they had lost"});
  std::vector<std::uint32_t> by_completion;
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    if (result.steps[s].completed)
      by_completion.push_back(s);
  }
  std::stable_sort(by_completion.begin(), by_completion.end(), [&](auto a, auto b) {
    return *result.steps[a].completed < *result.steps[b].completed;
  });
  for (const std::uint32_t s : by_completion) {
    const StepOutcome& o = result.steps[s];
    const UserCount back = o.users_back;
    if (o.restored_loss.user_ms == 0 && back.value == 0)
      continue;
    out += row({clock.local_text(*o.completed), md(scenario.steps[s].id), thousands(back.value),
                user_hours(o.restored_loss)});
  }
  if (result.restored_loss_otherwise.user_ms > 0) {
    out += row(
        {"-", std::string(kRestoredOtherwise), "-", user_hours(result.restored_loss_otherwise)});
  }
  const UserTime unrestored = loss_still_cut_off(result);
  if (unrestored.user_ms > 0)
    out += row({"-", std::string(kStillCutOff), "-", user_hours(unrestored)});
  out +=
      "\nWhen several steps finish at the same instant, the users back then are shown against "
      "each of them, and the user-hours they had lost are shared among those that reach them.\n";

  return out;
}

// The longest step on the critical path, and what it waited for.
std::string slowest_stage_text(const Scenario& scenario, const RunResult& result,
                               const std::vector<StepId>& path) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  const auto span = [&](StepId s) { return step_span(result, s).value_or(Duration{}); };
  const StepId slowest = *std::max_element(path.begin(), path.end(),
                                           [&](StepId a, StepId b) { return span(a) < span(b); });
  const Step& step = scenario.steps[slowest.value];
  const StepOutcome& o = result.steps[slowest.value];
  out += fmt::format(
      "The slowest stage on it was **{}**{}: {} from {} to {}", md(step.id),
      step.crew ? " (crew " + md(scenario.crews[step.crew->value].id) + ")" : "",
      human_duration(span(slowest)), time_or_dash(clock, o.started),
      o.completed || o.failed ? clock.local_text(*step_ended(result, slowest)) : "the end");
  if (o.failed)
    out += ", when it gave up";
  if (o.completed && o.crew_freed && *o.completed > *o.crew_freed) {
    out += fmt::format(", of which {} waiting at its verification gate",
                       human_duration(*o.completed - *o.crew_freed));
  }
  out += ".";
  if (!step.description.empty())
    out += " " + sentence(step.description);
  out += "\n";
  return out;
}

// The steps that ended with the critical path's last, each on a path of
// its own; empty when it ended alone.
std::string tied_paths_text(const Scenario& scenario, const RunResult& result) {
  const std::vector<std::vector<StepId>> paths = critical_paths(scenario, result);
  if (paths.size() < 2)
    return "";
  std::string ids;
  for (std::size_t p = 1; p < paths.size(); ++p)
    ids += (ids.empty() ? "" : ", ") + ("**" + md(scenario.steps[paths[p].back().value].id) + "**");
  return fmt::format(
      " {} ended at the same instant, each on a path of its own: speeding up one alone ends the "
      "runbook no sooner.",
      ids);
}

// The critical path, its slowest stage and the step the loss waited on.
std::string slowest_stage_section(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  out += "\n## The slowest stage\n\n";
  const std::vector<StepId> path = critical_path(scenario, result);
  const std::string unfinished = unfinished_runbook_text(scenario, result);
  out += unfinished;
  if (path.empty()) {
    out += "No runbook step completed.\n";
  } else {
    std::string chain;
    for (const StepId s : path)
      chain += (chain.empty() ? "" : " → ") + md(scenario.steps[s.value].id);
    const StepOutcome& last = result.steps[path.back().value];
    if (unfinished.empty()) {
      out += fmt::format("The runbook {} with its critical path {}.",
                         last.completed ? "finished at " + clock.local_text(*last.completed)
                                        : "was still running at the end",
                         chain);
    } else {
      out += fmt::format("Its critical path, as far as it went: {}.", chain);
    }
    out += tied_paths_text(scenario, result) + "\n\n";
    out += slowest_stage_text(scenario, result, path);
    const auto most = std::max_element(result.steps.begin(), result.steps.end(),
                                       [](const StepOutcome& a, const StepOutcome& b) {
                                         return a.restored_loss < b.restored_loss;
                                       });
    if (most != result.steps.end() && most->restored_loss.user_ms > 0) {
      const Step& big = scenario.steps[static_cast<std::size_t>(most - result.steps.begin())];
      out += fmt::format(
          "\nThe largest share of the loss waited on **{}**: the users it brought back had lost "
          "{} user-hours by then.\n",
          md(big.id), user_hours(most->restored_loss));
    }
  }

  return out;
}

std::string public_record_section(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  if (!scenario.observed.empty()) {
    out += "\n## Against the public record\n\n";
    out += heading({"milestone", "observed", "simulated", ">difference", "met"});
    for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
      const Milestone& milestone = scenario.observed[m];
      const MilestoneOutcome& o = result.observed[m];
      out += row({md(milestone.id), milestone_when(clock, milestone),
                  time_or_dash(clock, o.simulated), difference_text(o), o.met ? "yes" : "no"});
    }
  }
  return out;
}

std::string replay_summary_of(const Scenario& scenario, const RunResult& result,
                              std::string_view kind, const RunBudgets* budgets,
                              const std::string& baseline = "") {
  std::string out = fmt::format("# Post-incident summary: {}\n\n", md(scenario_title(scenario)));
  out += facts(scenario, kind);
  out += baseline;
  out += impact_section(scenario, result);
  out += timeline_section(scenario, result);
  out += failures_text(scenario, result);
  out += restoration_section(scenario, result);
  out += stalls_text(scenario, result);
  out += slowest_stage_section(scenario, result);
  out += public_record_section(scenario, result);
  if (budgets)
    out += budgets_section(budgets_table(*budgets));
  return out;
}

std::string request_rows(const ScenarioClock& clock, const std::vector<std::string>& names,
                         const std::vector<std::vector<RequestWindow>>& series) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const RequestTotals t = request_totals(series[i]);
    out += row({md(names[i]), millions(t.requests), percent(t.success_rate()),
                worst_success_text(clock, t), worst_p99_text(clock, t)});
  }
  return out;
}

}  // namespace

std::string replay_summary(const Scenario& scenario, const RunResult& result,
                           const RunBudgets* budgets) {
  return replay_summary_of(scenario, result, "replay with nominal durations (each at its median)",
                           budgets);
}

std::string network_summary(const Scenario& scenario, const NetworkRunResult& result,
                            const RunBudgets* budgets) {
  const Topology& topology = *scenario.topology;
  const RequestMetrics& m = result.requests;
  std::string out =
      replay_summary_of(scenario, result.run,
                        "replay with nominal durations (each at its median), at network fidelity",
                        budgets, baseline_section(scenario, result.baseline));
  out += fmt::format(
      "\n## Requests\n\nWhat users asked of the estate, per window of {}; the p99 counts "
      "answers that came after the timeout ({}).\n\n",
      human_duration(m.window), human_duration(topology.network().request.timeout));
  if (result.resolution.unseen > 0)
    out += "**Warning:** " + md(unseen_text(scenario.clock, result.resolution)) + ".\n\n";
  if (result.resolution.changes_late > 0)
    out += md(seen_late_text(result.resolution)) + ".\n\n";
  const auto columns = [](std::string first) {
    return heading({std::move(first), ">requests", ">served", "lowest success", "highest p99"});
  };
  std::vector<std::string> names;
  for (const UserGroup& g : topology.user_groups())
    names.push_back(g.id);
  out += columns("user group") + request_rows(scenario.clock, names, m.groups);
  names.clear();
  for (const Service& s : topology.services())
    names.push_back(s.id);
  out += "\n" + columns("service") + request_rows(scenario.clock, names, m.services);
  return out;
}

// The loss with its confidence interval and spread.
std::string confidence_section(const MonteCarloResult& result) {
  std::string out;
  const Summary lost = result.overall.user_seconds_lost.summary();
  const Summary peak = result.overall.peak_active.summary();
  const auto uh = [](double seconds) { return millions(seconds / kSecondsPerHour); };
  out += "\n## Impact, with confidence\n\n";
  out += fmt::format("- **Mean user-hours lost: {}**", uh(lost.mean));
  if (lost.ci_low) {
    out += fmt::format(". With 95% confidence the expected loss lies between {} and {}",
                       uh(*lost.ci_low), uh(*lost.ci_high));
  }
  out += ".\n";
  // Percentiles are nearest-rank values to within 0.8%: "less than" them is
  // untrue where many runs lost the same (a tenth at the least loss).
  out += fmt::format(
      "- 10% of the runs lost about {} or less, half about {} or less, 90% about {} or less and "
      "99% about {} or less; the runs ranged from {} to {}.\n",
      uh(lost.p10), uh(lost.p50), uh(lost.p90), uh(lost.p99), uh(static_cast<double>(lost.min)),
      uh(static_cast<double>(lost.max)));
  out += fmt::format(
      "- Active users cut off at worst: mean {}, 10th percentile {}, median {}, 90th percentile "
      "{}.\n",
      millions(peak.mean), millions(peak.p10), millions(peak.p50), millions(peak.p90));
  if (result.overall.runs_ending_cut_off > 0) {
    out += fmt::format(
        "- **In {} of the runs users were still cut off when the run ended** (mean {} users); "
        "their loss goes on past what is counted here.\n",
        percent(share(result.overall.runs_ending_cut_off, result.runs)),
        millions(result.overall.cut_off_at_end.mean()));
  }
  out +=
      "- The intervals are about the mean over many such outages; a single outage's loss "
      "varies as the percentiles show.\n";

  return out;
}

// How often each service was out, and when it was back.
std::string service_statistics_section(const Scenario& scenario, const MonteCarloResult& result) {
  const Topology& topology = *scenario.topology;
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  out += "\n## Services\n\n";
  out +=
      "\"Out\" is a partial or major outage; \"down\" is a major outage; tenants out on a "
      "per-tenant service count in the users cut off, not here. \"Back by\" is over the runs in "
      "which the service was out; where the percentile "
      "falls among the runs that ended with it still out, it reads \"not restored\".\n\n";
  out += heading({"service", ">out in", ">down in", ">mean down", ">p90 down", "back by (p10)",
                  "back by (p50)", "back by (p90)", ">still out at the end in"});
  for (std::size_t s = 0; s < result.services.size(); ++s) {
    const ServiceStatistics& stats = result.services[s];
    if (stats.runs_out() == 0)
      continue;
    const Summary down = stats.downtime_ms.summary();
    out += row({md(topology.services()[s].id), percent(share(stats.runs_out(), result.runs)),
                percent(share(stats.runs_down, result.runs)), duration_text(down.mean),
                duration_text(down.p90),
                event_time_text(clock, stats.restored_at, 0.1, "not restored"),
                event_time_text(clock, stats.restored_at, 0.5, "not restored"),
                event_time_text(clock, stats.restored_at, 0.9, "not restored"),
                percent(share(stats.restored_at.never(), result.runs))});
  }

  return out;
}

// The step to speed up first, and each step over the runs.
std::string runbook_statistics_section(const Scenario& scenario, const MonteCarloResult& result) {
  const ScenarioClock& clock = scenario.clock;
  const auto uh = [](double seconds) { return millions(seconds / kSecondsPerHour); };
  std::string out;
  out += "\n## Runbook\n\n";
  const std::vector<StepId> first = steps_to_speed_up_first(result);
  if (first.size() == 1) {
    const StepStatistics& most = result.steps[first[0].value];
    out += fmt::format(
        "The stage that adds the most time to the critical path, and so the one to speed up "
        "first, is **{}**: on it in {} of the runs, adding {} on average (criticality times its "
        "time on the path); {}.\n\n",
        md(scenario.steps[first[0].value].id), percent(share(most.runs_critical, result.runs)),
        duration_text(most.critical_ms.mean()), completion_phrase(clock, most.completed_at));
  } else if (!first.empty()) {
    std::string ids;
    for (const StepId s : first)
      ids += fmt::format("{}**{}**", ids.empty() ? "" : ", ", md(scenario.steps[s.value].id));
    out += fmt::format(
        "The stages that add the most time to the critical path add as much as one another: {}, "
        "{} on average each (criticality times its time on the path). Where they end together, "
        "on paths of their own, speeding up one alone ends the runbook no sooner.\n\n",
        ids, duration_text(result.steps[first[0].value].critical_ms.mean()));
  }
  out += heading({"step", ">on the critical path", "completed (p10)", "completed (p50)",
                  "completed (p90)", ">gave up in", ">restored user-hours (mean)"});
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const StepStatistics& stats = result.steps[s];
    out += row({md(scenario.steps[s].id), percent(share(stats.runs_critical, result.runs)),
                event_time_text(clock, stats.completed_at, 0.1, "not completed"),
                event_time_text(clock, stats.completed_at, 0.5, "not completed"),
                event_time_text(clock, stats.completed_at, 0.9, "not completed"),
                percent(share(stats.runs_failed, result.runs)),
                uh(stats.restored_user_seconds.mean())});
  }

  return out;
}

// "-4h55m / +2h22m / +14h44m", "never" where a percentile falls among the
// runs without the event.
std::string difference_spread(const MonteCarloResult& result, std::size_t m) {
  std::string out;
  for (const double q : {0.1, 0.5, 0.9}) {
    const auto d = milestone_difference(result, m, q);
    out += (out.empty() ? "" : " / ") + (d ? signed_duration(*d) : std::string("never"));
  }
  return out;
}

// The observed milestones against the runs.
std::string record_statistics_section(const Scenario& scenario, const MonteCarloResult& result) {
  const ScenarioClock& clock = scenario.clock;
  std::string out;
  if (!scenario.observed.empty()) {
    out += "\n## Against the public record\n\n";
    out += heading({"milestone", "observed", ">runs that met it", "simulated (p10)",
                    "simulated (p50)", "simulated (p90)", ">never happened in",
                    "simulated - observed (p10 / p50 / p90)"});
    for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
      const Milestone& milestone = scenario.observed[m];
      const EventTimes& times = result.milestone_times[m];
      out += row({md(milestone.id), milestone_when(clock, milestone),
                  percent(share(result.milestones_met[m], result.runs)),
                  event_time_text(clock, times, 0.1, "never"),
                  event_time_text(clock, times, 0.5, "never"),
                  event_time_text(clock, times, 0.9, "never"),
                  percent(share(times.never(), times.runs())), difference_spread(result, m)});
    }
  }
  return out;
}

std::string simulation_summary(const Scenario& scenario, const MonteCarloResult& result) {
  std::string out = fmt::format("# Simulation summary: {}\n\n", md(scenario_title(scenario)));
  out += facts(scenario, fmt::format("Monte Carlo, {}, seed {}{}",
                                     runs_text(result.runs, result.first_run, true), result.seed,
                                     result.network_fidelity ? ", at network fidelity" : ""));
  if (result.network_baseline)
    out += baseline_section(scenario, *result.network_baseline);
  if (const auto unseen = unseen_text(result.step_resolution, result.runs))
    out += "- **Warning:** " + md(*unseen) + ".\n";
  if (const auto late = seen_late_text(result.step_resolution))
    out += "- " + md(*late) + ".\n";
  if (result.reached_ci_target) {
    out += *result.reached_ci_target
               ? "- The confidence target was reached.\n"
               : "- **The confidence target was not reached** within the cap on runs.\n";
  }
  if (result.interrupted) {
    out += fmt::format("- **Interrupted after {} runs**: every figure is of those runs.\n",
                       thousands(static_cast<std::int64_t>(result.runs)));
  }

  out += confidence_section(result);
  out += service_statistics_section(scenario, result);
  out += runbook_statistics_section(scenario, result);
  out += record_statistics_section(scenario, result);
  out += budgets_section(budget_statistics_table(result.slos, result.slo_statistics,
                                                 result.network_fidelity, result.runs));
  return out;
}

std::string compare_summary(std::span<const Variant> variants, const Comparison& c) {
  std::string out = "# Comparison summary\n\n";
  out += fmt::format(
      "Paired Monte Carlo over {}, seed {}: run i of every variant draws the same random "
      "numbers, so each difference is measured run by run.\n\n",
      runs_text(c.runs, c.first_run, true), c.seed);
  for (const Variant& v : variants) {
    out += fmt::format("- **{}:** {}, strategy {}\n", md(v.name),
                       md(scenario_and_file(*v.scenario)), to_string(strategy_asked(*v.scenario)));
  }
  out += "\n## Ranking by mean user-hours lost\n\n";
  out += heading({">rank", "variant", ">mean", "95% CI of the mean", ">p90"});
  std::size_t place = 1;
  for (const std::size_t v : ranking(c)) {
    const Interval lost = mean_interval(ComparedMetric::user_seconds_lost, c.metrics[v][kLost]);
    out += row(
        {std::to_string(place++), md(c.names[v]), number(lost.mean), range_text(lost),
         number(in_unit(ComparedMetric::user_seconds_lost, c.metrics[v][kLost].quantile(0.9)))});
  }
  out += fmt::format(
      "\n## What the runs support\n\nEach variant against **{}**, run by run. A "
      "difference is significant when its paired t-test, adjusted by Holm's method over "
      "every pair of variants, is below 0.05 (with two variants: when its 95% interval leaves "
      "out 0).\n\n",
      md(c.names.front()));
  for (std::size_t v = 1; v < c.names.size(); ++v) {
    for (std::size_t m = 0; m < kComparedMetrics.size(); ++m) {
      const ComparedMetric metric = kComparedMetrics[m];
      const Interval d = interval(pair_of(c, 0, v, metric));
      if (!d.low) {
        out += fmt::format(
            "- **{}**, {}: a difference of {} {} in the one run, which supports "
            "no verdict.\n",
            md(c.names[v]), to_string(metric), number(d.mean), unit(metric));
      } else if (!d.significant) {
        out += fmt::format("- **{}**, {}: no significant difference (95% CI {}).\n", md(c.names[v]),
                           to_string(metric), range_text(d));
      } else {
        out += fmt::format("- **{}**, {}: {} {} {} on average (95% CI {}).\n", md(c.names[v]),
                           to_string(metric), number(std::abs(d.mean)), unit(metric),
                           d.mean < 0 ? "fewer" : "more", range_text(d));
      }
    }
  }
  out += "\n" + restoration_cap_note(c) + "\n";
  for (std::size_t v = 0; v < c.names.size() && !c.slos.empty(); ++v) {
    out += budgets_section(budget_statistics_table(c.slos, c.slo_statistics[v], false, c.runs),
                           "Error budgets of " + c.names[v]);
  }
  return out;
}

}  // namespace faultline::reports
