#pragma once
// faultline calibrate: fits a scenario's unknown parameters to what was
// observed (faultline/calibrate.hpp).

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "faultline/calibrate.hpp"

namespace faultline::cli {

struct CalibrateArgs {
  std::string scenario;
  CalibrationOptions options;
  std::string json;
  std::string write;  // the fitted scenario
};

// --particles, --generations, --threads and --seed: the search calibrate
// and forecast share.
void add_smc_options(CLI::App* command, CalibrationOptions& options, const CLI::Validator& seed);

CLI::App* add_calibrate_command(CLI::App& app, CalibrateArgs& args, const CLI::Validator& seed);

// Calibrates the scenario read from args.scenario, prints the result to
// `text`, and writes the JSON and fitted scenario asked for; writes
// nothing and exits kExitInterrupted when stopped.
int run_calibrate(const Scenario& scenario, const CalibrateArgs& args, std::ostream& text);

}  // namespace faultline::cli
