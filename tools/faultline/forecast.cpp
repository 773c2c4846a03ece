#include "forecast.hpp"

#include <iostream>

#include "calibrate.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "output.hpp"

namespace faultline::cli {

CLI::App* add_forecast_command(CLI::App& app, ForecastArgs& args, const CLI::Validator& seed) {
  auto* command = app.add_subcommand(
      "forecast", "When what is still ahead will happen, from what was observed by --now");
  command->add_option("scenario", args.scenario, "Scenario YAML file")->required();
  command
      ->add_option("--now", args.now,
                   "The time of the forecast: T0+35h14m or a local date-time such as "
                   "'2018-09-27 08:36'; observed milestones at or before it are known")
      ->required();
  command->add_option("--event", args.events,
                      "An event still ahead to forecast (repeatable): all-restored, "
                      "restored:SERVICE, completed:STEP or milestone:ID; by default "
                      "all-restored and each observed milestone not yet known");
  command->add_flag("--history", args.history,
                    "Also forecast from T0 and from each time a milestone became known");
  add_smc_options(command, args.smc, seed);
  add_json_option(command, args.json);
  return command;
}

namespace {

// The options the arguments ask for; nothing (the reason said) when --now
// or an --event is bad.
std::optional<ForecastOptions> forecast_options(const Scenario& scenario,
                                                const ForecastArgs& args) {
  ForecastOptions options;
  const auto now = scenario.clock.parse_time(args.now);
  if (const auto trouble = ScenarioClock::local_time_trouble(args.now, scenario.clock.zone());
      !now && trouble) {
    std::cerr << "faultline: --now " << *trouble << "; give it as T0 plus a duration (T0+35h14m)\n";
    return std::nullopt;
  }
  if (!now) {
    std::cerr << "faultline: --now '" << args.now
              << "' is no time of the scenario: give T0, T0 plus a duration (T0+35h14m) or a "
                 "local date-time such as '2018-09-27 08:36' (one that exists, once, in the "
                 "scenario's time zone)\n";
    return std::nullopt;
  }
  if (now->ms < 0) {
    std::cerr << "faultline: --now '" << args.now << "' is before T0 ("
              << scenario.clock.local_text(SimTime{}) << "); give a time at or after it\n";
    return std::nullopt;
  }
  options.now = *now;
  for (const std::string& text : args.events) {
    try {
      options.events.push_back(parse_run_event(scenario, text));
    } catch (const std::invalid_argument& e) {
      std::cerr << "faultline: --event \"" << text << "\": " << e.what()
                << "; write all-restored, restored:SERVICE, completed:STEP or milestone:ID\n";
      return std::nullopt;
    }
  }
  options.history = args.history;
  options.smc = args.smc;
  return options;
}

}  // namespace

int run_forecast(const Scenario& scenario, const ForecastArgs& args, std::ostream& text) {
  const auto options = forecast_options(scenario, args);
  if (!options)
    return kExitBadInput;
  Forecast result;
  try {
    result = forecast(scenario, *options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (result.interrupted) {
    std::cerr << "faultline: interrupted before the forecast was made; nothing was written\n";
    return kExitInterrupted;
  }
  text << reports::forecast_text(scenario, result);
  return write_output(args.json, json_text(reports::forecast_json(scenario, result)));
}

}  // namespace faultline::cli
