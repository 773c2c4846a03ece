#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

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

constexpr int kShareWidth = 7;  // "by now" and room

// A row of a forecast table, in its texts: its first column, when the
// event happens at p10, p50 and p90, and the shares by now and never.
struct ForecastRow {
  std::string first;
  TimeQuantiles at;
  std::string by_now;
  std::string never;
};

ForecastRow forecast_row(std::string first, const ScenarioClock& clock, const EventForecast& e) {
  return {
      std::move(first),
      {point_text(clock, e.at.low), point_text(clock, e.at.median), point_text(clock, e.at.high)},
      percent(e.by_now),
      percent(e.never)};
}

// The heading of the first column, then the rows: the first column as wide
// as its widest text, the times as theirs (see time_column_width).
std::string forecast_table(const std::string& heading, std::span<const ForecastRow> rows) {
  std::vector<std::string> firsts{heading};
  std::vector<TimeQuantiles> times;
  for (const ForecastRow& r : rows) {
    firsts.push_back(r.first);
    times.push_back(r.at);
  }
  const std::size_t first_w = column_width(firsts, 0);
  const std::size_t time_w = time_column_width(times);
  const auto line = [&](std::string_view first, const TimeQuantiles& at, std::string_view by_now,
                        std::string_view never) {
    return fmt::format("  {:<{}} {:<{}} {:<{}} {:<{}} {:<{}} {}\n", first, first_w, at[0], time_w,
                       at[1], time_w, at[2], time_w, by_now, kShareWidth, never);
  };
  std::string text = line(heading, {"p10", "p50", "p90"}, "by now", "never");
  for (const ForecastRow& r : rows)
    text += line(r.first, r.at, r.by_now, r.never);
  return text;
}

std::string known_text(const Scenario& scenario, const ForecastAt& f) {
  std::string text = fmt::format("Known by then: {} of {} observed milestones\n", f.known.size(),
                                 scenario.observed.size());
  std::size_t width = 0;
  for (const std::size_t m : f.known)
    width = std::max(width, text_width(scenario.observed[m].id));
  for (const std::size_t m : f.known) {
    const Milestone& observed = scenario.observed[m];
    text += fmt::format("  {:<{}} {}{}\n", observed.id, width,
                        milestone_when(scenario.clock, observed), default_tolerance_note(observed));
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
  std::vector<ForecastRow> rows;
  for (std::size_t e = 0; e < names.size(); ++e)
    rows.push_back(forecast_row(names[e], scenario.clock, forecast.latest.events[e]));
  std::string text = forecast_table("Forecast", rows);
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
  std::vector<std::string> names;
  for (std::size_t k = 0; k < f.parameters.size(); ++k)
    names.push_back(parameter_name(scenario, scenario.unknowns[k]));
  const std::size_t name_w = column_width(names, 38);
  std::string text = "Unknown parameters, given what was known: median (90% interval)\n";
  for (std::size_t k = 0; k < f.parameters.size(); ++k) {
    text += fmt::format("  {:<{}} {}\n", names[k], name_w,
                        parameter_spread_text(scenario.unknowns[k], f.parameters[k].posterior));
  }
  return text;
}

// The forecasts as each milestone became known, then the latest.
std::vector<const ForecastAt*> history_and_latest(const Forecast& forecast) {
  std::vector<const ForecastAt*> all;
  for (const ForecastAt& f : forecast.history)
    all.push_back(&f);
  all.push_back(&forecast.latest);
  return all;
}

// How the first event's forecast moved as milestones became known.
std::string history_text(const Scenario& scenario, const Forecast& forecast) {
  if (forecast.history.empty())
    return "";
  std::vector<ForecastRow> rows;
  for (const ForecastAt* f : history_and_latest(forecast)) {
    rows.push_back(forecast_row(fmt::format("{} ({} known)", human_offset(f->now), f->known.size()),
                                scenario.clock, f->events[0]));
  }
  return fmt::format("How the forecast moved: {}\n",
                     run_event_words(scenario, forecast.events[0])) +
         forecast_table("from", rows);
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
  j["thin_sample"] = thin_sample(f.generations, forecast.particles);
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
  text += thin_sample_warning(f.generations, forecast.particles, "the forecast");
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
