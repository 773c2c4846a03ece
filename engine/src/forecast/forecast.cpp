#include "faultline/forecast.hpp"

#include <algorithm>
#include <numeric>

#include "calibrate/abc_smc.hpp"

namespace faultline {

namespace {

std::vector<RunEvent> default_events(const Scenario& scenario, SimTime now) {
  std::vector<RunEvent> events{RunEvent{}};
  const std::vector<std::size_t> known = known_by(scenario, now);
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    if (!std::ranges::binary_search(known, m))
      events.push_back(RunEvent{RunEventKind::milestone, std::nullopt, std::nullopt, m});
  }
  return events;
}

// Event e's forecast over the population, each particle's run weighed.
EventForecast event_forecast(const detail::Population& population, std::size_t e) {
  std::vector<std::size_t> happened;
  double never = 0;
  for (std::size_t i = 0; i < population.size(); ++i) {
    if (population.event_ms[i * population.events + e] == detail::kNever)
      never += population.weight[i];
    else
      happened.push_back(i);
  }
  EventForecast out;
  out.never = never;
  if (happened.empty())
    return out;
  const auto time_of = [&](std::size_t i) {
    return population.event_ms[i * population.events + e];
  };
  std::ranges::sort(happened, [&](std::size_t a, std::size_t b) {
    return std::pair(time_of(a), a) < std::pair(time_of(b), b);
  });
  const double total = 1 - never;
  const auto quantile = [&](double q) {
    double below = 0;
    for (const std::size_t i : happened) {
      below += population.weight[i];
      if (below >= q * total)
        return static_cast<double>(time_of(i));
    }
    return static_cast<double>(time_of(happened.back()));
  };
  out.at = Spread{quantile(0.1), quantile(0.5), quantile(0.9)};
  return out;
}

ForecastAt forecast_at(const Scenario& scenario, SimTime now, const std::vector<RunEvent>& events,
                       const CalibrationOptions& options, detail::WorkerPool& pool) {
  ForecastAt out;
  out.now = now;
  out.known = known_by(scenario, now);
  const detail::Evidence evidence{out.known, events, now};
  detail::SmcResult s = detail::abc_smc(evidence, options, pool);
  out.generations = std::move(s.generations);
  out.ended = s.ended;
  out.runs = s.runs;
  if (s.ended == CalibrationEnd::interrupted)
    return out;
  out.parameters = detail::parameter_fits(scenario, s.population);
  for (std::size_t e = 0; e < events.size(); ++e)
    out.events.push_back(event_forecast(s.population, e));
  return out;
}

}  // namespace

std::vector<std::size_t> known_by(const Scenario& scenario, SimTime now) {
  std::vector<std::size_t> known;
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    if (scenario.observed[m].time <= now)
      known.push_back(m);
  }
  return known;
}

Forecast forecast(const Scenario& scenario, const ForecastOptions& options) {
  detail::check_options(scenario, options.smc);
  Forecast out;
  out.events = options.events.empty() ? default_events(scenario, options.now) : options.events;
  out.seed = options.smc.seed;
  out.particles = options.smc.particles;
  detail::WorkerPool pool(scenario, options.smc.threads);
  if (options.history) {
    std::vector<SimTime> times{SimTime{}};
    for (const std::size_t m : known_by(scenario, options.now))
      times.push_back(scenario.observed[m].time);
    std::ranges::sort(times);
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (const SimTime t : times) {
      if (t >= options.now)
        break;
      out.history.push_back(forecast_at(scenario, t, out.events, options.smc, pool));
      if ((out.interrupted = out.history.back().ended == CalibrationEnd::interrupted))
        return out;
    }
  }
  out.latest = forecast_at(scenario, options.now, out.events, options.smc, pool);
  out.interrupted = out.latest.ended == CalibrationEnd::interrupted;
  return out;
}

}  // namespace faultline
