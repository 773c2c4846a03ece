#include "faultline/replay.hpp"

#include <algorithm>

#include "replay/run.hpp"

namespace faultline {

std::string_view outcome_name(const StepOutcome& o) {
  if (o.skipped)
    return "skipped";
  if (o.rolled_back)
    return "rolled_back";
  if (o.failed)
    return "failed";
  if (o.completed)
    return "done";
  return o.started ? "unfinished" : "not_started";
}

SimTime runbook_span_end(const RunResult& run) {
  SimTime end;
  for (const StepOutcome& o : run.steps)
    end = std::max(end, o.crew_freed.value_or(o.started ? run.end : SimTime{}));
  return end;
}

std::optional<SimTime> step_ended(const RunResult& run, StepId s) {
  const StepOutcome& o = run.steps[s.value];
  if (o.completed)
    return o.completed;
  if (!o.started)
    return std::nullopt;
  return o.failed ? o.crew_freed.value_or(run.end) : run.end;
}

UserTime loss_still_cut_off(const RunResult& run) {
  UserTime accounted = run.restored_loss_otherwise;
  for (const StepOutcome& o : run.steps)
    accounted += o.restored_loss;
  return UserTime{run.overall.lost.user_ms - accounted.user_ms};
}

std::vector<StepId> steps_never_started(const RunResult& run) {
  std::vector<StepId> out;
  for (std::uint32_t s = 0; s < run.steps.size(); ++s) {
    if (!run.steps[s].started && !run.steps[s].skipped)
      out.push_back(StepId{s});
  }
  return out;
}

std::optional<Duration> step_span(const RunResult& run, StepId s) {
  const auto ended = step_ended(run, s);
  const auto& started = run.steps[s.value].started;
  if (!ended || !started)
    return std::nullopt;
  return *ended - *started;
}

Duration crew_on_hand(const Crew& crew, SimTime until) {
  Duration on_hand;
  SimTime from;
  int size = crew.size;
  for (const CrewResize& r : crew.resized) {
    if (r.at >= until)
      break;
    on_hand += (r.at - from) * size;
    from = r.at;
    size = r.size;
  }
  return on_hand + (until - from) * size;
}

RunResult replay(const Scenario& scenario) {
  RunResult result;
  detail::RunOptions options;
  options.record_timeline = true;
  detail::Run(scenario).execute(options, result);
  return result;
}

namespace {

// Whether step s acts on a service of these requirements: restores,
// enables or fails it over, or rebuilds one of its deployments.
bool acts_on_any(const Scenario& scenario, std::uint32_t s,
                 const std::vector<ServiceRequirement>& requirements) {
  const Step& step = scenario.steps[s];
  return std::any_of(requirements.begin(), requirements.end(), [&](const ServiceRequirement& r) {
    return step.service == r.service ||
           std::any_of(step.deployments.begin(), step.deployments.end(), [&](DeploymentId d) {
             return scenario.topology->deployment(d).service == r.service;
           });
  });
}

}  // namespace

bool milestone_met(const Milestone& m, SimTime simulated) {
  const Duration diff = simulated - m.time;
  if (m.timing == MilestoneTiming::by)
    return diff <= m.within;
  return diff <= m.within && Duration{} - diff <= m.within;
}

namespace {

// The steps that ended last (a step still running when accounting stops
// counts as ending then, and one that gave up when it did), in runbook
// order.
void steps_ended_last(const RunResult& result, std::vector<std::uint32_t>& last) {
  last.clear();
  std::optional<SimTime> latest;
  for (std::uint32_t s = 0; s < result.steps.size(); ++s) {
    const auto ended = step_ended(result, StepId{s});
    if (!ended || (latest && *ended < *latest))
      continue;
    if (!latest || *ended > *latest)
      last.clear();
    latest = ended;
    last.push_back(s);
  }
}

// What the step waited for, as critical_path describes; none for one that
// started at the beginning or at its earliest start.
std::optional<std::uint32_t> cause_of(const Scenario& scenario, const RunResult& result,
                                      std::uint32_t at) {
  const auto& steps = result.steps;
  const Step& step = scenario.steps[at];
  const StepOutcome& outcome = steps[at];
  const SimTime started = outcome.started ? *outcome.started : *outcome.skipped;
  // A skipped step took no time: the path goes through it, from when it was
  // skipped to what released it.
  const auto completed_at = [&](std::uint32_t s, SimTime t) {
    return (steps[s].completed && *steps[s].completed == t) ||
           (steps[s].skipped && *steps[s].skipped == t);
  };
  // A step that waited on its verification gate waited for whatever step
  // completed as the gate opened, having started before: a step skipped
  // then, or started only then (one after it), did nothing to open it.
  if (outcome.completed && outcome.crew_freed && *outcome.completed > *outcome.crew_freed) {
    for (std::uint32_t s = 0; s < steps.size(); ++s) {
      if (s != at && steps[s].completed == outcome.completed && steps[s].started &&
          *steps[s].started < *outcome.completed)
        return s;
    }
  }
  for (const StepId before : step.after) {
    if (completed_at(before.value, started))
      return before.value;
  }
  // A step that awaited a service it requires waited for a step acting
  // on that service that completed as it started.
  for (std::uint32_t s = 0; s < steps.size() && !step.requirements.empty(); ++s) {
    if (s != at && steps[s].completed == started && acts_on_any(scenario, s, step.requirements))
      return s;
  }
  if (step.crew && !outcome.skipped) {
    for (std::uint32_t s = 0; s < steps.size(); ++s) {
      if (s != at && scenario.steps[s].crew == step.crew && steps[s].crew_freed == started)
        return s;
    }
  }
  return std::nullopt;
}

// Appends the chain that ends at `last`, last step first, stopping at a
// step `steps` holds already.
void chain_back_from(const Scenario& scenario, const RunResult& result, std::uint32_t last,
                     std::vector<StepId>& steps) {
  std::optional<std::uint32_t> at = last;
  // Each hop goes to a step that completed no later, and at most once each.
  while (at && std::find(steps.begin(), steps.end(), StepId{*at}) == steps.end()) {
    steps.push_back(StepId{*at});
    at = cause_of(scenario, result, *at);
  }
}

}  // namespace

std::vector<StepId> critical_path(const Scenario& scenario, const RunResult& result) {
  const std::vector<std::vector<StepId>> paths = critical_paths(scenario, result);
  return paths.empty() ? std::vector<StepId>{} : paths.front();
}

// A step that ended last on another's path is no end of its own: the step
// its verification gate waited for, or one that took no time after it,
// ends at the same instant (found in review).
std::vector<std::vector<StepId>> critical_paths(const Scenario& scenario, const RunResult& result) {
  std::vector<std::uint32_t> last;
  steps_ended_last(result, last);
  std::vector<std::vector<StepId>> chains;  // each last step first
  for (const std::uint32_t s : last)
    chain_back_from(scenario, result, s, chains.emplace_back());
  const auto on_another = [&](const std::vector<StepId>& chain) {
    return std::any_of(chains.begin(), chains.end(), [&](const std::vector<StepId>& other) {
      return &other != &chain &&
             std::find(other.begin() + 1, other.end(), chain.front()) != other.end();
    });
  };
  std::vector<std::vector<StepId>> paths;
  for (const std::vector<StepId>& chain : chains) {
    if (!on_another(chain))
      paths.emplace_back(chain.rbegin(), chain.rend());
  }
  return paths;
}

void critical_steps(const Scenario& scenario, const RunResult& result,
                    std::vector<std::uint32_t>& last, std::vector<StepId>& steps) {
  steps.clear();
  steps_ended_last(result, last);
  for (const std::uint32_t s : last)
    chain_back_from(scenario, result, s, steps);
}

}  // namespace faultline
