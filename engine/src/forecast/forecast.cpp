#include "faultline/forecast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>

#include "calibrate/abc_smc.hpp"

namespace faultline {

namespace {

// The events to forecast, and which are known still ahead at `now`.
struct Asked {
  std::vector<RunEvent> events;
  std::vector<char> ahead;
};

// The known milestone the event is, by name or as the same restoration or
// completion (found by a helper: completed:diagnose was forecast after the
// milestone "diagnose completed" was seen, landing after it).
std::optional<std::size_t> known_milestone(const Scenario& scenario,
                                           std::span<const std::size_t> known, const RunEvent& e) {
  for (const std::size_t m : known) {
    const Milestone& observed = scenario.observed[m];
    const bool same =
        e.milestone == m ||
        (e.kind == RunEventKind::service_restored &&
         observed.event == MilestoneEvent::service_restored && observed.service == e.service) ||
        (e.kind == RunEventKind::step_completed &&
         observed.event == MilestoneEvent::step_completed && observed.step == e.step);
    if (same)
      return m;
  }
  return std::nullopt;
}

Asked asked_events(const Scenario& scenario, const ForecastOptions& options) {
  const std::vector<std::size_t> known = known_by(scenario, options.now);
  Asked out;
  if (!options.events.empty()) {
    for (auto e = options.events.begin(); e != options.events.end(); ++e) {
      if (std::find(options.events.begin(), e, *e) != e)
        throw std::invalid_argument(fmt::format(
            "the event {} is asked for twice; ask for each once", run_event_text(scenario, *e)));
    }
    for (const RunEvent& e : options.events) {
      if (const auto seen = known_milestone(scenario, known, e)) {
        const Milestone& m = scenario.observed[*seen];
        const char* when = m.timing == MilestoneTiming::at ? "at its time" : "by its deadline";
        throw std::invalid_argument(
            e.milestone
                ? fmt::format("milestone {} was observed {} and is known by then, not ahead: "
                              "forecast an event still ahead",
                              m.id, when)
                : fmt::format("{} is the event of milestone {}, observed {} and known by then, "
                              "not ahead: forecast an event still ahead",
                              run_event_text(scenario, e), m.id, when));
      }
    }
    return {options.events, std::vector<char>(options.events.size(), 1)};
  }
  out.events.push_back(RunEvent{});
  out.ahead.push_back(0);
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    if (std::ranges::binary_search(known, m))
      continue;
    out.events.push_back(RunEvent{RunEventKind::milestone, std::nullopt, std::nullopt, m});
    out.ahead.push_back(scenario.observed[m].timing == MilestoneTiming::at ? 1 : 0);
  }
  return out;
}

// Event e's forecast at `now` over the population, each particle's run
// weighed; a run in which it never happened counts as later than any.
EventForecast event_forecast(const detail::Population& population, std::size_t e, SimTime now) {
  const auto time_of = [&](std::size_t i) {
    return population.event_ms[i * population.events + e];
  };
  std::vector<std::size_t> order(population.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::sort(order, [&](std::size_t a, std::size_t b) {
    return std::pair(time_of(a), a) < std::pair(time_of(b), b);
  });
  EventForecast out;
  for (std::size_t i = 0; i < population.size(); ++i) {
    if (time_of(i) == kNeverMs)
      out.never += population.weight[i];
    else if (time_of(i) <= now.since_t0().ms)
      out.by_now += population.weight[i];
  }
  const auto quantile = [&](double q) {
    double below = 0;
    for (const std::size_t i : order) {
      below += population.weight[i];
      if (below >= q && population.weight[i] > 0)
        return time_of(i) == kNeverMs ? std::numeric_limits<double>::infinity()
                                      : static_cast<double>(time_of(i));
    }
    return std::numeric_limits<double>::infinity();
  };
  out.at = Spread{quantile(0.1), quantile(0.5), quantile(0.9)};
  return out;
}

ForecastAt forecast_at(const Scenario& scenario, SimTime now, const Asked& asked,
                       const CalibrationOptions& options, detail::WorkerPool& pool) {
  ForecastAt out;
  out.now = now;
  out.known = known_by(scenario, now);
  const detail::Evidence evidence{out.known, asked.events, asked.ahead, now};
  detail::SmcResult s = detail::abc_smc(evidence, options, pool);
  out.generations = std::move(s.generations);
  out.ended = s.ended;
  out.runs = s.runs;
  if (s.ended == CalibrationEnd::interrupted)
    return out;
  if (!out.known.empty() && !std::isfinite(out.generations.back().tolerance) &&
      s.ended != CalibrationEnd::within_tolerance) {
    // Found by a helper: with --generations 1 there is no generation after
    // the first, which the particles were blamed for.
    const std::string known = out.known.size() == 1
                                  ? std::string("the milestone")
                                  : fmt::format("the {} milestones", out.known.size());
    throw std::invalid_argument(
        options.most_generations == 1
            ? fmt::format("at {} the runs could not be held to {} known by then: with one "
                          "generation, the first runs drawn are not brought nearer; raise "
                          "--generations",
                          human_offset(now), known)
            : fmt::format("at {} the runs could not be held to {} known by then: no generation "
                          "after the first kept enough runs near them; raise --particles, or "
                          "check the milestones",
                          human_offset(now), known));
  }
  out.parameters = detail::parameter_fits(scenario, s.population);
  for (std::size_t e = 0; e < asked.events.size(); ++e)
    out.events.push_back(event_forecast(s.population, e, now));
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
  if (options.now < SimTime{})
    throw std::invalid_argument("the time of a forecast cannot be before T0");
  // Runs stop at the horizon: from a later time every event ahead would
  // read as never.
  if (scenario.horizon && options.now >= *scenario.horizon) {
    throw std::invalid_argument(fmt::format(
        "the time of the forecast, T0+{}, is not before the scenario's horizon, T0+{}, where "
        "its runs stop; give a later horizon",
        format_duration(options.now.since_t0()), format_duration(scenario.horizon->since_t0())));
  }
  // Found by a helper: so do unlimited retries without a horizon, and every
  // event waiting for a step still retrying read as never.
  const auto retrying = scenario.first_retrying_to_the_end();
  if (!scenario.horizon && retrying && options.now >= scenario.retries_stop()) {
    throw std::invalid_argument(fmt::format(
        "the time of the forecast, T0+{}, is not before T0+{}: without a horizon, a run stops "
        "the unlimited retries of step {} there, so an event waiting for it would read as "
        "never; give the scenario a horizon past T0+{}",
        format_duration(options.now.since_t0()),
        format_duration(scenario.retries_stop().since_t0()), scenario.steps[retrying->value].id,
        format_duration(options.now.since_t0())));
  }
  // Found by a helper: from T0 there is no earlier time, and --history
  // changed nothing without a word.
  if (options.history && options.now == SimTime{}) {
    throw std::invalid_argument(
        "a history forecasts from T0 and each time a milestone became known before the time of "
        "the forecast, and a forecast at T0 has none; leave --history out, or forecast later");
  }
  const Asked asked = asked_events(scenario, options);
  Forecast out;
  out.events = asked.events;
  out.ahead = asked.ahead;
  out.seed = options.smc.seed;
  out.particles = options.smc.particles;
  detail::WorkerPool pool(scenario, options.smc.threads);
  if (options.history) {
    std::vector<SimTime> times{SimTime{}};
    for (const std::size_t m : known_by(scenario, options.now))
      times.push_back(std::max(scenario.observed[m].time, SimTime{}));
    std::ranges::sort(times);
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (const SimTime t : times) {
      if (t >= options.now)
        break;
      out.history.push_back(forecast_at(scenario, t, asked, options.smc, pool));
      if ((out.interrupted = out.history.back().ended == CalibrationEnd::interrupted))
        return out;
    }
  }
  out.latest = forecast_at(scenario, options.now, asked, options.smc, pool);
  out.interrupted = out.latest.ended == CalibrationEnd::interrupted;
  return out;
}

}  // namespace faultline
