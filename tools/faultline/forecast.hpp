#pragma once
// faultline forecast: when what is still ahead will happen, from the
// runbook and what was observed by a time (faultline/forecast.hpp).

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

#include "faultline/forecast.hpp"

namespace faultline::cli {

struct ForecastArgs {
  std::string scenario;
  std::string now;
  std::vector<std::string> events;
  bool history = false;
  CalibrationOptions smc;
  std::string json;
};

CLI::App* add_forecast_command(CLI::App& app, ForecastArgs& args, const CLI::Validator& seed);

// Forecasts from the scenario read from args.scenario, prints it to `text`
// and writes the JSON asked for; a bad --now or --event exits
// kExitBadInput, a stop kExitInterrupted, writing nothing.
int run_forecast(const Scenario& scenario, const ForecastArgs& args, std::ostream& text);

}  // namespace faultline::cli
