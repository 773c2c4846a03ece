#include "replay/run_ending.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <type_traits>
#include <variant>

namespace faultline::detail {

RunEnding::RunEnding(const RunTables& tables, RunContext& run, const UserAccounting& users,
                     const StepExecution& steps, const Estate& estate, const DemandSchedule& demand)
    : run_(run),
      users_(users),
      steps_(steps),
      estate_(estate),
      demand_(demand),
      laid_out_until_(laid_out_until(tables, steps.runbook().any_shifts())) {}

// A crew's resize is work only while it can still make a difference, so
// that one after the runbook is done does not stretch the run.
bool RunEnding::is_work(const Event& e) const {
  if (std::holds_alternative<events::DemandChanges>(e))
    return false;
  if (const auto* resize = std::get_if<events::CrewResized>(&e))
    return steps_.runbook().crew_needed(resize->crew);
  const auto* turn = std::get_if<events::CacheCohortTurns>(&e);
  return !turn || !estate_.turn_changes_nothing(turn->fault, turn->holds_outage);
}

// Without a horizon, events that are no work do not keep a run going: it
// ends once nothing else is to come and every user is back, or, with users
// still cut off, at the default horizon (or its last work, if later).
bool RunEnding::past_the_end(const EventQueue<Event>::Fired& event, SimTime last_work) const {
  if (const auto& horizon = run_.scenario.horizon)
    return event.at > *horizon;
  if (is_work(event.payload) || !only_idle_events_to_come(event.payload))
    return false;
  return users_.total_affected() == UserCount{} ||
         event.at > std::max(last_work, SimTime{} + kDefaultHorizon);
}

// The queue holds at most the one demand change, cohort turns that each
// change nothing, and resizes of crews no longer needed (the popped event
// is off the queue, but a turn or resize is still counted as to come until
// it is taken).
bool RunEnding::only_idle_events_to_come(const Event& popped) const {
  const bool popped_turn = std::holds_alternative<events::CacheCohortTurns>(popped);
  const bool demand_queued =
      demand_.scheduled() && !std::holds_alternative<events::DemandChanges>(popped);
  const auto turns_queued =
      static_cast<std::size_t>(estate_.cohort_turns_to_come() - (popped_turn ? 1 : 0));
  return run_.queue.size() ==
             turns_queued + (demand_queued ? 1 : 0) + idle_resizes_queued(popped) &&
         (turns_queued == 0 || estate_.turns_to_come_change_nothing());
}

std::size_t RunEnding::idle_resizes_queued(const Event& popped) const {
  const RunbookExecutor& runbook = steps_.runbook();
  if (!runbook.any_resizes())
    return 0;
  std::size_t idle = 0;
  for (std::uint32_t c = 0; c < run_.scenario.crews.size(); ++c) {
    const std::size_t to_come = runbook.resizes_to_come(CrewId{c});
    if (to_come > 0 && !runbook.crew_needed(CrewId{c}))
      idle += to_come;
  }
  const auto* resize = std::get_if<events::CrewResized>(&popped);
  return resize && !runbook.crew_needed(resize->crew) ? idle - 1 : idle;
}

bool RunEnding::strikes(const Event& e) const {
  return std::visit(
      [this](const auto& event) {
        using Kind = std::decay_t<decltype(event)>;
        if constexpr (std::is_same_v<Kind, events::CacheCohortTurns>)
          return event.holds_outage && !estate_.turn_changes_nothing(event.fault, true);
        if constexpr (std::is_same_v<Kind, events::FaultStrikes> ||
                      std::is_same_v<Kind, events::RolloutWave>)
          return !estate_.rollout_halted(event.fault);
        if constexpr (std::is_same_v<Kind, events::RollbackDone>)
          return steps_.rollback_takes_capability(event.step);
        return std::is_same_v<Kind, events::UnitFails> ||
               std::is_same_v<Kind, events::OverloadTrips>;
      },
      e);
}

// The queue is not needed after the end: it is emptied here, up to the
// first strike.
void RunEnding::note_strikes_to_come(const EventQueue<Event>::Fired* first) {
  for (const auto* event = first; event; event = run_.queue.pop()) {
    if (strikes(event->payload)) {
      run_.result->strikes_to_come = true;
      return;
    }
  }
}

SimTime RunEnding::end_of_run(SimTime last_work) const {
  if (const auto& horizon = run_.scenario.horizon)
    return *horizon;
  if (users_.total_affected() == UserCount{})
    return run_.now;
  return std::max(last_work, SimTime{} + kDefaultHorizon);
}

// The calendars cover the horizon, or a year without one (see
// activity_until); past their end the weights and shifts in force there
// would hold for ever, which is right only where none of them changes.
SimTime RunEnding::laid_out_until(const RunTables& tables, bool shifts) {
  const Scenario& scenario = tables.scenario();
  if (scenario.horizon || (tables.calendar().segments() == 1 && !shifts))
    return SimTime{std::numeric_limits<std::int64_t>::max()};
  return activity_until(scenario);
}

void RunEnding::refuse_past_the_calendars(SimTime t) const {
  const Duration laid_out = laid_out_until_ - SimTime{};
  throw UnfinishedRun(fmt::format(
      "a run went on to T0+{}, past T0+{}: without a horizon, its users' activity and its "
      "crews' shifts are laid out that far only; give the scenario a horizon as long as its "
      "runs may go on",
      format_duration(t - SimTime{}), format_duration(laid_out)));
}

}  // namespace faultline::detail
