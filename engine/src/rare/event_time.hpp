#pragma once
// When a run's rare-event subject happened.

#include <optional>

#include "faultline/rare.hpp"
#include "faultline/replay.hpp"

namespace faultline::detail {

// Empty when it never did (counted as later than any threshold).
std::optional<SimTime> event_time(const RareEvent& event, const RunResult& run);

}  // namespace faultline::detail
