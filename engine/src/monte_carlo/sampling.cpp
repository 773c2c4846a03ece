#include "monte_carlo/sampling.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "faultline/replay.hpp"
#include "replay/run.hpp"

namespace faultline::detail {

namespace {

constexpr std::size_t kMostSamples = 200;

// A round number of minutes, hours or days that puts at most kMostSamples
// samples over the span.
Duration sampling_step(Duration span) {
  static const Duration steps[] = {
      Duration::minutes(1),  Duration::minutes(5), Duration::minutes(10), Duration::minutes(15),
      Duration::minutes(30), Duration::hours(1),   Duration::hours(2),    Duration::hours(3),
      Duration::hours(6),    Duration::hours(12),  Duration::days(1),     Duration::days(2),
      Duration::days(7),     Duration::days(14),   Duration::days(30),    Duration::days(91)};
  for (const Duration step : steps) {
    if (span.ms / step.ms < static_cast<std::int64_t>(kMostSamples))
      return step;
  }
  return Duration{span.ms / static_cast<std::int64_t>(kMostSamples - 1) + 1};
}

// Where the nominal run ends. Only its end is read: a replay would also
// keep its timeline, a line per event, which for a step retried every
// 100 ms over the 30 days without a horizon was 4.7 GB.
SimTime nominal_end(const Scenario& scenario) {
  RunResult result;
  Run(scenario).execute(RunOptions{}, result);
  return result.end;
}

}  // namespace

std::vector<SimTime> sampling_times(const Scenario& scenario, std::optional<Duration> every) {
  Duration span;
  if (scenario.horizon) {
    span = scenario.horizon->since_t0();
  } else {
    // Twice the nominal run leaves room for runs that take longer.
    span = std::max(Duration::hours(1), nominal_end(scenario).since_t0() * 2);
  }
  const Duration step = every.value_or(sampling_step(span));
  if (step.ms <= 0)
    throw std::invalid_argument("the sampling step must be more than 0");
  if (span.ms / step.ms >= 100'000) {
    throw std::invalid_argument(
        fmt::format("sampling every {} over {} makes more than 100000 samples; sample less often",
                    format_duration(step), format_duration(span)));
  }
  std::vector<SimTime> times;
  for (std::int64_t t = 0; t <= span.ms; t += step.ms)
    times.push_back(SimTime{t});
  return times;
}

}  // namespace faultline::detail
