#pragma once
// faultline import backstage | deps: a service catalog in as a topology, and
// traced calls held against a topology's dependencies.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "faultline/loader.hpp"

namespace faultline::cli {

struct ImportArgs {
  std::vector<std::string> catalog_files;  // backstage
  std::string out = "-";                   // backstage: the topology written
  std::string links;                       // deps
  std::string topology;                    // deps
  std::string json;                        // deps
};

// The import command and its two subcommands, into args.
CLI::App* add_import_command(CLI::App& app, ImportArgs& args);

// Runs the subcommand chosen: import backstage exits 0 or 2 (bad input) or
// 1 (the topology could not be written); import deps exits 0 without
// drift, 1 with drift (or when the JSON could not be written), 2 for bad
// input.
int run_import(const CLI::App& import_cmd, const ImportArgs& args, const LoadOptions& options);

}  // namespace faultline::cli
