#include "faultline/stalls.hpp"

#include <algorithm>
#include <iterator>
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

  // A step holds members of its crew from its start until the crew is free
  // of it (or the end of the run); a restore-tenants step, while one of its
  // batches is under way.
  SimTime freed(StepId s) const { return result_.steps[s.value].crew_freed.value_or(result_.end); }
  bool holds_at(StepId s, CrewId crew, SimTime t) const {
    if (scenario_.steps[s.value].crew != crew)
      return false;
    const auto within = [&](SimTime begins, SimTime ends) { return begins <= t && t < ends; };
    if (scenario_.steps[s.value].batches) {
      const auto& held = result_.steps[s.value].batches_held;
      return std::any_of(held.begin(), held.end(),
                         [&](const auto& span) { return within(span.first, span.second); });
    }
    const auto& started = result_.steps[s.value].started;
    return started && within(*started, freed(s));
  }
  // The first time after t at which the step starts or stops holding
  // members; nothing when it never does.
  std::optional<SimTime> next_hold_change(StepId s, SimTime t) const {
    std::optional<SimTime> next;
    const auto consider = [&](SimTime begins, SimTime ends) {
      for (const SimTime at : {begins, ends}) {
        if (at > t && (!next || at < *next))
          next = at;
      }
    };
    if (scenario_.steps[s.value].batches) {
      for (const auto& [begins, ends] : result_.steps[s.value].batches_held)
        consider(begins, ends);
    } else if (const auto& started = result_.steps[s.value].started) {
      consider(*started, freed(s));
    }
    return next;
  }

  // The crew's size at t, after the resizes up to t: the run makes a
  // resize before any step starts at its instant.
  int size_at(CrewId crew, SimTime t) const {
    const Crew& c = scenario_.crews[crew.value];
    int size = c.size;
    for (const CrewResize& r : c.resized) {
      if (r.at <= t)
        size = r.size;
    }
    return size;
  }
  std::optional<SimTime> next_resize(CrewId crew, SimTime t) const {
    for (const CrewResize& r : scenario_.crews[crew.value].resized) {
      if (r.at > t)
        return r.at;
    }
    return std::nullopt;
  }
  // Nobody is on the crew at t: it was resized to none, and no step keeps
  // a member on past the cut.
  bool nobody_on(CrewId crew, SimTime t) const {
    if (size_at(crew, t) > 0)
      return false;
    for (std::uint32_t s = 0; s < scenario_.steps.size(); ++s) {
      if (holds_at(StepId{s}, crew, t))
        return false;
    }
    return true;
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
  // The steps other than s that hold members of the crew at t.
  std::vector<StepId> others_holding(StepId s, CrewId crew, SimTime t) const {
    std::vector<StepId> holding;
    for (std::uint32_t other = 0; other < scenario_.steps.size(); ++other) {
      if (StepId{other} != s && holds_at(StepId{other}, crew, t))
        holding.push_back(StepId{other});
    }
    return holding;
  }
  // The first time after t at which another step of the crew starts or
  // stops holding members.
  std::optional<SimTime> next_change_of_others(StepId s, CrewId crew, SimTime t) const {
    std::optional<SimTime> next;
    for (std::uint32_t other = 0; other < scenario_.steps.size(); ++other) {
      if (StepId{other} == s || scenario_.steps[other].crew != crew)
        continue;
      if (const auto change = next_hold_change(StepId{other}, t);
          change && (!next || *change < *next))
        next = change;
    }
    return next;
  }

  // The wait of a step of `crew` that is on shift at t but not started:
  // whoever holds the crew's members, until that or the shift changes.
  Wait crew_busy(StepId waiting, CrewId crew, SimTime t, SimTime until) const {
    SimTime to = until;
    for (const auto change : {calendar(crew).shift_ends(t), next_resize(crew, t),
                              next_change_of_others(waiting, crew, t)}) {
      if (change)
        to = std::min(to, *change);
    }
    return {t, to, CrewBusyWait{crew, others_holding(waiting, crew, t)}};
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
// named for the time it had nobody. A batch's wait goes on while its
// crew's size does: too small, or busy with other steps.
bool goes_on(const WaitCause& last, const WaitCause& next) {
  if (last.index() != next.index())
    return false;
  if (const auto* busy = std::get_if<CrewBusyWait>(&last)) {
    const auto& more = std::get<CrewBusyWait>(next);
    return busy->crew == more.crew && busy->holding.empty() == more.holding.empty();
  }
  if (const auto* batch = std::get_if<BatchMembersWait>(&last)) {
    const auto& more = std::get<BatchMembersWait>(next);
    return batch->crew == more.crew && batch->crew_size == more.crew_size;
  }
  if (const auto* off = std::get_if<OffShiftWait>(&last)) {
    const auto& more = std::get<OffShiftWait>(next);
    return off->crew == more.crew && off->work_paused == more.work_paused;
  }
  if (const auto* required = std::get_if<RequirementWait>(&last))
    return required->services == std::get<RequirementWait>(next).services;
  return false;
}

// The steps of `more` not yet in `holding`, in their order.
void join(std::vector<StepId>& holding, const std::vector<StepId>& more) {
  for (const StepId s : more) {
    if (std::find(holding.begin(), holding.end(), s) == holding.end())
      holding.push_back(s);
  }
}

// Adds a wait, merged into the last one when it goes on with the same cause.
void add(std::vector<Wait>& waits, Wait w) {
  if (w.to <= w.from)
    return;
  if (waits.empty() || waits.back().to != w.from || !goes_on(waits.back().cause, w.cause)) {
    waits.push_back(std::move(w));
    return;
  }
  Wait& last = waits.back();
  last.to = w.to;
  if (auto* busy = std::get_if<CrewBusyWait>(&last.cause))
    join(busy->holding, std::get<CrewBusyWait>(w.cause).holding);
  else if (auto* batch = std::get_if<BatchMembersWait>(&last.cause))
    join(batch->holding, std::get<BatchMembersWait>(w.cause).holding);
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

// A batch step starts with its first batch, which takes `members` of its
// crew at once: it waits for members its crew has not (none included), off
// shift or on, or for those its other steps hold, as a batch under way
// does (see add_member_waits). It read "has no members" of a crew with one
// member too few.
std::optional<Wait> batch_start_wait(const WaitContext& context, int members, CrewId crew, StepId s,
                                     SimTime t, SimTime until) {
  const int size = context.size_at(crew, t);
  if (size < members) {
    return Wait{t, std::min(until, context.next_resize(crew, t).value_or(until)),
                BatchMembersWait{crew, members, size, {}}};
  }
  if (!context.calendar(crew).on_shift(t))
    return std::nullopt;
  Wait busy = context.crew_busy(s, crew, t, until);
  auto& holding = std::get<CrewBusyWait>(busy.cause).holding;
  if (holding.empty())
    return std::nullopt;
  return Wait{t, busy.to, BatchMembersWait{crew, members, size, std::move(holding)}};
}

// The step's wait for its crew at t, which holds until a change of its
// shifts, members or of the steps holding them, at most until `until`.
Wait crew_wait(const WaitContext& context, const Step& step, StepId s, SimTime t, SimTime until) {
  const CrewId crew = *step.crew;
  if (step.batches) {
    if (auto batch = batch_start_wait(context, step.batches->members, crew, s, t, until))
      return std::move(*batch);
  }
  if (context.nobody_on(crew, t))
    return no_members(context, crew, t, until);
  const ShiftCalendar& calendar = context.calendar(crew);
  if (calendar.on_shift(t))
    return context.crew_busy(s, crew, t, until);
  // Off shift until the next shift, or until its members change: a crew
  // cut off shift to fewer than the step needs waits for members from the
  // cut (found in review: the rest of the night read "off shift").
  SimTime to = std::min(calendar.next_shift_start(t), until);
  for (const auto change :
       {context.next_resize(crew, t), context.next_change_of_others(s, crew, t)})
    to = std::min(to, change.value_or(to));
  return {t, to, OffShiftWait{crew}};
}

// From t to `until`, the step's crew's shifts and members, stretch by
// stretch.
void add_crew_waits(const WaitContext& context, const Step& step, StepId s, SimTime t,
                    SimTime until, std::vector<Wait>& waits) {
  while (t < until) {
    Wait w = crew_wait(context, step, s, t, until);
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
      add_crew_waits(context, step, s, t, to, waits);
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
// its crew is off shift, except in the stretches `not_paused` (in order of
// their starts): while it waits to retry, or for members its crew has not.
void add_work_pauses(const WaitContext& context, CrewId crew, StepId s,
                     const std::vector<std::pair<SimTime, SimTime>>& not_paused,
                     std::vector<Wait>& waits) {
  if (!context.has_shifts(crew))
    return;
  SimTime from = *context.result().steps[s.value].started;
  const SimTime until = context.freed(s);
  for (const auto& [begins, ends] : not_paused) {
    add_pauses(context.calendar(crew), crew, from, std::min(begins, until), waits);
    from = std::max(from, ends);
  }
  add_pauses(context.calendar(crew), crew, from, until, waits);
}

// The stretches in which a batch of a restore-tenants step was ready to
// start but had not its members: while its crew had fewer than a batch
// needs, on shift or off (as a step not started waits for a crew of none:
// see no_members); otherwise on shift, while other steps held them. A crew
// busy with the step's own batches is at work on it, not a wait.
void add_member_waits(const WaitContext& context, const Step& step, StepId s,
                      std::vector<Wait>& waits) {
  const CrewId crew = *step.crew;
  const int members = step.batches->members;
  const ShiftCalendar& calendar = context.calendar(crew);
  for (const auto& [from, until] : context.result().steps[s.value].batch_member_waits) {
    SimTime t = from;
    while (t < until) {
      const int size = context.size_at(crew, t);
      if (size >= members && !calendar.on_shift(t)) {
        // A cut while off shift starts a wait then.
        t = std::min(
            {calendar.next_shift_start(t), until, context.next_resize(crew, t).value_or(until)});
        continue;
      }
      if (size < members) {
        const SimTime to = std::min(until, context.next_resize(crew, t).value_or(until));
        add(waits, {t, to, BatchMembersWait{crew, members, size, {}}});
        t = to;
        continue;
      }
      // On shift with members enough: the other steps holding them, as a
      // step not started waits for them.
      Wait busy = context.crew_busy(s, crew, t, until);
      auto& holding = std::get<CrewBusyWait>(busy.cause).holding;
      if (!holding.empty())
        add(waits, {t, busy.to, BatchMembersWait{crew, members, size, std::move(holding)}});
      t = busy.to;
    }
  }
}

// From its start until its crew is free of it: its batches waiting for
// members, and its work paused off shift but while it waits to retry or
// for members its crew has not, in time order.
void add_under_way_waits(const WaitContext& context, const Step& step, StepId s,
                         std::vector<Wait>& waits) {
  std::vector<Wait> under_way;
  if (step.batches)
    add_member_waits(context, step, s, under_way);
  std::vector<std::pair<SimTime, SimTime>> not_paused = context.retry_delays(s);
  for (const Wait& w : under_way) {
    if (const auto& batch = std::get<BatchMembersWait>(w.cause); batch.crew_size < batch.members)
      not_paused.emplace_back(w.from, w.to);
  }
  std::sort(not_paused.begin(), not_paused.end());
  add_work_pauses(context, *step.crew, s, not_paused, under_way);
  // Sorted by reference: see stalls().
  std::vector<const Wait*> in_order;
  for (const Wait& w : under_way)
    in_order.push_back(&w);
  std::stable_sort(in_order.begin(), in_order.end(),
                   [](const Wait* a, const Wait* b) { return a->from < b->from; });
  std::vector<Wait> merged;
  for (const Wait* w : in_order)
    add(merged, *w);
  // Apart from the waits before the start, even with the same cause: the
  // steps that held the crew then did not hold a batch after (found in
  // review: one wait named them both).
  waits.insert(waits.end(), std::make_move_iterator(merged.begin()),
               std::make_move_iterator(merged.end()));
}

// A pause, or a batch's wait for members, under way as the run ended.
bool under_way_at_end(const Wait& w, const StepOutcome& o, SimTime end) {
  const auto* off = std::get_if<OffShiftWait>(&w.cause);
  return ((off && off->work_paused) || std::holds_alternative<BatchMembersWait>(w.cause)) &&
         !o.crew_freed && w.to == end;
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
    add_under_way_waits(context, step, s, out.waits);
    if (!out.waits.empty() && under_way_at_end(out.waits.back(), o, result.end))
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
                        [](const BatchMembersWait&) { return std::string_view{"batch_members"}; },
                        [](const GateWait&) { return std::string_view{"gate"}; },
                    },
                    cause);
}

}  // namespace faultline
