#include "faultline/stalls.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "faultline/activity.hpp"
#include "faultline/overloaded.hpp"
#include "faultline/runbook.hpp"

namespace faultline {

namespace {

// What a run shows of the crews and services that steps waited for.
class WaitContext {
 public:
  WaitContext(const Scenario& scenario, const RunResult& result)
      : scenario_(scenario), result_(result), retry_delays_(scenario.steps.size()) {
    for (const Crew& crew : scenario.crews)
      calendars_.emplace_back(crew, scenario.clock, activity_until(scenario));
    find_retry_delays();
  }

  const ShiftCalendar& calendar(CrewId c) const { return calendars_[c.value]; }
  bool has_shifts(CrewId c) const { return !scenario_.crews[c.value].shifts.empty(); }
  // The stretches in which the step waited to retry a failed attempt: from
  // the failure to the retry's start (or the end of the run).
  const std::vector<std::pair<SimTime, SimTime>>& retry_delays(StepId s) const {
    return retry_delays_[s.value];
  }
  const RunResult& result() const { return result_; }

  // The first time after t at which a service the step requires changes
  // state; nothing when none does.
  std::optional<SimTime> next_requirement_change(const Step& step, SimTime t) const {
    if (step.requirements.empty())
      return std::nullopt;
    for (const TimelineEntry& e : result_.timeline) {
      if (e.at <= t || e.kind != TimelineKind::service_state)
        continue;
      for (const ServiceRequirement& r : step.requirements) {
        if (e.subject == TimelineSubject{r.service})
          return e.at;
      }
    }
    return std::nullopt;
  }

  // A step holds a member of its crew from its start until the crew is free
  // of it (or the end of the run).
  SimTime freed(StepId s) const { return result_.steps[s.value].crew_freed.value_or(result_.end); }
  bool holds_at(StepId s, CrewId crew, SimTime t) const {
    const auto& started = result_.steps[s.value].started;
    return scenario_.steps[s.value].crew == crew && started && *started <= t && t < freed(s);
  }

  // Nobody is on the crew at t: it was resized to none (the run makes a
  // resize before any step starts at its instant), and no step keeps a
  // member on past the cut.
  bool nobody_on(CrewId crew, SimTime t) const {
    const Crew& c = scenario_.crews[crew.value];
    int size = c.size;
    for (const CrewResize& r : c.resized) {
      if (r.at <= t)
        size = r.size;
    }
    for (std::uint32_t s = 0; size == 0 && s < scenario_.steps.size(); ++s) {
      if (holds_at(StepId{s}, crew, t))
        return false;
    }
    return size == 0;
  }
  // When a crew with nobody on it at t has members again: its first
  // resize after t to a size above none; nothing when it never has.
  std::optional<SimTime> members_back(CrewId crew, SimTime t) const {
    for (const CrewResize& r : scenario_.crews[crew.value].resized) {
      if (r.at > t && r.size > 0)
        return r.at;
    }
    return std::nullopt;
  }

  // The wait of a step of `crew` that is on shift at t but not started:
  // whoever holds the crew's members, until that or the shift changes.
  Wait crew_busy(StepId waiting, CrewId crew, SimTime t, SimTime until) const {
    CrewBusyWait busy{crew, {}};
    SimTime to = until;
    if (const auto ends = calendar(crew).shift_ends(t))
      to = std::min(to, *ends);
    for (const CrewResize& r : scenario_.crews[crew.value].resized) {
      if (r.at > t)
        to = std::min(to, r.at);
    }
    for (std::uint32_t s = 0; s < scenario_.steps.size(); ++s) {
      const StepId other{s};
      if (other == waiting || scenario_.steps[s].crew != crew)
        continue;
      if (holds_at(other, crew, t)) {
        busy.holding.push_back(other);
        to = std::min(to, freed(other));
      } else if (const auto& started = result_.steps[s].started; started && *started > t) {
        to = std::min(to, *started);
      }
    }
    return {t, to, busy};
  }

