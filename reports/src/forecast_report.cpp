#include <fmt/format.h>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/words.hpp"
#include "format.hpp"
#include "parameter_format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

std::string spread_text(const ScenarioClock& clock, const EventForecast& e) {
  std::string text = e.at ? fmt::format("{:<22} {:<22} {:<22}", at_local(clock, e.at->low),
                                        at_local(clock, e.at->median), at_local(clock, e.at->high))
                          : fmt::format("{:<22} {:<22} {:<22}", "-", "-", "-");
  return text + percent(e.never);
}

std::string known_text(const Scenario& scenario, const ForecastAt& f) {
  std::string text = fmt::format("Known by then: {} of {} observed milestones\n", f.known.size(),
                                 scenario.observed.size());
  for (const std::size_t m : f.known) {
    const Milestone& observed = scenario.observed[m];
    text += fmt::format("  {:<30} {}\n", observed.id, milestone_when(scenario.clock, observed));
  }
  return text;
}

std::string ahead_text(const Scenario& scenario, const Forecast& forecast) {
  std::string text =
      fmt::format("Still ahead {:<29} {:<22} {:<22} {:<22} never\n", "", "p10", "p50", "p90");
  for (std::size_t e = 0; e < forecast.events.size(); ++e) {
    text += fmt::format("  {:<38} {}\n", run_event_words(scenario, forecast.events[e]),
                        spread_text(scenario.clock, forecast.latest.events[e]));
  }
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
  std::string text =
      fmt::format("How the forecast moved: {}\n  {:<32} {:<22} {:<22} {:<22} never\n",
                  run_event_words(scenario, forecast.events[0]), "from", "p10", "p50", "p90");
  const auto line = [&](const ForecastAt& f) {
    return fmt::format("  {:<32} {}\n",
                       fmt::format("{} ({} known)", human_offset(f.now), f.known.size()),
                       spread_text(scenario.clock, f.events[0]));
  };
  for (const ForecastAt& f : forecast.history)
    text += line(f);
  return text + line(forecast.latest);
}

ordered_json event_json(const EventForecast& e) {
  ordered_json j = time_spread_json(e.at);
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
  j["parameters"] = parameters_json(scenario, f.parameters);
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
  text += "Runs held to them, none with an event still ahead already happened by then:\n";
  text += generations_text(f.generations, f.ended);
  text += ahead_text(scenario, forecast);
  text += parameters_text(scenario, f);
  text += history_text(scenario, forecast);
  std::uint64_t runs = f.runs;
  for (const ForecastAt& h : forecast.history)
    runs += h.runs;
  return text + fmt::format("  runs made: {}\n", thousands(static_cast<std::int64_t>(runs)));
}

ordered_json forecast_json(const Scenario& scenario, const Forecast& forecast) {
  ordered_json j = result_header();
  j["scenario"] = {{"name", scenario.name}, {"file", scenario.file}};
  j["method"] = "abc-smc";
  j["seed"] = forecast.seed;
  j["particles"] = forecast.particles;
  j["events"] = ordered_json::array();
  for (const RunEvent& e : forecast.events)
    j["events"].push_back(
        {{"event", run_event_text(scenario, e)}, {"words", run_event_words(scenario, e)}});
  j["forecast"] = forecast_at_json(scenario, forecast, forecast.latest);
  j["history"] = ordered_json::array();
  for (const ForecastAt& h : forecast.history)
    j["history"].push_back(forecast_at_json(scenario, forecast, h));
  return j;
}

}  // namespace faultline::reports
