#include "faultline/rehearsal.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "faultline/stalls.hpp"
#include "loader/loaders.hpp"
#include "loader/scenario_text.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline {

namespace {

// The entry of a list of maps whose id is `id`; an undefined node if none.
YAML::Node entry_with_id(const YAML::Node& list, const std::string& id) {
  if (list.IsSequence()) {
    for (YAML::Node entry : list) {
      if (entry.IsMap() && entry["id"] && entry["id"].Scalar() == id)
        return entry;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// Appends to a list under `key`, making one (a single value becomes the
// list's first entry).
void append(YAML::Node map, const std::string& key, const YAML::Node& value) {
  YAML::Node list = map[key];
  if (list.IsDefined() && !list.IsNull() && !list.IsSequence()) {
    YAML::Node first = YAML::Clone(list);
    list = YAML::Node(YAML::NodeType::Sequence);
    list.push_back(first);
    map[key] = list;
  }
  if (!list.IsSequence()) {
    list = YAML::Node(YAML::NodeType::Sequence);
    map[key] = list;
  }
  list.push_back(value);
}

// `clock` reads the times the scenario gives, in whatever form it writes
// them.
void write_edit(YAML::Node root, const RehearsalEdit& edit, int fault_number,
                const ScenarioClock& clock) {
  using Kind = RehearsalEdit::Kind;
  switch (edit.kind) {
    case Kind::delay_start:
      entry_with_id(root["runbook"], edit.subject)["not_before"] =
          t0_relative(edit.at + edit.length);
      break;
    case Kind::hold_up: {
      YAML::Node held;
      held["at"] = t0_relative(edit.at);
      held["for"] = format_duration(edit.length);
      append(entry_with_id(root["runbook"], edit.subject), "hold_ups", held);
      break;
    }
    case Kind::fail:
      append(entry_with_id(root["runbook"], edit.subject), "fails_at",
             YAML::Node(t0_relative(edit.at)));
      break;
    case Kind::outage:
    case Kind::delete_instances: {
      YAML::Node fault;
      fault["id"] = "rehearsal-" + std::to_string(fault_number);
      fault["at"] = t0_relative(edit.at);
      if (edit.kind == Kind::outage) {
        fault["kind"] = "outage";
        fault["service"] = edit.subject;
        fault["served_fraction"] = edit.served_fraction;
      } else {
        fault["kind"] = "delete-instances";
        fault["deployments"].push_back(edit.subject);
      }
      append(root, "faults", fault);
      break;
    }
    case Kind::resize: {
      // A second resize at one instant takes the place of the first, however
      // its time is written: the scenario gives each time one size.
      YAML::Node crew = entry_with_id(root["crews"], edit.subject);
      if (crew["resized"].IsSequence()) {
        for (YAML::Node change : crew["resized"]) {
          if (change.IsMap() && change["at"].IsScalar() &&
              clock.parse_time(change["at"].Scalar()) == edit.at) {
            change["size"] = edit.size;
            return;
          }
        }
      }
      YAML::Node change;
      change["at"] = t0_relative(edit.at);
      change["size"] = edit.size;
      append(crew, "resized", change);
      break;
    }
  }
}

YAML::Node edited(const std::string& text, const std::vector<RehearsalEdit>& edits,
                  const ScenarioClock& clock) {
  YAML::Node root = YAML::Load(text);
  int faults = 0;
  for (const RehearsalEdit& edit : edits) {
    const bool fault = edit.kind == RehearsalEdit::Kind::outage ||
                       edit.kind == RehearsalEdit::Kind::delete_instances;
    write_edit(root, edit, fault ? ++faults : faults, clock);
  }
  return root;
}

template <class Items>
std::optional<std::string> unknown(const Items& items, const std::string& id,
                                   const std::string& kind) {
  std::vector<std::string> ids;
  for (const auto& item : items) {
    if (item.id == id)
      return std::nullopt;
    ids.push_back(item.id);
  }
  return "unknown " + kind + " '" + id + "'" + did_you_mean(id, ids);
}

}  // namespace

std::optional<SimTime> attempt_under_way_since(const RunResult& result, StepId step, SimTime t) {
  std::optional<SimTime> since;
  for (const TimelineEntry& e : result.timeline) {
    if (e.at > t)
      break;
    if (e.subject != TimelineSubject{step})
      continue;
    switch (e.kind) {
      case TimelineKind::step_started:
      case TimelineKind::step_retry:
      case TimelineKind::step_next_method:
        since = e.at;
        break;
      case TimelineKind::step_work_done:
      case TimelineKind::step_completed:
      case TimelineKind::step_attempt_failed:
      case TimelineKind::step_skipped:
      case TimelineKind::step_failed:
        since.reset();
        break;
      default:
        break;
    }
  }
  return since;
}

StepStatus step_status_at(const Scenario& scenario, const RunResult& result, StepId step,
                          SimTime t) {
  std::optional<TimelineKind> last;
  for (const TimelineEntry& e : result.timeline) {
    if (e.at > t)
      break;
    const bool about_step =
        e.kind == TimelineKind::step_started || e.kind == TimelineKind::step_work_done ||
        e.kind == TimelineKind::step_completed || e.kind == TimelineKind::step_skipped ||
        e.kind == TimelineKind::step_failed || e.kind == TimelineKind::step_rolled_back;
    if (about_step && e.subject == TimelineSubject{step})
      last = e.kind;
  }
  const Step& s = scenario.steps[step.value];
  if (last) {
    switch (*last) {
      case TimelineKind::step_work_done:
        return StepStatus::verifying;
      case TimelineKind::step_completed:
        return StepStatus::done;
      case TimelineKind::step_skipped:
        return StepStatus::skipped;
      case TimelineKind::step_failed:
        return s.rollback ? StepStatus::rolling_back : StepStatus::failed;
      case TimelineKind::step_rolled_back:
        return StepStatus::failed;
      default:
        return StepStatus::running;
    }
  }
  for (const StepId before : s.after) {
    const StepStatus b = step_status_at(scenario, result, before, t);
    if (b != StepStatus::done && b != StepStatus::skipped)
      return StepStatus::blocked;
  }
  if (s.not_before && *s.not_before > t)
    return StepStatus::waiting;
  return unmet_requirements(s, result, t).empty() ? StepStatus::ready
                                                  : StepStatus::awaiting_services;
}

std::optional<Rehearsal> Rehearsal::open(const std::string& path, Diagnostics& diagnostics,
                                         const LoadOptions& options) {
  const auto root = loader::parse_file(path, diagnostics, options.max_input_bytes);
  if (!root)
    return std::nullopt;
  const auto scenario = loader::read_scenario(path, *root, diagnostics, options);
  if (!scenario)
    return std::nullopt;
  // Found by a helper: its replay threw an internal error (exit 1).
  if (scenario->strategy == StrategyKind::optimize) {
    const loader::yaml::Mark at = (*root)["strategy"].mark();
    diagnostics.error({path, at.line + 1, at.column + 1},
                      "a rehearsal follows one run in the scenario's order, and optimize is a "
                      "search: run `faultline replay --strategy optimize` and write the priority "
                      "it finds into the scenario (strategy: priority)");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Rehearsal rehearsal(path, text.str(), options);
  rehearsal.history_.push_back({{}, SimTime{}, scenario, replay(*scenario)});
  return rehearsal;
}

std::optional<std::string> Rehearsal::apply(RehearsalEdit edit) {
  std::vector<RehearsalEdit> edits = state().edits;
  edits.push_back(std::move(edit));
  Diagnostics diagnostics;
  const YAML::Node text = edited(text_, edits, scenario().clock);
  const auto scenario =
      loader::read_scenario(path_, loader::yaml::from_yaml_cpp(text), diagnostics, options_);
  if (!scenario) {
    for (const auto& d : diagnostics.all()) {
      if (d.severity == Severity::error)
        return d.message;
    }
    return "the change makes the scenario invalid";
  }
  RunResult result;
  try {
    result = replay(*scenario);
  } catch (const UnfinishedRun& e) {
    return e.what();  // the change is refused, and the rehearsal goes on
  }
  history_.push_back({std::move(edits), now(), scenario, std::move(result)});
  return std::nullopt;
}

std::optional<std::string> Rehearsal::next() {
  for (const TimelineEntry& e : result().timeline) {
    if (e.at > now())
      return advance_to(e.at);
  }
  return "nothing more happens: the run ended at " + scenario().clock.local_text(result().end) +
         " (" + format_offset(result().end) + ")";
}

std::optional<std::string> Rehearsal::advance_to(SimTime t) {
  if (t < now()) {
    return scenario().clock.local_text(t) + " is before the current time " +
           scenario().clock.local_text(now()) + "; use undo to go back";
  }
  if (t > SimTime{} + kLongestDuration) {
    return "a rehearsal goes at most " + format_duration(kLongestDuration) +
           " (1000 years) past T0; the run ended at " + format_offset(result().end);
  }
  State moved = state();
  moved.now = t;
  history_.push_back(std::move(moved));
  return std::nullopt;
}

namespace {

std::string in_batches(const std::string& step) {
  return "step '" + step + "' restores tenants in batches, each attempted on its own";
}

}  // namespace

std::optional<std::string> Rehearsal::delay(const std::string& step, Duration length) {
  const auto s = scenario().find_step(step);
  if (!s)
    return unknown(scenario().steps, step, "step");
  const StepStatus status = step_status_at(scenario(), result(), *s, now());
  switch (status) {
    case StepStatus::blocked:
    case StepStatus::waiting:
    case StepStatus::ready:
    case StepStatus::awaiting_services: {
      // Its earliest start moves to now + length, unless it is later already.
      const auto& not_before = scenario().steps[s->value].not_before;
      if (not_before && *not_before >= now() + length)
        return "step '" + step + "' waits until " + scenario().clock.local_text(*not_before) +
               " already; give a longer delay";
      return apply({RehearsalEdit::Kind::delay_start, step, now(), length, 0, 0});
    }
    case StepStatus::running:
      if (scenario().steps[s->value].batches)
        return in_batches(step) + "; once it runs, it cannot be held up as a whole";
      return apply({RehearsalEdit::Kind::hold_up, step, now(), length, 0, 0});
    default:
      return "step '" + step + "' is " + std::string(to_string(status)) +
             "; only a step that has not finished can be delayed";
  }
}

std::optional<std::string> Rehearsal::fail(const std::string& step) {
  const auto s = scenario().find_step(step);
  if (!s)
    return unknown(scenario().steps, step, "step");
  const StepStatus status = step_status_at(scenario(), result(), *s, now());
  if (status != StepStatus::running && status != StepStatus::ready &&
      status != StepStatus::awaiting_services && status != StepStatus::waiting &&
      status != StepStatus::blocked) {
    return "step '" + step + "' is " + std::string(to_string(status)) +
           "; only a step that is running, or has yet to start, can fail";
  }
  if (scenario().steps[s->value].batches)
    return in_batches(step) + "; it cannot be made to fail as a whole";
  return apply({RehearsalEdit::Kind::fail, step, now(), {}, 0, 0});
}

std::optional<std::string> Rehearsal::add_outage(const std::string& service,
                                                 double served_fraction) {
  if (served_fraction < 0 || served_fraction >= 1)
    return "the served fraction of an outage must be at least 0 and below 1";
  return apply({RehearsalEdit::Kind::outage, service, now(), {}, served_fraction, 0});
}

std::optional<std::string> Rehearsal::add_deletion(const std::string& deployment) {
  return apply({RehearsalEdit::Kind::delete_instances, deployment, now(), {}, 0, 0});
}

std::optional<std::string> Rehearsal::resize(const std::string& crew, int size) {
  if (auto bad = unknown(scenario().crews, crew, "crew"))
    return bad;
  if (size < 0)
    return "a crew's size cannot be negative";
  return apply({RehearsalEdit::Kind::resize, crew, now(), {}, 0, size});
}

std::optional<std::string> Rehearsal::undo() {
  if (!can_undo())
    return "nothing to undo";
  history_.pop_back();
  return std::nullopt;
}

std::string Rehearsal::yaml(const std::string& destination) const {
  return detail::scenario_text(
      edited(text_, state().edits, scenario().clock), path_, destination,
      "Rehearsed from " + path_ + " with " + std::to_string(state().edits.size()) + " change(s)");
}

}  // namespace faultline
