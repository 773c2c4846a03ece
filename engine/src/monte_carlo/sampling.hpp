#pragma once
// The grid of times at which Monte Carlo runs record who is cut off.

#include <optional>
#include <vector>

#include "faultline/model.hpp"

namespace faultline::detail {

// From T0 to the horizon (or twice the nominal run when there is none) every
// `every`, or at a round spacing giving at most 200 samples. Throws
// std::invalid_argument for a step of 0 or one giving 100,000 samples or more.
std::vector<SimTime> sampling_times(const Scenario& scenario, std::optional<Duration> every);

}  // namespace faultline::detail