  // The services of a gate that were not operational at some time in
  // [from, to), in the order they came back; those still out at `to` last.
  std::vector<ServiceId> gate_services(const std::vector<ServiceId>& gate, SimTime from,
                                       SimTime to) const {
    std::vector<std::pair<std::optional<SimTime>, ServiceId>> out;
    for (const ServiceId v : gate) {
      ServiceState state = ServiceState::operational;
      bool was_out = false;
      std::optional<SimTime> back;
      for (const TimelineEntry& e : result_.timeline) {
        if (e.kind != TimelineKind::service_state || e.subject != TimelineSubject{v} || e.at > to)
          continue;
        state = e.to;
        if (e.at <= from) {
          was_out = state != ServiceState::operational;  // as the work was done
          continue;
        }
        if (state == ServiceState::operational)
          back = e.at;
        else if (e.at < to)
          was_out = true;
      }
      if (state != ServiceState::operational)
        back.reset();
      if (was_out)
        out.emplace_back(back, v);
    }
    // Those still out (no time back) go last.
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.first.has_value() != b.first.has_value() ? a.first.has_value() : a.first < b.first;
    });
    std::vector<ServiceId> services;
    for (const auto& entry : out)
      services.push_back(entry.second);
    return services;
  }

 private:
  // Every step's at once, in one pass over the timeline.
  void find_retry_delays() {
    std::vector<std::optional<SimTime>> failed(scenario_.steps.size());
    for (const TimelineEntry& e : result_.timeline) {
      const auto* s = std::get_if<StepId>(&e.subject);
      if (!s)
        continue;
      std::optional<SimTime>& since = failed[s->value];
      if (e.kind == TimelineKind::step_attempt_failed) {
        since = e.at;
      } else if (since &&
                 (e.kind == TimelineKind::step_retry || e.kind == TimelineKind::step_next_method ||
                  e.kind == TimelineKind::step_failed)) {
        if (e.kind == TimelineKind::step_retry)
          retry_delays_[s->value].emplace_back(*since, e.at);
        since.reset();
      }
    }
    for (std::size_t s = 0; s < failed.size(); ++s) {
      if (failed[s])
        retry_delays_[s].emplace_back(*failed[s], result_.end);
    }
  }

  const Scenario& scenario_;
  const RunResult& result_;
  std::vector<ShiftCalendar> calendars_;
  std::vector<std::vector<std::pair<SimTime, SimTime>>> retry_delays_;  // by step
};

// A crew busy with other steps, and one with no members at all (resized
// to none), are two causes: merged, the steps that held it before were
// named for the time it had nobody.
bool same_crew_wait(const CrewBusyWait& a, const CrewBusyWait& b) {
  return a.crew == b.crew && a.holding.empty() == b.holding.empty();
}

// Adds a wait, merged into the last one when it goes on with the same cause
// (a crew busy with other steps, or off shift, or the same services not as
// required, again).
void add(std::vector<Wait>& waits, Wait w) {
  if (w.to <= w.from)
    return;
  if (!waits.empty() && waits.back().to == w.from &&
      waits.back().cause.index() == w.cause.index()) {
    Wait& last = waits.back();
    auto* busy = std::get_if<CrewBusyWait>(&last.cause);
    const auto* more = std::get_if<CrewBusyWait>(&w.cause);
    const auto* off = std::get_if<OffShiftWait>(&last.cause);
    const auto* required = std::get_if<RequirementWait>(&last.cause);
    if ((busy && same_crew_wait(*busy, *more)) ||
        (off && off->crew == std::get<OffShiftWait>(w.cause).crew &&
         off->work_paused == std::get<OffShiftWait>(w.cause).work_paused) ||
        (required && required->services == std::get<RequirementWait>(w.cause).services)) {
      last.to = w.to;
      if (busy) {
        for (const StepId s : more->holding) {
          if (std::find(busy->holding.begin(), busy->holding.end(), s) == busy->holding.end())
            busy->holding.push_back(s);
        }
      }
      return;
    }
  }
  waits.push_back(std::move(w));
}

