#pragma once
// forecast: during an incident, when will what is still ahead happen,
// given the runbook and what was observed so far? The runs are held to the
// observed milestones known by `now` (those at or before it) and to the
// events still ahead not having happened by then, by the same ABC-SMC as
// calibrate (calibrate.hpp), with any unknown parameters fitted on the
// way; the events' times in the kept runs are the forecast. Deterministic
// by seed, whatever the thread count.

#include <optional>
#include <vector>

#include "faultline/calibrate.hpp"
#include "faultline/run_event.hpp"

namespace faultline {

struct ForecastOptions {
  SimTime now;  // at or after T0
  // The events to forecast, each known still ahead at `now`: no kept run
  // has it happen by then. Empty: every service serving everyone again and
  // each observed milestone not yet known, of which only `at` ones (seen
  // after now) are known still ahead.
  std::vector<RunEvent> events;
  // Also forecast from each earlier time a milestone became known, and
  // from T0: how the forecast moved as observations came in.
  bool history = false;
  CalibrationOptions smc;  // particles, generations, seed, threads, stop
};

// An event's forecast over the kept runs, weighed: the 10%, 50% and 90%
// points of its time after T0 in milliseconds, a run in which it never
// happens counting as later than any (a point among those is infinite).
struct EventForecast {
  Spread at;
  // The weighted share of kept runs in which it happened by the time of
  // the forecast (0 for an event known still ahead): points before then
  // are runs' past, not what is ahead.
  double by_now = 0;
  double never = 0;  // the weighted share of kept runs in which it never happens
};

struct ForecastAt {
  SimTime now;
  std::vector<std::size_t> known;  // observed milestones known by now, by position
  std::vector<EventForecast> events;
  std::vector<ParameterFit> parameters;  // by position in scenario.unknowns
  std::vector<CalibrationGeneration> generations;
  CalibrationEnd ended = CalibrationEnd::within_tolerance;
  std::uint64_t runs = 0;
};

struct Forecast {
  std::vector<RunEvent> events;     // as forecast: the options' or the defaults
  std::vector<char> ahead;          // by position in events: known still ahead
  ForecastAt latest;                // at the options' `now`
  std::vector<ForecastAt> history;  // with `history`: earlier times, T0 first
  std::uint64_t seed = 0;
  std::size_t particles = 0;
  bool interrupted = false;
};

// The observed milestones known by `now`: an `at` one whose time is at or
// before it, a `by` one whose deadline is.
std::vector<std::size_t> known_by(const Scenario& scenario, SimTime now);

// Throws std::invalid_argument for options out of range, a strategy that
// is a search, a milestone event already known by `now`, or when no run
// agrees with what was known, or the runs could not be held to it at all.
Forecast forecast(const Scenario& scenario, const ForecastOptions& options);

}  // namespace faultline
