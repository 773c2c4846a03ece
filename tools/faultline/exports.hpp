#pragma once
// faultline export chaostoolkit | aws-fis: a scenario as an experiment of a
// chaos tool, to rehearse it for real.

#include <CLI/CLI.hpp>

#include <string>

#include "faultline/loader.hpp"

namespace faultline::cli {

struct ExportArgs {
  std::string scenario;
  std::string out = "-";
};

// The export command and its two subcommands, into args.
CLI::App* add_export_command(CLI::App& app, ExportArgs& args);

// Writes the experiment chosen: 0, 1 (it could not be written) or 2 (bad
// input; for aws-fis, also a scenario none of whose faults FIS can inject).
int run_export(const CLI::App& export_cmd, const ExportArgs& args, const LoadOptions& options);

}  // namespace faultline::cli
