#include "calibrate.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "output.hpp"

namespace faultline::cli {

void add_smc_options(CLI::App* command, CalibrationOptions& options, const CLI::Validator& seed) {
  command
      ->add_option("--particles", options.particles,
                   "Particles per generation: the posterior is a weighted sample of them")
      ->check(CLI::Range(std::size_t{10}, std::size_t{20'000}))
      ->capture_default_str();
  command
      ->add_option("--generations", options.most_generations,
                   "At most this many generations, the first from the priors")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  add_threads_and_seed(command, options.threads, options.seed, seed);
}

CLI::App* add_calibrate_command(CLI::App& app, CalibrateArgs& args, const CLI::Validator& seed) {
  auto* command = app.add_subcommand(
      "calibrate",
      "Fit the parameters a scenario marks unknown to its observed milestones (ABC-SMC)");
  command->add_option("scenario", args.scenario, "Scenario YAML file")->required();
  add_smc_options(command, args.options, seed);
  command
      ->add_option("--check-runs", args.options.check_runs,
                   "Runs of the fitted posterior that show each milestone's spread after fitting")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}))
      ->capture_default_str();
  add_json_option(command, args.json);
  command
      ->add_option("--write", args.write,
                   "Write the scenario with each unknown parameter at its posterior median to "
                   "this file ('-': standard output)")
      ->check(non_empty_path);
  return command;
}

int run_calibrate(const Scenario& scenario, const CalibrateArgs& args, std::ostream& text) {
  Calibration calibration;
  try {
    calibration = calibrate(scenario, args.options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (calibration.ended == CalibrationEnd::interrupted) {
    std::cerr << "faultline: interrupted before the calibration was made; nothing was written\n";
    return kExitInterrupted;
  }
  text << reports::calibration_text(scenario, calibration);
  if (const int code =
          write_output(args.json, json_text(reports::calibration_json(scenario, calibration)));
      code != kExitOk || args.write.empty())
    return code;
  std::ifstream in(args.scenario, std::ios::binary);
  std::ostringstream source;
  source << in.rdbuf();
  return write_output(args.write, fitted_scenario_yaml(scenario, calibration, source.str(),
                                                       args.scenario, args.write));
}

}  // namespace faultline::cli