// The predecessor that finished last, as the step was released.
StepId last_predecessor(const Step& step, const RunResult& result) {
  StepId last = step.after.front();
  SimTime latest{};
  for (const StepId p : step.after) {
    const StepOutcome& o = result.steps[p.value];
    const SimTime ended = o.completed ? *o.completed : o.skipped.value_or(SimTime{});
    if (ended > latest) {
      latest = ended;
      last = p;
    }
  }
  return last;
}

// A crew with nobody on it waits for members, on shift or off: its shifts
// were named in turn with it before, and "no members until" the end of a
// shift read as if they came back then (found by a helper).
Wait no_members(const WaitContext& context, CrewId crew, SimTime t, SimTime until) {
  return {t, std::min(context.members_back(crew, t).value_or(until), until),
          CrewBusyWait{crew, {}}};
}

// From t to `until`, the step's crew's shifts and members, stretch by
// stretch.
void add_crew_waits(const WaitContext& context, CrewId crew, StepId s, SimTime t, SimTime until,
                    std::vector<Wait>& waits) {
  while (t < until) {
    const ShiftCalendar& calendar = context.calendar(crew);
    Wait w = context.nobody_on(crew, t) ? no_members(context, crew, t, until)
             : calendar.on_shift(t)
                 ? context.crew_busy(s, crew, t, until)
                 : Wait{t, std::min(calendar.next_shift_start(t), until), OffShiftWait{crew}};
    t = w.to;
    add(waits, std::move(w));
  }
}

// From release to start: its earliest start, then, between the state
// changes of the services it requires, those not as it needs or else its
// crew. A required service that is not as needed is the cause even while
// the crew is busy: a free crew could not have started the step either.
void add_start_waits(const WaitContext& context, const Step& step, StepId s, SimTime released,
                     SimTime until, std::vector<Wait>& waits) {
  SimTime t = released;
  if (step.not_before && *step.not_before > t) {
    add(waits, {t, std::min(*step.not_before, until), EarliestStartWait{}});
    t = *step.not_before;
  }
  while (t < until) {
    const SimTime to = std::min(until, context.next_requirement_change(step, t).value_or(until));
    if (auto unmet = unmet_requirements(step, context.result(), t); !unmet.empty())
      add(waits, {t, to, RequirementWait{std::move(unmet)}});
    else if (step.crew)
      add_crew_waits(context, *step.crew, s, t, to, waits);
    t = to;
  }
}

// The stretches of [from, until) in which the crew was off shift, as paused
// work.
void add_pauses(const ShiftCalendar& calendar, CrewId crew, SimTime from, SimTime until,
                std::vector<Wait>& waits) {
  SimTime t = from;
  while (t < until) {
    if (calendar.on_shift(t)) {
      const auto ends = calendar.shift_ends(t);
      if (!ends)
        return;
      t = *ends;
      continue;
    }
    const SimTime to = std::min(calendar.next_shift_start(t), until);
    add(waits, {t, to, OffShiftWait{crew, true}});
    t = to;
  }
}

// From its start until its crew is free of it, the step's work pauses while
// its crew is off shift, except while it waits to retry.
void add_work_pauses(const WaitContext& context, CrewId crew, StepId s, std::vector<Wait>& waits) {
  if (!context.has_shifts(crew))
    return;
  SimTime from = *context.result().steps[s.value].started;
  const SimTime until = context.freed(s);
  for (const auto& [failed, retried] : context.retry_delays(s)) {
    add_pauses(context.calendar(crew), crew, from, std::min(failed, until), waits);
    from = std::max(from, retried);
  }
  add_pauses(context.calendar(crew), crew, from, until, waits);
}

