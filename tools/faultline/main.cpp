// The faultline command: validate, analyze and replay.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "faultline/analysis.hpp"
#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/atomic_file.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // could not write the output
constexpr int kExitBadInput = 2;

void print(const faultline::Diagnostics& diagnostics) {
  std::cerr << diagnostics.to_text();
  if (diagnostics.has_errors()) {
    std::cerr << fmt::format("{} error(s); nothing was written\n", diagnostics.error_count());
  }
}

int write_json(const std::string& path, const nlohmann::ordered_json& json) {
  if (path.empty())
    return kExitOk;
  try {
    faultline::reports::write_file_atomically(path, json.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int validate(const std::vector<std::string>& files) {
  bool clean = true;
  for (const auto& file : files) {
    const faultline::Diagnostics diagnostics = faultline::validate_file(file);
    std::cerr << diagnostics.to_text();
    if (diagnostics.has_errors()) {
      clean = false;
    } else {
      std::cout << file << ": ok\n";
    }
  }
  return clean ? kExitOk : kExitBadInput;
}

int analyze(const std::string& topology_path, const std::string& json_path) {
  const auto load = faultline::load_topology(topology_path);
  print(load.diagnostics);
  if (!load.topology)
    return kExitBadInput;
  const auto analysis = faultline::analyze(*load.topology);
  std::cout << faultline::reports::analysis_text(*load.topology, analysis);
  return write_json(json_path, faultline::reports::analysis_json(*load.topology, analysis));
}

int replay(const std::string& scenario_path, const std::string& json_path) {
  const auto load = faultline::load_scenario(scenario_path);
  print(load.diagnostics);
  if (!load.scenario)
    return kExitBadInput;
  const auto result = faultline::replay(*load.scenario);
  std::cout << faultline::reports::replay_text(*load.scenario, result);
  return write_json(json_path, faultline::reports::replay_json(*load.scenario, result));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Faultline: replays faults and staged recoveries of service topologies"};
  app.require_subcommand(1);

  std::vector<std::string> validate_files;
  auto* validate_cmd =
      app.add_subcommand("validate", "Check topologies and scenarios; print every problem");
  validate_cmd->add_option("files", validate_files, "Topology or scenario YAML files")->required();

  std::string topology_path;
  std::string analyze_json;
  auto* analyze_cmd = app.add_subcommand(
      "analyze", "Dependency layers, cycles, blast radius and single points of failure");
  analyze_cmd->add_option("topology", topology_path, "Topology YAML file")->required();
  analyze_cmd->add_option("--json", analyze_json, "Also write the analysis as JSON to this file");

  std::string scenario_path;
  std::string replay_json;
  auto* replay_cmd = app.add_subcommand(
      "replay", "Replay a scenario once with nominal durations; print the timeline");
  replay_cmd->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  replay_cmd->add_option("--json", replay_json, "Also write the result as JSON to this file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }

  try {
    if (*validate_cmd)
      return validate(validate_files);
    if (*analyze_cmd)
      return analyze(topology_path, analyze_json);
    if (*replay_cmd)
      return replay(scenario_path, replay_json);
  } catch (const std::exception& e) {
    std::cerr << "faultline: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}
