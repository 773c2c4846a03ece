#include "exports.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "faultline/replay.hpp"
#include "faultline/reports/chaos.hpp"
#include "output.hpp"

namespace faultline::cli {

namespace {

// The scenario and its replay, whose order the rollbacks follow; nothing
// (said) when the scenario is bad or its strategy is the optimize search.
std::optional<std::pair<std::shared_ptr<const Scenario>, RunResult>> replayed(
    const std::string& path, const LoadOptions& options) {
  const auto load = load_scenario(path, options);
  print(load.diagnostics);
  if (!load.scenario)
    return std::nullopt;
  if (load.scenario->strategy == StrategyKind::optimize) {
    std::cerr << "faultline: export follows the replay's order of the runbook, and optimize is a "
                 "search: run `faultline replay --strategy optimize` and write the priority it "
                 "finds into the scenario (strategy: priority)\n";
    return std::nullopt;
  }
  return std::pair{load.scenario, replay(*load.scenario)};
}

}  // namespace

CLI::App* add_export_command(CLI::App& app, ExportArgs& args) {
  auto* command = app.add_subcommand(
      "export", "Write a scenario as a chaos tool's experiment, providers as placeholders");
  command->require_subcommand(1);
  for (const auto& [name, what] :
       {std::pair{"chaostoolkit", "A Chaos Toolkit experiment (JSON): probes, faults, rollbacks"},
        std::pair{"aws-fis",
                  "An AWS FIS experiment template (JSON) of the faults FIS can inject"}}) {
    auto* sub = command->add_subcommand(name, what);
    sub->add_option("scenario", args.scenario, "Scenario YAML file")->required();
    sub->add_option("--out,-o", args.out,
                    "Write the experiment to this file ('-', the default: standard output)")
        ->capture_default_str()
        ->check(non_empty_path);
  }
  return command;
}

int run_export(const CLI::App& export_cmd, const ExportArgs& args, const LoadOptions& options) {
  if (!outputs_apart({args.out}, std::vector<std::string>{args.scenario}))
    return kExitBadInput;
  const auto scenario = replayed(args.scenario, options);
  if (!scenario || !not_written(*scenario->first->topology))
    return kExitBadInput;
  const auto& [model, result] = *scenario;
  const bool fis = export_cmd.got_subcommand("aws-fis");
  const reports::ChaosExperiment experiment =
      fis ? reports::aws_fis_template(*model, result)
          : reports::chaostoolkit_experiment(*model, result);
  for (const std::string& fault : experiment.left_out)
    std::cerr << "faultline: warning: left out of the experiment: " << fault << "\n";
  for (const std::string& note : experiment.notes)
    std::cerr << "faultline: warning: " << note << "\n";
  // An experiment with nothing to inject is refused by the tool itself
  // (found in review: Chaos Toolkit's was written with an empty method).
  if (experiment.json[fis ? "actions" : "method"].empty()) {
    std::cerr << fmt::format(
        "faultline: no fault of the scenario is left to inject{}; nothing "
        "was written\n",
        fis ? " (none has an FIS counterpart)" : "");
    return kExitBadInput;
  }
  return write_output(args.out, json_text(experiment.json));
}

}  // namespace faultline::cli
