#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/words.hpp"
#include "format.hpp"
#include "parameter_format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// A point of a forecast: a local time, or "never" past every run in which
// the event happens.
std::string point_text(const ScenarioClock& clock, double ms) {
  return std::isfinite(ms) ? at_local(clock, ms) : std::string("never");
}

constexpr int kTimeWidth = 22;  // "2018-09-27 08:36 EDT" and room

constexpr int kShareWidth = 7;  // "by now" and room

// A table row: the first column `width` wide, then p10, p50, p90, the
// share by now and the share never.
std::string row(std::string_view first, std::size_t width, std::string_view p10,
                std::string_view p50, std::string_view p90, std::string_view by_now,
                std::string_view never) {
  return fmt::format("  {:<{}} {:<{}} {:<{}} {:<{}} {:<{}} {}\n", first, width, p10, kTimeWidth,
                     p50, kTimeWidth, p90, kTimeWidth, by_now, kShareWidth, never);
}

std::string header_row(std::string_view first, std::size_t width) {
  return row(first, width, "p10", "p50", "p90", "by now", "never");
}

std::string row(std::string_view first, std::size_t width, const ScenarioClock& clock,
                const EventForecast& e) {
  return row(first, width, point_text(clock, e.at.low), point_text(clock, e.at.median),
             point_text(clock, e.at.high), percent(e.by_now), percent(e.never));
}

std::string known_text(const Scenario& scenario, const ForecastAt& f) {
  std::string text = fmt::format("Known by then: {} of {} observed milestones\n", f.known.size(),
                                 scenario.observed.size());
  std::size_t width = 0;
  for (const std::size_t m : f.known)
    width = std::max(width, scenario.observed[m].id.size());
  for (const std::size_t m : f.known) {
    const Milestone& observed = scenario.observed[m];
    text +=
        fmt::format("  {:<{}} {}\n", observed.id, width, milestone_when(scenario.clock, observed));
  }
  return text;
}

// Each event's name, marked * when known still ahead.
std::vector<std::string> event_names(const Scenario& scenario, const Forecast& forecast) {
  std::vector<std::string> names;
  for (std::size_t e = 0; e < forecast.events.size(); ++e)
    names.push_back(run_event_words(scenario, forecast.events[e]) +
                    (forecast.ahead[e] ? " *" : ""));
  return names;
}

std::string ahead_text(const Scenario& scenario, const Forecast& forecast) {
  const std::vector<std::string> names = event_names(scenario, forecast);
  std::size_t width = std::string_view("Forecast").size();
  for (const std::string& name : names)
    width = std::max(width, name.size());
  std::string text = header_row("Forecast", width);
  for (std::size_t e = 0; e < names.size(); ++e)
    text += row(names[e], width, scenario.clock, forecast.latest.events[e]);
  if (std::ranges::count(forecast.ahead, 1) > 0)
    text += "  * known still ahead then: no run kept has it happen by then\n";
  // Said once, here, for the history's rows as well.
  const auto any_by_now = [](const ForecastAt& f) {
    return std::ranges::any_of(f.events, [](const EventForecast& e) { return e.by_now > 0; });
  };
  if (any_by_now(forecast.latest) || std::ranges::any_of(forecast.history, any_by_now))
    text +=
        "  by now: the share of runs kept in which it had already happened then (what was\n"
        "  known says neither way); points before then come from those runs\n";
  return text;
}

std::string parameters_text(const Scenario& scenario, const ForecastAt& f) {
  if (f.parameters.empty())
    return "";
  std::string text = "Unknown parameters, given what was known: median (90% interval)\n";
  for (std::size_t k = 0; k < f.parameters.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    text += fmt::format("  {:<38} {}\n", parameter_name(scenario, p),
                        parameter_spread_text(p, f.parameters[k].posterior));
  }
  return text;
}

// How the first event's forecast moved as milestones became known.
std::string history_text(const Scenario& scenario, const Forecast& forecast) {
  if (forecast.history.empty())
    return "";
  std::vector<std::string> firsts;
  for (const ForecastAt& f : forecast.history)
    firsts.push_back(fmt::format("{} ({} known)", human_offset(f.now), f.known.size()));
  firsts.push_back(fmt::format("{} ({} known)", human_offset(forecast.latest.now),
                               forecast.latest.known.size()));
  std::size_t width = 0;
  for (const std::string& first : firsts)
    width = std::max(width, first.size());
  std::string text =
      fmt::format("How the forecast moved: {}\n", run_event_words(scenario, forecast.events[0]));
  text += header_row("from", width);
  for (std::size_t h = 0; h < forecast.history.size(); ++h)
    text += row(firsts[h], width, scenario.clock, forecast.history[h].events[0]);
  return text + row(firsts.back(), width, scenario.clock, forecast.latest.events[0]);
}

ordered_json event_json(const EventForecast& e) {
  ordered_json j = time_spread_json(e.at);
  j["by_now"] = e.by_now;
  j["never"] = e.never;
  return j;
}

ordered_json forecast_at_json(const Scenario& scenario, const Forecast& forecast,
                              const ForecastAt& f) {
  ordered_json j;
  j["now_s"] = static_cast<double>(f.now.ms) / 1000;
  j["known"] = ordered_json::array();
  for (const std::size_t m : f.known)
    j["known"].push_back(scenario.observed[m].id);
  j["events"] = ordered_json::array();
  for (std::size_t e = 0; e < forecast.events.size(); ++e)
    j["events"].push_back(event_json(f.events[e]));
  j["parameters"] = parameters_json(scenario, f.parameters, false);
  j["generations"] = generations_json(f.generations);
  j["ended"] = std::string(to_string(f.ended));
  j["runs"] = f.runs;
  return j;
}

}  // namespace

std::string forecast_text(const Scenario& scenario, const Forecast& forecast) {
  const ForecastAt& f = forecast.latest;
  std::string text =
      fmt::format("Forecast for {} at {} ({}): ABC-SMC, {} particles, seed {}\n",
                  scenario_title(scenario), scenario.clock.local_text(f.now), human_offset(f.now),
                  thousands(static_cast<std::int64_t>(forecast.particles)), forecast.seed);
  text += known_text(scenario, f);
  text += "Runs held to them:\n";
  text += generations_text(f.generations, f.ended);
  if (!f.known.empty())
    text += looseness_warning(f.generations, "the forecast is looser than what was known");
  text += ahead_text(scenario, forecast);
  text += parameters_text(scenario, f);
  text += history_text(scenario, forecast);
  std::uint64_t runs = f.runs;
  for (const ForecastAt& h : forecast.history)
    runs += h.runs;
  return text + fmt::format("  runs made: {}\n", thousands(static_cast<std::int64_t>(runs)));
}

ordered_json forecast_json(const Scenario& scenario, const Forecast& forecast) {
  ordered_json j = smc_json_header(scenario, forecast.seed, forecast.particles);
  j["events"] = ordered_json::array();
  for (std::size_t e = 0; e < forecast.events.size(); ++e) {
    j["events"].push_back({{"event", run_event_text(scenario, forecast.events[e])},
                           {"words", run_event_words(scenario, forecast.events[e])},
                           {"known_ahead", forecast.ahead[e] != 0}});
  }
  j["forecast"] = forecast_at_json(scenario, forecast, forecast.latest);
  j["history"] = ordered_json::array();
  for (const ForecastAt& h : forecast.history)
    j["history"].push_back(forecast_at_json(scenario, forecast, h));
  return j;
}

}  // namespace faultline::reports
