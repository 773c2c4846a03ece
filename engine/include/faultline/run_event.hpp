#pragma once
// An event of a run that a question names: when every service served
// everyone again, when a service last came back, when a step completed, or
// an observed milestone's simulated event. simulate --rare asks how likely
// it is to come late; forecast asks when it will come.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/ids.hpp"
#include "faultline/model.hpp"
#include "faultline/replay.hpp"
#include "faultline/time.hpp"
#include "faultline/words.hpp"

namespace faultline {

enum class RunEventKind { all_restored, service_restored, step_completed, milestone };

// The kind's word: alone for all-restored, before a colon and its name for
// the others ("restored:calendar-connect").
template <>
struct WordTable<RunEventKind> {
  static constexpr std::array<Word<RunEventKind>, 4> rows{{
      {"all-restored", RunEventKind::all_restored},
      {"restored", RunEventKind::service_restored},
      {"completed", RunEventKind::step_completed},
      {"milestone", RunEventKind::milestone},
  }};
};

struct RunEvent {
  RunEventKind kind = RunEventKind::all_restored;
  std::optional<ServiceId> service;
  std::optional<StepId> step;
  std::optional<std::size_t> milestone;  // by position in scenario.observed
  bool operator==(const RunEvent&) const = default;
};

// Reads "all-restored", "restored:SERVICE", "completed:STEP" or
// "milestone:ID" (ID an observed entry's). Throws std::invalid_argument
// saying what is wrong; the caller says the form it reads.
RunEvent parse_run_event(const Scenario& scenario, std::string_view text);

// As parse_run_event reads it: "restored:calendar-connect".
std::string run_event_text(const Scenario& scenario, const RunEvent& event);

// When the event happened in the run; empty when it never did (a service
// still out at the end, a step that never completed). A service that never
// went down is back at T0.
std::optional<SimTime> event_time(const RunEvent& event, const RunResult& run);

// event_time in milliseconds after T0, for tables of many runs: kNeverMs,
// later than any, when it never happened.
inline constexpr std::int64_t kNeverMs = std::numeric_limits<std::int64_t>::max();
std::int64_t event_ms(const RunEvent& event, const RunResult& run);

}  // namespace faultline