StepWaits waits_of(const WaitContext& context, const Scenario& scenario, const RunResult& result,
                   StepId s) {
  const Step& step = scenario.steps[s.value];
  const StepOutcome& o = result.steps[s.value];
  StepWaits out;
  out.released = o.released;
  if (!o.released)
    return out;
  if (!step.after.empty())
    add(out.waits, {SimTime{}, *o.released, PredecessorsWait{last_predecessor(step, result)}});
  const SimTime until = o.started ? *o.started : o.skipped.value_or(result.end);
  add_start_waits(context, step, s, *o.released, until, out.waits);
  if (!o.started && !o.skipped && !out.waits.empty())
    out.waits.back().at_end = true;
  if (o.started && step.crew) {
    add_work_pauses(context, *step.crew, s, out.waits);
    // A pause under way as the run ended.
    if (const auto* off =
            out.waits.empty() ? nullptr : std::get_if<OffShiftWait>(&out.waits.back().cause);
        off && off->work_paused && !o.crew_freed && out.waits.back().to == result.end)
      out.waits.back().at_end = true;
  }
  if (o.work_done) {
    const SimTime to = o.completed.value_or(result.end);
    add(out.waits, {*o.work_done, to,
                    GateWait{context.gate_services(step.verify, *o.work_done, to)}, !o.completed});
  }
  return out;
}

}  // namespace

std::vector<ServiceId> unmet_requirements(const Step& step, const RunResult& result, SimTime t) {
  std::vector<ServiceId> unmet;
  for (const ServiceRequirement& r : step.requirements) {
    ServiceState state = ServiceState::operational;
    for (const TimelineEntry& e : result.timeline) {
      if (e.at > t)
        break;
      if (e.kind == TimelineKind::service_state && e.subject == TimelineSubject{r.service})
        state = e.to;
    }
    if (!meets(state, r))
      unmet.push_back(r.service);
  }
  return unmet;
}

Duration StepWaits::stalled() const {
  Duration total;
  for (const Wait& w : waits) {
    if (!std::holds_alternative<PredecessorsWait>(w.cause))
      total += w.length();
  }
  return total;
}

const Wait* StepWaits::waiting_at(SimTime t) const {
  for (const Wait& w : waits) {
    if (w.from <= t && t < w.to)
      return &w;
  }
  return nullptr;
}

std::vector<StepWaits> step_waits(const Scenario& scenario, const RunResult& result) {
  const WaitContext context(scenario, result);
  std::vector<StepWaits> out;
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s)
    out.push_back(waits_of(context, scenario, result, StepId{s}));
  return out;
}

std::vector<Stall> stalls(const std::vector<StepWaits>& waits) {
  // Sorted by reference and copied once: sorting the waits themselves, whose
  // causes hold vectors, trips GCC 12's -O3 maybe-uninitialized warning.
  std::vector<std::pair<StepId, const Wait*>> found;
  for (std::uint32_t s = 0; s < waits.size(); ++s) {
    for (const Wait& w : waits[s].waits) {
      if (!std::holds_alternative<PredecessorsWait>(w.cause))
        found.emplace_back(StepId{s}, &w);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (a.second->length() != b.second->length())
      return a.second->length() > b.second->length();
    return a.second->from < b.second->from;
  });
  std::vector<Stall> out;
  for (const auto& [step, wait] : found)
    out.push_back({step, *wait});
  return out;
}

std::string_view cause_name(const WaitCause& cause) {
  return std::visit(Overloaded{
                        [](const PredecessorsWait&) { return std::string_view{"predecessors"}; },
                        [](const EarliestStartWait&) { return std::string_view{"earliest_start"}; },
                        [](const RequirementWait&) { return std::string_view{"requires"}; },
                        [](const OffShiftWait&) { return std::string_view{"off_shift"}; },
                        [](const CrewBusyWait&) { return std::string_view{"crew_busy"}; },
                        [](const GateWait&) { return std::string_view{"gate"}; },
                    },
                    cause);
}

}  // namespace faultline
