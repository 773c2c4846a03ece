#include "imports.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "faultline/imports.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "output.hpp"

namespace faultline::cli {

namespace {

int import_backstage(const ImportArgs& args, const LoadOptions& options) {
  if (!outputs_apart({args.out}, args.catalog_files))
    return kExitBadInput;
  Diagnostics diagnostics;
  const auto imported = faultline::import_backstage(args.catalog_files, options, diagnostics);
  print(diagnostics);
  if (!imported)
    return kExitBadInput;
  const int written = write_output(args.out, imported->topology_yaml);
  std::cerr << fmt::format("faultline: {} services, {} dependencies, {} user groups",
                           imported->services, imported->dependencies, imported->user_groups);
  if (!imported->left_out.empty())
    std::cerr << fmt::format("; left out: {}", fmt::join(imported->left_out, ", "));
  std::cerr << "\n";
  for (const std::string& p : imported->placeholders)
    std::cerr << "faultline: PLACEHOLDER: " << p << "\n";
  return written;
}

int import_deps(const ImportArgs& args, const LoadOptions& options) {
  if (!outputs_apart({args.json}, std::vector<std::string>{args.links, args.topology}))
    return kExitBadInput;
  const auto load = load_topology(args.topology, options);
  print(load.diagnostics);
  if (!load.topology)
    return kExitBadInput;
  Diagnostics diagnostics;
  const auto calls = read_trace_links(args.links, options, diagnostics);
  print(diagnostics);
  if (!calls)
    return kExitBadInput;
  const DependencyDrift drift = dependency_drift(*load.topology, *calls);
  (args.json == "-" ? std::cerr : std::cout) << reports::drift_text(*load.topology, drift);
  const int written =
      write_output(args.json, json_text(reports::drift_json(*load.topology, drift)));
  return drift.drifted() ? kExitFailure : written;
}

}  // namespace

CLI::App* add_import_command(CLI::App& app, ImportArgs& args) {
  auto* command = app.add_subcommand(
      "import", "Bring in what other tools know: a Backstage catalog, traced dependencies");
  command->require_subcommand(1);
  auto* backstage = command->add_subcommand(
      "backstage", "Backstage catalog-info.yaml files to a topology (placeholders marked)");
  backstage->add_option("files", args.catalog_files, "Catalog files ('-': standard input)")
      ->required();
  backstage
      ->add_option("--out,-o", args.out,
                   "Write the topology to this file ('-', the default: standard output)")
      ->capture_default_str()
      ->check(non_empty_path);
  auto* deps = command->add_subcommand(
      "deps", "Traced calls against a topology's depends_on; exit 1 on drift (for CI gates)");
  deps->add_option("links", args.links,
                   "Jaeger/Zipkin dependency links (JSON) or OpenTelemetry service graph "
                   "metrics (Prometheus text)")
      ->required();
  deps->add_option("--topology", args.topology, "Topology YAML file")->required();
  deps->add_option("--json", args.json,
                   "Also write the drift as JSON to this file ('-': standard output, and the "
                   "text goes to standard error)");
  return command;
}

int run_import(const CLI::App& import_cmd, const ImportArgs& args, const LoadOptions& options) {
  if (import_cmd.got_subcommand("backstage"))
    return import_backstage(args, options);
  return import_deps(args, options);
}

}  // namespace faultline::cli
