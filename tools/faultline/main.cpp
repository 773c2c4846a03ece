// The faultline command: validate, analyze, replay, simulate, compare, rehearse and markov.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <new>
#include <span>
#include <string_view>
#include <thread>

#include "calibrate.hpp"
#include "completion.hpp"
#include "exports.hpp"
#include "faultline/analysis.hpp"
#include "faultline/compare.hpp"
#include "faultline/loader.hpp"
#include "faultline/markov.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/optimize.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/atomic_file.hpp"
#include "faultline/reports/csv.hpp"
#include "faultline/reports/graph.hpp"
#include "faultline/reports/html.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/prometheus.hpp"
#include "faultline/reports/schema.hpp"
#include "faultline/reports/slo.hpp"
#include "faultline/reports/summary.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/strategy.hpp"
#include "faultline/version.hpp"
#include "faultline/words.hpp"
#include "forecast.hpp"
#include "imports.hpp"
#include "output.hpp"
#include "ranks.hpp"
#include "rare.hpp"
#include "rehearse.hpp"
#include "shards.hpp"
#include "slos.hpp"

namespace {

using faultline::cli::gated_by_budgets;
using faultline::cli::input_paths;
using faultline::cli::json_text;
using faultline::cli::kExitBadInput;
using faultline::cli::kExitFailure;
using faultline::cli::kExitInterrupted;
using faultline::cli::kExitMissed;
using faultline::cli::kExitOk;
using faultline::cli::merged_shards;
using faultline::cli::non_empty_path;
using faultline::cli::not_written;
using faultline::cli::outputs_apart;
using faultline::cli::print;
using faultline::cli::run_range;
using faultline::cli::shard_header;
using faultline::cli::slos_for;
using faultline::cli::study_of;
using faultline::cli::TextPieces;
using faultline::cli::TextSink;
using faultline::cli::write_output;

// Set by SIGINT and SIGTERM. Monte Carlo stops starting runs and reports
// those made; outputs being written are finished, never left half done or
// in a temporary folder; then the command exits 130.
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted.store(true);
}

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// How much input the loaders take, from --max-input-mib; set once, before
// any command runs.
faultline::LoadOptions load_options;

// A seed is a whole number from 0 to 2^64 - 1, written as such: nothing is
// wrapped or saturated.
const CLI::Validator seed_text(
    [](const std::string& text) {
      std::uint64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return "the seed must be a whole number from 0 to 18446744073709551615, found '" + text +
               "'";
      return std::string();
    },
    "SEED");

// A number above 0 and below 1 or, `up_to_one`, at most 1; NaN is neither.
CLI::Validator share_validator(bool up_to_one, const std::string& expected) {
  return CLI::Validator(
      [=](const std::string& text) {
        double value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool in_range = value > 0 && (value < 1 || (up_to_one && value == 1));
        if (text.empty() || error != std::errc() || end != text.data() + text.size() || !in_range)
          return "must be " + expected + ", found '" + text + "'";
        return std::string();
      },
      up_to_one ? "SHARE" : "FRACTION");
}

const CLI::Validator open_fraction =
    share_validator(false, "a fraction above 0 and below 1, such as 0.01 for 1%");

// A share of runs above 0, up to all of them.
const CLI::Validator share_of_runs =
    share_validator(true, "a share of runs above 0 and at most 1, such as 0.9");

// --require-milestones on a scenario without observed milestones would
// gate on nothing, and pass: refused, saying why.
bool milestones_to_require(bool asked, const faultline::Scenario& scenario) {
  if (!asked || !scenario.observed.empty())
    return true;
  std::cerr << "faultline: --require-milestones checks the scenario's observed milestones, and "
            << scenario.file
            << " has none, so it would pass whatever happened; add `observed:` milestones, or "
               "leave the option out\n";
  return false;
}

// With --require-milestones, a run that wrote its outputs but missed an
// observed milestone exits kExitMissed, naming them; `met(i)` says whether
// milestone i passes.
int gated_by_milestones(bool required, const faultline::Scenario& scenario,
                        const std::function<bool(std::size_t)>& met, int code) {
  if (!required || code != kExitOk)
    return code;
  std::vector<std::string> missed;
  for (std::size_t i = 0; i < scenario.observed.size(); ++i) {
    if (!met(i))
      missed.push_back(scenario.observed[i].id);
  }
  if (missed.empty())
    return code;
  std::cerr << fmt::format("faultline: missed {} of {} observed milestones: {}\n", missed.size(),
                           scenario.observed.size(), fmt::join(missed, ", "));
  return kExitMissed;
}

// Where a command writes its results besides the terminal.
struct Outputs {
  std::string json;
  std::string report;
  std::string prom;  // Prometheus text exposition
};

// The files of a report directory.
constexpr std::array<std::string_view, 4> kReportFiles{"index.html", "summary.md", "timeline.csv",
                                                       "result.json"};

// A report directory that would be refused is refused before the work, as
// bad input (found by a helper: a directory of other files was refused
// only after the whole study had run and printed, with exit 1).
const CLI::Validator replaceable_report(
    [](const std::string& path) {
      return faultline::reports::directory_refusal(path, kReportFiles).value_or("");
    },
    "DIR");

void add_output_options(CLI::App* command, Outputs& outputs) {
  command->add_option("--json", outputs.json,
                      "Also write the result as JSON to this file ('-': standard output, and "
                      "the text goes to standard error)");
  command
      ->add_option("--report", outputs.report,
                   "Also write a report directory: index.html (charts), summary.md, "
                   "timeline.csv and result.json")
      ->check(non_empty_path)
      ->check(replaceable_report);
  command
      ->add_option("--prom", outputs.prom,
                   "Also write the headline results as Prometheus metrics (text exposition "
                   "format, for node_exporter's textfile collector) to this file ('-': standard "
                   "output)")
      ->check(non_empty_path);
}

CLI::Option* add_slo_option(CLI::App* command, std::string& path) {
  return command
      ->add_option("--slo", path,
                   "Judge the runs against the SLOs of this OpenSLO file (apiVersion openslo/v1, "
                   "kind SLO): the error budget each spends")
      ->check(non_empty_path);
}

// --run-range and --tally, on simulate and compare.
void add_shard_options(CLI::App* command, std::string& run_range, std::string& tally) {
  command->add_option("--run-range", run_range,
                      "Make only runs FIRST to END-1 of the --runs (e.g. 0:5000): a shard of the "
                      "study, whose --tally faultline merge adds up");
  command
      ->add_option("--tally", tally,
                   "Also write the runs' exact tally to this file, for faultline merge")
      ->check(non_empty_path)
      ->check(CLI::Validator(
          [](const std::string& path) {
            return path == "-" ? "must name a file, which merge reads back, not - (standard "
                                 "output)"
                               : "";
          },
          "FILE"));
}

// Where the text for people goes: standard output, unless one of the
// command's outputs does.
std::ostream& text_stream(std::initializer_list<std::string_view> output_paths) {
  return std::ranges::find(output_paths, "-") != output_paths.end() ? std::cerr : std::cout;
}

struct ReportPages {
  std::string html;
  std::string markdown;
  std::string csv;
};

// The JSON file, the report directory and the metrics, each whole or not
// at all. Each is made only when asked for: at 10^5 services the JSON of a
// simulation alone is half a gigabyte.
int write_outputs(const Outputs& outputs, const TextPieces& json,
                  const std::function<ReportPages()>& pages,
                  const std::function<std::string()>& metrics) {
  if (outputs.report.empty())
    return std::max(write_output(outputs.json, json),
                    outputs.prom.empty() ? kExitOk : write_output(outputs.prom, metrics()));
  std::string text;
  json([&](std::string_view piece) { text += piece; });
  try {
    ReportPages p = pages();
    faultline::reports::write_directory_atomically(
        outputs.report, {{std::string(kReportFiles[0]), std::move(p.html)},
                         {std::string(kReportFiles[1]), std::move(p.markdown)},
                         {std::string(kReportFiles[2]), std::move(p.csv)},
                         {std::string(kReportFiles[3]), text}});
  } catch (const std::exception& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cerr << "faultline: report written to " << outputs.report << "/index.html\n";
  const int json_written = write_output(outputs.json, text);
  return std::max(json_written,
                  outputs.prom.empty() ? kExitOk : write_output(outputs.prom, metrics()));
}

int validate(const std::vector<std::string>& files) {
  bool clean = true;
  faultline::TopologyCache topologies;
  faultline::LoadOptions options = load_options;
  options.topologies = &topologies;
  for (const auto& file : files) {
    const faultline::Diagnostics diagnostics = faultline::validate_file(file, options);
    std::cerr << diagnostics.to_text();
    if (diagnostics.has_errors()) {
      clean = false;
    } else {
      std::cout << (file == "-" ? "<stdin>" : file) << ": ok\n";
    }
  }
  return clean ? kExitOk : kExitBadInput;
}

// The scenario, with its strategy replaced when one is named; nothing (and
// the reason printed) when either is bad.
std::shared_ptr<const faultline::Scenario> load_scenario(const std::string& path,
                                                         const std::string& strategy) {
  const auto load = faultline::load_scenario(path, load_options);
  print(load.diagnostics);
  if (load.scenario && !not_written(*load.scenario->topology))
    return nullptr;
  if (!load.scenario || strategy.empty())
    return load.scenario;
  const auto kind = faultline::parse_strategy(strategy);
  if (!kind) {
    std::cerr << "faultline: unknown --strategy '" << strategy << "'"
              << faultline::did_you_mean(strategy,
                                         faultline::accepted_words<faultline::StrategyKind>())
              << "; expected one of " << faultline::expected_words<faultline::StrategyKind>()
              << "\n";
    return nullptr;
  }
  try {
    return faultline::under_strategy(*load.scenario, *kind);
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << path << ": --strategy " << strategy << ": " << e.what() << "\n";
    return nullptr;
  }
}

// How the optimize strategy searches, when it is chosen.
struct SearchArgs {
  std::uint64_t runs = 200;
  unsigned evaluations = 300;
  std::vector<const CLI::Option*> options;  // as given, or not
};

void add_search_options(CLI::App* command, SearchArgs& search) {
  search.options.push_back(
      command
          ->add_option("--search-runs", search.runs,
                       "With --strategy optimize: runs that judge each priority list")
          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}))
          ->capture_default_str());
  search.options.push_back(command
                               ->add_option("--search-evaluations", search.evaluations,
                                            "With --strategy optimize: priority lists to judge")
                               ->check(CLI::Range(1U, 100'000U))
                               ->capture_default_str());
}

// The first of the options given, if any.
const CLI::Option* first_given(std::span<const CLI::Option* const> options) {
  const auto given = std::ranges::find_if(options, [](const CLI::Option* o) { return o->count(); });
  return given == options.end() ? nullptr : *given;
}

// The search options change nothing unless some scenario, by its file or
// --strategy, is optimized: given otherwise, they are refused rather than
// passed over.
bool search_applies(const SearchArgs& search,
                    std::span<const faultline::Scenario* const> scenarios) {
  const CLI::Option* given = first_given(search.options);
  if (!given || std::ranges::any_of(scenarios, [](const faultline::Scenario* s) {
        return s->strategy == faultline::StrategyKind::optimize;
      }))
    return true;
  std::cerr << fmt::format(
      "faultline: {} applies to the optimize strategy only, which no scenario here has; add "
      "--strategy optimize, or leave {} out\n",
      given->get_name(), given->get_name());
  return false;
}

// A scenario whose strategy is optimize comes back with the priority list
// the search found, after printing it.
std::shared_ptr<const faultline::Scenario> resolve_optimize(
    std::shared_ptr<const faultline::Scenario> scenario, const SearchArgs& search, unsigned threads,
    std::uint64_t seed, std::ostream& out) {
  if (scenario->strategy != faultline::StrategyKind::optimize)
    return scenario;
  faultline::OptimizeOptions options;
  options.runs = search.runs;
  options.evaluations = search.evaluations;
  options.threads = threads;
  options.seed = seed;
  const auto found = std::make_shared<const faultline::OptimizedPriority>(
      faultline::optimize_priority(*scenario, options));
  out << faultline::reports::optimize_text(*scenario, *found);
  return faultline::with_priority(*scenario, found->order, found);
}

unsigned all_cores() {
  return std::max(1U, std::thread::hardware_concurrency());
}

// A positive duration option, or a message saying what was wrong.
std::optional<faultline::Duration> positive_duration(const std::string& option,
                                                     const std::string& text) {
  const auto d = faultline::parse_duration(text);
  if (!d || d->ms <= 0) {
    std::cerr << fmt::format(
        "faultline: {} must be a duration above 0 such as 1h, 15m or 1s, found '{}'\n", option,
        text);
    return std::nullopt;
  }
  return d;
}

struct FidelityArgs {
  std::string fidelity = "state";
  std::string step = "1m";
  std::string window = "1h";
  std::vector<const CLI::Option*> network_only;  // --step and --window, as given or not
};

const std::vector<std::string> kFidelities{"state", "network"};

void add_fidelity_options(CLI::App* command, FidelityArgs& args) {
  command
      ->add_option("--fidelity", args.fidelity,
                   "state: services up or down; network: requests through a SimGrid "
                   "platform of the topology")
      ->check(CLI::IsMember(kFidelities))
      ->capture_default_str();
  args.network_only.push_back(
      command
          ->add_option("--step", args.step,
                       "Network fidelity: how often each flow of requests is sent")
          ->capture_default_str());
  args.network_only.push_back(
      command->add_option("--window", args.window, "Network fidelity: request metrics per window")
          ->capture_default_str());
}

// Refuses --step and --window at state fidelity, where they would change
// nothing.
std::optional<faultline::NetworkOptions> network_options(const FidelityArgs& args) {
  if (const CLI::Option* given = first_given(args.network_only);
      given && args.fidelity != "network") {
    std::cerr << fmt::format(
        "faultline: {} applies at network fidelity only; add --fidelity network, or leave {} "
        "out\n",
        given->get_name(), given->get_name());
    return std::nullopt;
  }
  const auto step = positive_duration("--step", args.step);
  const auto window = step ? positive_duration("--window", args.window) : std::nullopt;
  if (!step || !window)
    return std::nullopt;
  if (*window < *step) {
    std::cerr << fmt::format("faultline: --window ({}) must be at least --step ({})\n", args.window,
                             args.step);
    return std::nullopt;
  }
  return faultline::NetworkOptions{*step, *window};
}

// The baseline comes first: when the platform cannot carry its load, every
// figure after it must be read in that light; standard error says so too
// when the text goes elsewhere.
void say_baseline(const faultline::Scenario& scenario, const faultline::NetworkBaseline& baseline,
                  std::initializer_list<std::string_view> output_paths) {
  std::ostream& text = text_stream(output_paths);
  text << faultline::reports::baseline_text(scenario, baseline) << "\n";
  if (!baseline.healthy() && &text == &std::cout)
    std::cerr << "faultline: warning: with nothing failed, the platform does not carry its load; "
                 "see the WARNING at the top of the output\n";
}

struct ReplayArgs {
  std::string scenario;
  std::string strategy;
  Outputs outputs;
  SearchArgs search;
  FidelityArgs fidelity;
  std::string dot;      // the runbook's step graph
  std::string graphml;  // the same
  bool require_milestones = false;
  std::string slo;  // an OpenSLO file
  bool require_slos = false;
};

// The replay's error budgets, when it was judged against SLOs.
using Budgets = std::optional<faultline::reports::RunBudgets>;

// Exits kExitMissed when asked to and the replay missed a milestone or
// exhausted an error budget.
int gated_replay(const ReplayArgs& args, const faultline::Scenario& scenario,
                 const faultline::RunResult& result, const Budgets& budgets, int code) {
  const int milestones = gated_by_milestones(
      args.require_milestones, scenario, [&](std::size_t i) { return result.observed[i].met; },
      code);
  if (!budgets)
    return milestones;
  const int slos = gated_by_budgets(
      args.require_slos, budgets->slos,
      [&](std::size_t k, std::size_t o) { return !budgets->burns[k].objectives[o].exhausted(); },
      code);
  return std::max(milestones, slos);
}

// The replay's metrics, its error budgets' families after them.
std::string metrics_with_budgets(const faultline::Scenario& scenario, std::string metrics,
                                 const Budgets& budgets) {
  return budgets ? metrics + faultline::reports::budgets_metrics(scenario, *budgets) : metrics;
}

// A meter for the replay's SLOs, if any; throws std::invalid_argument when
// one cannot be judged at this fidelity.
std::optional<faultline::SloMeter> slo_meter(const faultline::Scenario& scenario,
                                             const std::vector<faultline::Slo>& slos,
                                             std::optional<faultline::NetworkOptions> network) {
  if (slos.empty())
    return std::nullopt;
  return std::optional<faultline::SloMeter>(std::in_place, scenario, slos, network);
}

// The runbook's step graph as the replay ran it, in the formats asked for.
int write_runbook_graphs(const ReplayArgs& args, const faultline::Scenario& scenario,
                         const faultline::RunResult& result) {
  const int dot = write_output(args.dot, faultline::reports::runbook_dot(scenario, result));
  const int graphml =
      write_output(args.graphml, faultline::reports::runbook_graphml(scenario, result));
  return std::max(dot, graphml);
}

int replay_network(const faultline::Scenario& scenario, const faultline::NetworkOptions& options,
                   const ReplayArgs& args, const std::vector<faultline::Slo>& slos) {
  const Outputs& outputs = args.outputs;
  faultline::NetworkRunResult result;
  Budgets budgets;
  try {
    const auto meter = slo_meter(scenario, slos, options);
    result = faultline::replay_network(scenario, options);
    if (meter)
      budgets =
          faultline::reports::RunBudgets{slos, meter->burn(result.run, result.requests), true};
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  say_baseline(scenario, result.baseline, {outputs.json, outputs.prom, args.dot, args.graphml});
  text_stream({outputs.json, outputs.prom, args.dot, args.graphml})
      << faultline::reports::replay_text(scenario, result.run)
      << faultline::reports::network_text(scenario, result)
      << (budgets ? faultline::reports::budgets_text(*budgets) : "");
  const int written = write_outputs(
      outputs,
      [&](const TextSink& out) {
        faultline::reports::with_budgets(
            faultline::reports::JsonDocument(faultline::reports::network_json(scenario, result)),
            budgets ? &*budgets : nullptr)
            .write(out);
      },
      [&] {
        const faultline::reports::RunBudgets* judged = budgets ? &*budgets : nullptr;
        return ReportPages{faultline::reports::network_html(scenario, result, judged),
                           faultline::reports::network_summary(scenario, result, judged),
                           faultline::reports::replay_timeline_csv(scenario, result.run)};
      },
      [&] {
        return metrics_with_budgets(
            scenario, faultline::reports::replay_metrics(scenario, result.run), budgets);
      });
  return gated_replay(args, scenario, result.run, budgets,
                      std::max(written, write_runbook_graphs(args, scenario, result.run)));
}

int replay(const ReplayArgs& args) {
  const Outputs& outputs = args.outputs;
  if (!outputs_apart({outputs.json, outputs.prom, outputs.report, args.dot, args.graphml},
                     std::vector<std::string>{args.scenario, args.slo}))
    return kExitBadInput;
  auto scenario = load_scenario(args.scenario, args.strategy);
  if (!scenario || !milestones_to_require(args.require_milestones, *scenario))
    return kExitBadInput;
  const faultline::Scenario* loaded = scenario.get();
  const auto network = network_options(args.fidelity);
  if (!network || !search_applies(args.search, {&loaded, 1}))
    return kExitBadInput;
  const auto slos = slos_for(args.slo, {&loaded, 1}, load_options);
  if (!slos)
    return kExitBadInput;
  std::ostream& text = text_stream({outputs.json, outputs.prom, args.dot, args.graphml});
  scenario = resolve_optimize(scenario, args.search, all_cores(), 1, text);
  if (args.fidelity.fidelity == "network")
    return replay_network(*scenario, *network, args, *slos);
  const auto result = faultline::replay(*scenario);
  const auto meter = slo_meter(*scenario, *slos, std::nullopt);
  const Budgets budgets =
      meter ? Budgets(faultline::reports::RunBudgets{*slos, meter->burn(result), false})
            : std::nullopt;
  text << faultline::reports::replay_text(*scenario, result)
       << (budgets ? faultline::reports::budgets_text(*budgets) : "");
  const int written = write_outputs(
      outputs,
      [&](const TextSink& out) {
        faultline::reports::with_budgets(faultline::reports::replay_document(*scenario, result),
                                         budgets ? &*budgets : nullptr)
            .write(out, all_cores());
      },
      [&] {
        const faultline::reports::RunBudgets* judged = budgets ? &*budgets : nullptr;
        return ReportPages{faultline::reports::replay_html(*scenario, result, judged),
                           faultline::reports::replay_summary(*scenario, result, judged),
                           faultline::reports::replay_timeline_csv(*scenario, result)};
      },
      [&] {
        return metrics_with_budgets(*scenario,
                                    faultline::reports::replay_metrics(*scenario, result), budgets);
      });
  return gated_replay(args, *scenario, result, budgets,
                      std::max(written, write_runbook_graphs(args, *scenario, result)));
}

int markov(const std::string& topology_path, const std::string& json_path) {
  if (!outputs_apart({json_path}, std::vector<std::string>{topology_path}))
    return kExitBadInput;
  const auto load = faultline::load_topology(topology_path, load_options);
  print(load.diagnostics);
  if (!load.topology)
    return kExitBadInput;
  const auto solution = faultline::solve_markov(*load.topology);
  print(solution.diagnostics);
  if (!solution.result)
    return kExitBadInput;
  text_stream({json_path}) << faultline::reports::markov_text(*load.topology, *solution.result);
  return write_output(json_path,
                      json_text(faultline::reports::markov_json(*load.topology, *solution.result)));
}

// --per-run FILE: rows (CSV or JSON Lines, by the file's extension)
// streamed into a file put in place once the runs are done. A file that
// cannot be written stops the rows, not the runs.
class RowsFile {
 public:
  // `csv_header` starts a .csv file; no path, no file.
  RowsFile(const std::string& path, const std::string& csv_header)
      : path_(path), csv_(path.ends_with(".csv")) {
    attempt([&] {
      file_.emplace(path);
      if (csv_)
        file_->write(csv_header);
    });
  }

  bool csv() const { return csv_; }

  // Rows made and written as one attempt, so that neither failing stops
  // the runs.
  void write(const std::function<std::string()>& rows) {
    attempt([&] { file_->write(rows()); });
  }

  // Puts the file in place: kExitFailure when it could not be written.
  int finish() {
    attempt([&] { file_->commit(); });
    return failed_ ? kExitFailure : kExitOk;
  }

 private:
  void attempt(const std::function<void()>& write) {
    if (failed_ || path_.empty())
      return;
    try {
      write();
    } catch (const std::exception& e) {
      std::cerr << "faultline: " << e.what() << "\n";
      failed_ = true;
      file_.reset();
    }
  }

  std::string path_;
  bool csv_;
  std::optional<faultline::reports::AtomicFile> file_;
  bool failed_ = false;
};

// A file for one row per run: FILE.csv or FILE.jsonl.
const CLI::Validator rows_path(
    [](const std::string& path) {
      return path.ends_with(".csv") || path.ends_with(".jsonl")
                 ? std::string()
                 : "must name a .csv or a .jsonl (JSON Lines) file, found '" + path + "'";
    },
    "PATH");

struct SimulateArgs {
  std::string scenario;
  std::string strategy;
  SearchArgs search;
  Outputs outputs;
  faultline::MonteCarloOptions options;
  double until_ci = 0;
  std::string sample_every;
  FidelityArgs fidelity;
  bool quiet = false;
  double require_milestones = 0;  // the share of runs each must be met in; 0: not asked
  std::string per_run;            // a row per run, .csv or .jsonl
  std::string slo;                // an OpenSLO file
  double require_slos = 0;        // the share of runs each budget must be kept in; 0: not asked
  std::string run_range;          // FIRST:END of the study's runs; empty: all of them
  std::string tally;              // the exact tally, for merge
  faultline::cli::RareArgs rare;
};

void print_progress(const faultline::MonteCarloProgress& p) {
  const double rate =
      p.elapsed_seconds > 0 ? static_cast<double>(p.runs_done) / p.elapsed_seconds : 0.0;
  const double left = rate > 0 ? static_cast<double>(p.runs_planned - p.runs_done) / rate : 0.0;
  std::cerr << fmt::format("\r{:>10} / {} runs  {:>9.0f} runs/s  {:>6.1f}s left ", p.runs_done,
                           p.runs_planned, rate, left)
            << std::flush;
}

// Exits kExitMissed when asked to and a milestone was met, or an error
// budget kept, in too few of the runs. A share, as the options give it: 7
// of 100 runs meet a gate of 0.07.
int gated_simulation(const SimulateArgs& args, const faultline::Scenario& scenario,
                     const faultline::MonteCarloResult& result, int code) {
  const auto share = [&](std::uint64_t runs) {
    return static_cast<double>(runs) / static_cast<double>(result.runs);
  };
  const int milestones = gated_by_milestones(
      args.require_milestones > 0, scenario,
      [&](std::size_t i) { return share(result.milestones_met[i]) >= args.require_milestones; },
      code);
  const int slos = gated_by_budgets(
      args.require_slos > 0, result.slos,
      [&](std::size_t k, std::size_t o) {
        const auto exhausted = result.slo_statistics[k].objectives[o].runs_exhausted;
        return share(result.runs - exhausted) >= args.require_slos;
      },
      code);
  return std::max(milestones, slos);
}

// What simulate and merge print and write of a result; `threads` write
// the JSON's long lists.
int simulation_outputs(const Outputs& outputs, const faultline::Scenario& scenario,
                       const faultline::MonteCarloResult& result, unsigned threads) {
  if (result.network_baseline)
    say_baseline(scenario, *result.network_baseline, {outputs.json, outputs.prom});
  text_stream({outputs.json, outputs.prom})
      << faultline::reports::simulation_text(scenario, result);
  return write_outputs(
      outputs,
      [&](const TextSink& out) {
        faultline::reports::simulation_document(scenario, result).write(out, threads);
      },
      [&] {
        return ReportPages{faultline::reports::simulation_html(scenario, result),
                           faultline::reports::simulation_summary(scenario, result),
                           faultline::reports::simulation_timeline_csv(scenario, result)};
      },
      [&] { return faultline::reports::simulation_metrics(scenario, result); });
}

// simulate's options from its arguments, the SLOs read and checked against
// the scenario and the runs cut to --run-range; false (the reason said)
// when one is bad.
bool complete_options(SimulateArgs& args, const faultline::Scenario& scenario) {
  if (args.until_ci > 0)
    args.options.until_ci = args.until_ci;
  if (!args.sample_every.empty()) {
    const auto step = positive_duration("--sample-every", args.sample_every);
    if (!step)
      return false;
    args.options.sample_every = step;
  }
  const faultline::Scenario* loaded = &scenario;
  const auto network = network_options(args.fidelity);
  if (!network || !search_applies(args.search, {&loaded, 1}))
    return false;
  if (args.fidelity.fidelity == "network")
    args.options.network = network;
  auto slos = slos_for(args.slo, {&loaded, 1}, load_options);
  if (!slos)
    return false;
  args.options.slos = std::move(*slos);
  if (!args.run_range.empty()) {
    const auto range = run_range(args.run_range, args.options.runs);
    if (!range)
      return false;
    args.options.first_run = range->first;
    args.options.runs = range->end - range->first;
  }
  args.options.stop = &interrupted;
  return true;
}

// With --tally, the shard's header; nothing (the reason said) for a
// study that cannot be split.
std::optional<faultline::TallyHeader> shard_header_for(const SimulateArgs& args,
                                                       const faultline::Scenario& scenario,
                                                       std::uint64_t study_runs) {
  if (args.options.until_ci) {
    std::cerr << "faultline: --tally makes a shard of a fixed number of runs; --until-ci stops "
                 "on the runs of one process\n";
    return std::nullopt;
  }
  if (scenario.strategy == faultline::StrategyKind::optimize) {
    std::cerr << "faultline: --tally cannot search for a priority order in every shard: paste "
                 "the `priority:` list --strategy optimize prints into the scenario instead\n";
    return std::nullopt;
  }
  auto header =
      shard_header(faultline::StudyCommand::simulate, {{args.scenario, &scenario}}, args.slo);
  if (header) {
    header->seed = args.options.seed;
    header->runs = study_runs;
    header->range = {args.options.first_run, args.options.first_run + args.options.runs};
    header->sample_every = args.options.sample_every;
    header->network = args.options.network;
    if (!args.strategy.empty())
      header->strategies = {args.strategy};
  }
  return header;
}

// simulate's inputs read and its options made; false (the reason said)
// when one is bad.
bool prepare_simulation(SimulateArgs& args, std::shared_ptr<const faultline::Scenario>& scenario,
                        std::optional<faultline::TallyHeader>& header) {
  if (!outputs_apart(
          {args.outputs.json, args.outputs.prom, args.outputs.report, args.per_run, args.tally},
          std::vector<std::string>{args.scenario, args.slo}))
    return false;
  scenario = load_scenario(args.scenario, args.strategy);
  const std::uint64_t study_runs = args.options.runs;
  if (!scenario || !milestones_to_require(args.require_milestones > 0, *scenario) ||
      !complete_options(args, *scenario))
    return false;
  return args.tally.empty() || (header = shard_header_for(args, *scenario, study_runs));
}

// simulate --rare, in one process.
int simulate_rare(const SimulateArgs& args, const faultline::cli::Ranks& ranks) {
  if (ranks.joined()) {
    std::cerr << "faultline: --rare runs in one process, with --threads; not under an MPI "
                 "launcher\n";
    return kExitBadInput;
  }
  if (!outputs_apart({args.outputs.json}, std::vector<std::string>{args.scenario}))
    return kExitBadInput;
  auto scenario = load_scenario(args.scenario, args.strategy);
  const faultline::Scenario* loaded = scenario.get();
  if (!scenario || !search_applies(args.search, {&loaded, 1}))
    return kExitBadInput;
  faultline::RareEventOptions options;
  options.threads = args.options.threads;
  options.seed = args.options.seed;
  options.runs = args.options.runs;
  options.stop = &interrupted;
  const auto study = faultline::cli::prepare_rare(*scenario, args.rare, options);
  if (!study)
    return kExitBadInput;
  try {
    scenario = resolve_optimize(scenario, args.search, options.threads, options.seed,
                                text_stream({args.outputs.json}));
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  return faultline::cli::estimate_rare(*scenario, *study, args.outputs.json);
}

// A rank was interrupted: the runs the ranks made are no prefix of the
// study's.
int ranks_interrupted() {
  std::cerr << "faultline: interrupted: the ranks' runs made are no prefix of the study's, so "
               "nothing was written\n";
  return kExitInterrupted;
}

int simulate(SimulateArgs& args, const faultline::cli::Ranks& ranks) {
  if (args.rare.asked())
    return simulate_rare(args, ranks);
  std::shared_ptr<const faultline::Scenario> scenario;
  std::optional<faultline::TallyHeader> header;
  // Every rank of an MPI job goes on, or none: a rank that could not read
  // its inputs must not leave the others waiting for its runs.
  if (!ranks.everyone(prepare_simulation(args, scenario, header)))
    return kExitBadInput;
  const bool show_progress = !args.quiet && isatty(STDERR_FILENO) && !ranks.joined();
  if (show_progress)
    args.options.on_progress = print_progress;
  faultline::MonteCarloResult result;
  std::optional<RowsFile> rows;
  try {
    scenario = resolve_optimize(scenario, args.search, args.options.threads, args.options.seed,
                                text_stream({args.outputs.json, args.outputs.prom}));
    rows.emplace(args.per_run, faultline::reports::run_rows_csv_header(*scenario));
    faultline::MonteCarloOptions options = args.options;  // on_run refers to this call's rows
    if (!args.per_run.empty()) {
      options.on_run = [&rows, &scenario, seed = options.seed](const faultline::RunRecord& r) {
        rows->write([&] {
          return rows->csv() ? faultline::reports::run_row_csv(r, seed)
                             : faultline::reports::run_row_json_line(*scenario, r, seed);
        });
      };
    }
    if (!ranks.joined()) {
      result = faultline::simulate(*scenario, options);
    } else if (auto across = faultline::simulate_across(*scenario, options, ranks)) {
      result = std::move(*across);
    } else {
      return ranks_interrupted();
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (show_progress)
    std::cerr << "\n";
  if (!ranks.first())  // rank 0 writes, and main gives every rank its exit code
    return kExitOk;
  int written = std::max(simulation_outputs(args.outputs, *scenario, result, args.options.threads),
                         rows->finish());
  if (header) {
    header->range.end = result.first_run + result.runs;  // an interrupted shard made fewer
    written = std::max(written, write_output(args.tally, faultline::tally_text(*header, result)));
  }
  if (result.interrupted)  // the gate judges the runs asked for, not a part of them
    return written;
  return gated_simulation(args, *scenario, result, written);
}

struct MergeArgs {
  std::vector<std::string> tallies;
  Outputs outputs;
};

struct CompareArgs {
  std::vector<std::string> scenarios;
  std::vector<std::string> strategies;
  SearchArgs search;
  Outputs outputs;
  faultline::CompareOptions options;
  std::string per_run;           // a row per run and variant, .csv or .jsonl
  std::string slo;               // an OpenSLO file
  std::string run_range;         // FIRST:END of the study's runs; empty: all of them
  std::string tally;             // the exact tally, for merge
  std::uint64_t study_runs = 0;  // --runs, before --run-range cuts the runs made
};

// The runs made cut to --run-range, if given; false (the reason said) when
// it is not a range of the study's runs.
bool cut_to_run_range(CompareArgs& args) {
  args.study_runs = args.options.runs;
  if (args.run_range.empty())
    return true;
  const auto range = run_range(args.run_range, args.options.runs);
  if (!range)
    return false;
  args.options.first_run = range->first;
  args.options.runs = range->end - range->first;
  return true;
}

// The comparison, with a row per run and variant into `rows` when asked
// for, its runs spread over the ranks of an MPI job when there is one;
// nothing when some rank was interrupted.
std::optional<faultline::Comparison> compared(const std::vector<faultline::Variant>& variants,
                                              const CompareArgs& args,
                                              const std::vector<faultline::Slo>& slos,
                                              std::optional<RowsFile>& rows,
                                              const faultline::cli::Ranks& ranks) {
  rows.emplace(args.per_run, faultline::reports::compare_rows_csv_header(variants));
  faultline::CompareOptions options = args.options;
  options.slos = slos;
  if (!args.per_run.empty()) {
    const bool milestones = faultline::reports::rows_have_milestones(variants);
    options.on_run = [&rows, &variants, seed = options.seed,
                      milestones](const faultline::ComparedRun& run) {
      rows->write([&] {
        return rows->csv() ? faultline::reports::compare_rows_csv(variants, run, seed, milestones)
                           : faultline::reports::compare_rows_json_lines(variants, run, seed);
      });
    };
  }
  if (!ranks.joined())
    return faultline::compare(variants, options);
  return faultline::compare_across(variants, options, ranks);
}

// Two scenarios (each under its own strategy, or the one named), or one
// scenario under two strategies or more; nothing (the reason said)
// otherwise, or when one does not load.
std::optional<std::vector<faultline::Variant>> variants_of(
    const std::vector<std::string>& scenarios, const std::vector<std::string>& strategies) {
  std::vector<faultline::Variant> variants;
  if (scenarios.size() == 2 && strategies.size() <= 1) {
    // A strategy given for both is in each variant's name, so that every
    // output says what was compared (found by a helper: none said so).
    const std::string strategy = strategies.empty() ? "" : strategies.front();
    for (const auto& path : scenarios) {
      const auto scenario = load_scenario(path, strategy);
      if (!scenario)
        return std::nullopt;
      variants.push_back(
          {strategy.empty() ? path : path + " (strategy " + strategy + ")", scenario});
    }
  } else if (scenarios.size() == 1 && strategies.size() >= 2) {
    for (const auto& strategy : strategies) {
      const auto scenario = load_scenario(scenarios.front(), strategy);
      if (!scenario)
        return std::nullopt;
      variants.push_back({strategy, scenario});
    }
  } else {
    std::cerr << "faultline: compare takes one scenario and two --strategy or more, or two "
                 "scenarios (and at most one --strategy for both)\n";
    return std::nullopt;
  }
  return variants;
}

// The variants' scenarios, in order.
std::vector<const faultline::Scenario*> scenarios_of(
    const std::vector<faultline::Variant>& variants) {
  std::vector<const faultline::Scenario*> loaded;
  for (const auto& v : variants)
    loaded.push_back(v.scenario.get());
  return loaded;
}

// The SLO file's SLOs, checked against every variant's topology; nothing
// (said) when one is bad.
std::optional<std::vector<faultline::Slo>> slos_of_variants(
    const std::string& path, const std::vector<faultline::Variant>& variants) {
  return slos_for(path, scenarios_of(variants), load_options);
}

// What compare and merge print and write of a comparison.
int comparison_outputs(const Outputs& outputs, const std::vector<faultline::Variant>& variants,
                       const faultline::Comparison& result) {
  text_stream({outputs.json, outputs.prom}) << faultline::reports::compare_text(result);
  return write_outputs(
      outputs,
      [&](const TextSink& out) { out(json_text(faultline::reports::compare_json(result))); },
      [&] {
        return ReportPages{faultline::reports::compare_html(variants, result),
                           faultline::reports::compare_summary(variants, result),
                           faultline::reports::compare_timeline_csv(result)};
      },
      [&] { return faultline::reports::compare_metrics(result); });
}

// With --tally, the comparison shard's header; nothing (the reason said)
// for one that cannot be split.
std::optional<faultline::TallyHeader> comparison_header(
    const CompareArgs& args, const std::vector<faultline::Variant>& variants) {
  std::vector<std::pair<std::string, const faultline::Scenario*>> scenarios;
  for (std::size_t i = 0; i < args.scenarios.size(); ++i)
    scenarios.emplace_back(args.scenarios[i], variants[i].scenario.get());
  if (std::ranges::find(args.strategies, "") != args.strategies.end()) {
    std::cerr << "faultline: --tally writes each --strategy as a word; an empty one has none\n";
    return std::nullopt;
  }
  for (const faultline::Variant& v : variants) {
    if (v.scenario->strategy == faultline::StrategyKind::optimize) {
      std::cerr << "faultline: --tally cannot search for a priority order in every shard: paste "
                   "the `priority:` list --strategy optimize prints into the scenario instead\n";
      return std::nullopt;
    }
  }
  auto header = shard_header(faultline::StudyCommand::compare, scenarios, args.slo);
  if (header) {
    header->seed = args.options.seed;
    header->runs = args.study_runs;
    header->range = {args.options.first_run, args.options.first_run + args.options.runs};
    header->strategies = args.strategies;
  }
  return header;
}

// The variants' user-hours lost are counted over the same time; false,
// said, when they are not, and nothing is to be written.
bool over_equal_windows(std::span<const faultline::Variant> variants,
                        const faultline::Comparison& comparison) {
  const auto why = faultline::unequal_windows(variants, comparison);
  if (why)
    std::cerr << "faultline: " << *why << "\n";
  return !why;
}

// A comparison's variants, SLOs and shard header (when it writes a tally)
// read, its runs cut to --run-range; false (the reason said) when one
// cannot be.
bool prepare_comparison(CompareArgs& args, std::vector<faultline::Variant>& variants,
                        std::vector<faultline::Slo>& slos,
                        std::optional<faultline::TallyHeader>& header) {
  std::vector<std::string> inputs = args.scenarios;
  inputs.push_back(args.slo);
  if (!outputs_apart(
          {args.outputs.json, args.outputs.prom, args.outputs.report, args.per_run, args.tally},
          inputs))
    return false;
  auto read = variants_of(args.scenarios, args.strategies);
  if (!read || !search_applies(args.search, scenarios_of(*read)))
    return false;
  variants = std::move(*read);
  auto read_slos = slos_of_variants(args.slo, variants);
  if (!read_slos || !cut_to_run_range(args))
    return false;
  slos = std::move(*read_slos);
  return args.tally.empty() || (header = comparison_header(args, variants));
}

int compare(CompareArgs& args, const faultline::cli::Ranks& ranks) {
  std::vector<faultline::Variant> resolved;
  std::vector<faultline::Slo> slos;
  std::optional<faultline::TallyHeader> header;
  // Every rank of an MPI job goes on, or none (see simulate).
  if (!ranks.everyone(prepare_comparison(args, resolved, slos, header)))
    return kExitBadInput;
  std::optional<faultline::Comparison> made;
  std::optional<RowsFile> rows;
  try {
    for (auto& v : resolved)
      v.scenario =
          resolve_optimize(v.scenario, args.search, args.options.threads, args.options.seed,
                           text_stream({args.outputs.json, args.outputs.prom}));
    made = compared(resolved, args, slos, rows, ranks);
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (!made)
    return ranks_interrupted();
  const faultline::Comparison& result = *made;
  if (!over_equal_windows(resolved, result))
    return kExitBadInput;
  if (!ranks.first())  // rank 0 writes, and main gives every rank its exit code
    return kExitOk;
  int written = std::max(comparison_outputs(args.outputs, resolved, result), rows->finish());
  if (header) {
    header->range.end = result.first_run + result.runs;  // an interrupted shard made fewer
    written = std::max(written, write_output(args.tally, faultline::tally_text(*header, result)));
  }
  return written;
}

// The one path of the inputs of a part, or empty; false (said) for more.
bool one_input(const faultline::TallyHeader& study, std::string_view role, std::string& path) {
  const auto paths = input_paths(study, role);
  if (paths.size() > 1) {
    std::cerr << "faultline: a tally of simulate names one " << role << ", this one "
              << paths.size() << "\n";
    return false;
  }
  path = paths.empty() ? "" : paths.front();
  return true;
}

// The shards added up into the empty result `empty` makes (which throws
// std::invalid_argument, said, for options out of range), then written by
// `write`; kExitBadInput when a shard cannot be read.
template <class Empty, class Write>
int merged_outputs(const MergeArgs& args, const Empty& empty, const Write& write) {
  decltype(merged_shards(args.tallies, empty())) result;
  try {
    result = merged_shards(args.tallies, empty());
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  return result ? write(*result) : kExitBadInput;
}

// A simulate study's shards added up, its scenario, SLOs and options read
// again from the header: what simulate making every run prints and writes.
int merged_simulation(const MergeArgs& args, const faultline::TallyHeader& study) {
  std::string scenario_path;
  std::string slo_path;
  if (!one_input(study, "scenario", scenario_path) || !one_input(study, "slo", slo_path))
    return kExitBadInput;
  const auto scenario =
      load_scenario(scenario_path, study.strategies.empty() ? "" : study.strategies.front());
  if (!scenario)
    return kExitBadInput;
  const faultline::Scenario* loaded = scenario.get();
  auto slos = slos_for(slo_path, {&loaded, 1}, load_options);
  if (!slos)
    return kExitBadInput;
  faultline::MonteCarloOptions options;
  options.seed = study.seed;
  options.runs = study.runs;
  options.sample_every = study.sample_every;
  options.network = study.network;
  options.slos = std::move(*slos);
  return merged_outputs(
      args, [&] { return faultline::empty_result(*scenario, options); },
      [&](const faultline::MonteCarloResult& r) {
        return simulation_outputs(args.outputs, *scenario, r, all_cores());
      });
}

// A comparison's shards added up, as merged_simulation does.
int merged_comparison(const MergeArgs& args, const faultline::TallyHeader& study) {
  std::string slo_path;
  if (!one_input(study, "slo", slo_path))
    return kExitBadInput;
  const auto variants = variants_of(input_paths(study, "scenario"), study.strategies);
  if (!variants)
    return kExitBadInput;
  auto slos = slos_of_variants(slo_path, *variants);
  if (!slos)
    return kExitBadInput;
  faultline::CompareOptions options;
  options.seed = study.seed;
  options.runs = study.runs;
  options.slos = std::move(*slos);
  return merged_outputs(
      args, [&] { return faultline::empty_comparison(*variants, options); },
      [&](const faultline::Comparison& r) {
        return over_equal_windows(*variants, r) ? comparison_outputs(args.outputs, *variants, r)
                                                : kExitBadInput;
      });
}

// The shards' study as one process would have made it.
int merge(const MergeArgs& args) {
  if (!outputs_apart({args.outputs.json, args.outputs.prom, args.outputs.report}, args.tallies))
    return kExitBadInput;
  const auto headers = study_of(args.tallies);
  if (!headers)
    return kExitBadInput;
  switch (headers->front().command) {
    case faultline::StudyCommand::simulate:
      return merged_simulation(args, headers->front());
    case faultline::StudyCommand::compare:
      return merged_comparison(args, headers->front());
  }
  return kExitBadInput;
}

int rehearse(const std::string& scenario_path, const std::string& script) {
  if (script.empty() || script == "-") {
    const bool terminal = isatty(STDIN_FILENO);
    return faultline::cli::rehearse(scenario_path, load_options, std::cin, std::cout,
                                    !terminal || !script.empty(), terminal && script.empty());
  }
  std::ifstream in(script);
  if (!in) {
    std::cerr << "faultline: cannot read the script " << script << "\n";
    return kExitBadInput;
  }
  return faultline::cli::rehearse(scenario_path, load_options, in, std::cout, true, false, script);
}

}  // namespace

// The simulate command and its options, into args.
CLI::App* add_simulate_command(CLI::App& app, SimulateArgs& args) {
  args.options.threads = all_cores();
  auto* simulate_cmd = app.add_subcommand(
      "simulate", "Monte Carlo: many runs with uncertain durations and failures; statistics");
  simulate_cmd->add_option("scenario", args.scenario, "Scenario YAML file")->required();
  simulate_cmd
      ->add_option("--runs", args.options.runs, "Runs to make (with --until-ci, the most to make)")
      ->check(CLI::Range(std::uint64_t{1}, faultline::kMostRuns))
      ->capture_default_str();
  faultline::cli::add_threads_and_seed(simulate_cmd, args.options.threads, args.options.seed,
                                       seed_text);
  simulate_cmd
      ->add_option("--until-ci", args.until_ci,
                   "Stop once the 95% CI half-width of user-hours lost is below this fraction "
                   "of its mean (e.g. 0.01)")
      ->check(open_fraction);
  simulate_cmd->add_option("--sample-every", args.sample_every,
                           "Spacing of the affected-users-over-time grid (e.g. 1h)");
  add_fidelity_options(simulate_cmd, args.fidelity);
  simulate_cmd->add_option("--strategy", args.strategy,
                           "Order of ready steps competing for crews, instead of the scenario's");
  add_output_options(simulate_cmd, args.outputs);
  simulate_cmd->add_flag("--quiet,-q", args.quiet, "No progress on stderr");
  simulate_cmd
      ->add_option("--per-run", args.per_run,
                   "Also write a row per run to this .csv or .jsonl (JSON Lines) file: run, "
                   "seed, user-hours lost, peaks, when all was restored, each milestone")
      ->check(rows_path);
  simulate_cmd
      ->add_option("--require-milestones", args.require_milestones,
                   "Exit 3 when an observed milestone is met in fewer than this share of the "
                   "runs (for CI gates)")
      ->check(share_of_runs);
  CLI::Option* slo = add_slo_option(simulate_cmd, args.slo);
  simulate_cmd
      ->add_option("--require-slos", args.require_slos,
                   "Exit 3 when an SLO objective's error budget is kept in fewer than this share "
                   "of the runs (for CI gates)")
      ->check(share_of_runs)
      ->needs(slo);
  add_search_options(simulate_cmd, args.search);
  add_shard_options(simulate_cmd, args.run_range, args.tally);
  faultline::cli::add_rare_options(simulate_cmd, args.rare);
  return simulate_cmd;
}

CLI::App* add_merge_command(CLI::App& app, MergeArgs& args) {
  auto* merge_cmd = app.add_subcommand(
      "merge",
      "Add up the --tally files of simulate's shards: the study's result, as one process making "
      "all its runs gives it");
  merge_cmd->add_option("tallies", args.tallies, "Tally files, one per shard, in any order")
      ->required();
  add_output_options(merge_cmd, args.outputs);
  return merge_cmd;
}

// The compare command and its options, into args.
CLI::App* add_compare_command(CLI::App& app, CompareArgs& args) {
  args.options.threads = all_cores();
  args.options.stop = &interrupted;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Paired Monte Carlo comparison of strategies or of two scenarios");
  compare_cmd->add_option("scenarios", args.scenarios, "One or two scenario YAML files")
      ->required()
      ->expected(1, 2);
  compare_cmd->add_option("--strategy", args.strategies,
                          "A strategy to compare (repeat the option)");
  compare_cmd->add_option("--runs", args.options.runs, "Runs of each variant")
      ->check(CLI::Range(std::uint64_t{1}, faultline::kMostRuns))
      ->capture_default_str();
  faultline::cli::add_threads_and_seed(compare_cmd, args.options.threads, args.options.seed,
                                       seed_text);
  add_output_options(compare_cmd, args.outputs);
  compare_cmd
      ->add_option("--per-run", args.per_run,
                   "Also write a row per run and variant to this .csv or .jsonl (JSON Lines) "
                   "file: run, seed, variant, user-hours lost, peaks, when all was restored")
      ->check(rows_path);
  add_slo_option(compare_cmd, args.slo);
  add_search_options(compare_cmd, args.search);
  add_shard_options(compare_cmd, args.run_range, args.tally);
  return compare_cmd;
}

// A first argument that is no option and no command is named in the error,
// with the commands there are.
bool is_unknown_command(int argc, char** argv, const std::vector<CLI::App*>& commands) {
  const auto named = [&](const std::string& word) {
    return std::any_of(commands.begin(), commands.end(),
                       [&](const CLI::App* c) { return c->get_name() == word; });
  };
  if (argc > 1 && argv[1][0] != '-' && !named(argv[1])) {
    std::string names;
    for (const auto* command : commands)
      names += (names.empty() ? "" : ", ") + command->get_name();
    std::cerr << fmt::format("faultline: unknown command '{}'; expected one of {}\n", argv[1],
                             names);
    return true;
  }
  return false;
}

// Output that did not arrive (a full disk, a closed pipe) is a failure.
int with_output_checked(int code) {
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "faultline: cannot write to standard output: " << std::strerror(errno) << "\n";
    return kExitFailure;
  }
  return code;
}

struct TopologyArgs {
  std::string topology;
  std::string json;
};

// A command that reads a topology and can write its answer as JSON.
CLI::App* add_topology_command(CLI::App& app, const std::string& name,
                               const std::string& description, const std::string& answer,
                               TopologyArgs& args) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("topology", args.topology, "Topology YAML file")->required();
  command->add_option("--json", args.json, "Also write " + answer + " as JSON to this file");
  return command;
}

// The analyze command's options.
struct AnalyzeArgs {
  TopologyArgs topology;
  std::size_t list_limit = 100;
  std::string dot;
  std::string graphml;
};

CLI::App* add_analyze_command(CLI::App& app, AnalyzeArgs& args) {
  CLI::App* command = add_topology_command(
      app, "analyze", "Dependency layers, cycles, blast radius and single points of failure",
      "the analysis", args.topology);
  command
      ->add_option("--list-limit", args.list_limit,
                   "List at most this many services and groups in each blast radius (the counts "
                   "are always whole; a full list grows with the square of the estate)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000'000}))
      ->capture_default_str();
  command
      ->add_option("--dot", args.dot,
                   "Also write the service graph as Graphviz DOT to this file (soft "
                   "dependencies dashed, single points of failure red)")
      ->check(non_empty_path);
  command
      ->add_option("--graphml", args.graphml,
                   "Also write the service graph as GraphML to this file")
      ->check(non_empty_path);
  return command;
}

// Every output is written, each atomically, even when one fails; the text
// for people goes to standard error when an output takes standard output.
int analyze(const AnalyzeArgs& args) {
  const std::string& json_path = args.topology.json;
  if (!outputs_apart({json_path, args.dot, args.graphml},
                     std::vector<std::string>{args.topology.topology}))
    return kExitBadInput;
  const auto load = faultline::load_topology(args.topology.topology, load_options);
  print(load.diagnostics);
  if (!load.topology)
    return kExitBadInput;
  const faultline::Topology& topology = *load.topology;
  const auto analysis = faultline::analyze(topology, {.list_limit = args.list_limit});
  text_stream({json_path, args.dot, args.graphml})
      << faultline::reports::analysis_text(topology, analysis);
  const int json =
      write_output(json_path, json_text(faultline::reports::analysis_json(topology, analysis)));
  const int dot = write_output(args.dot, faultline::reports::analysis_dot(topology, analysis));
  const int graphml =
      write_output(args.graphml, faultline::reports::analysis_graphml(topology, analysis));
  return std::max({json, dot, graphml});
}

CLI::App* add_replay_command(CLI::App& app, ReplayArgs& args) {
  auto* replay_cmd = app.add_subcommand(
      "replay", "Replay a scenario once with nominal durations; print the timeline");
  replay_cmd->add_option("scenario", args.scenario, "Scenario YAML file")->required();
  replay_cmd->add_option("--strategy", args.strategy,
                         "Order of ready steps competing for crews, instead of the scenario's");
  add_output_options(replay_cmd, args.outputs);
  replay_cmd
      ->add_option("--dot", args.dot,
                   "Also write the runbook's step graph as the replay ran it as Graphviz DOT to "
                   "this file (the critical path red)")
      ->check(non_empty_path);
  replay_cmd
      ->add_option("--graphml", args.graphml,
                   "Also write the runbook's step graph as GraphML to this file")
      ->check(non_empty_path);
  replay_cmd->add_flag("--require-milestones", args.require_milestones,
                       "Exit 3 when the replay misses an observed milestone (for CI gates)");
  CLI::Option* slo = add_slo_option(replay_cmd, args.slo);
  replay_cmd
      ->add_flag("--require-slos", args.require_slos,
                 "Exit 3 when the replay exhausts an SLO objective's error budget (for CI gates)")
      ->needs(slo);
  add_search_options(replay_cmd, args.search);
  add_fidelity_options(replay_cmd, args.fidelity);
  return replay_cmd;
}

// calibrate reads its scenario again to write the fitted one, so that
// comes from a file.
int calibrate(faultline::cli::CalibrateArgs& args) {
  if (!outputs_apart({args.json, args.write}, std::vector<std::string>{args.scenario}))
    return kExitBadInput;
  if (args.scenario == "-" && !args.write.empty()) {
    std::cerr << "faultline: --write needs the scenario from a file, not - (standard input), "
                 "to write it again with the fitted values\n";
    return kExitBadInput;
  }
  const auto scenario = load_scenario(args.scenario, "");
  if (!scenario)
    return kExitBadInput;
  args.options.stop = &interrupted;
  return faultline::cli::run_calibrate(*scenario, args, text_stream({args.json, args.write}));
}

int forecast(faultline::cli::ForecastArgs& args) {
  if (!outputs_apart({args.json}, std::vector<std::string>{args.scenario}))
    return kExitBadInput;
  const auto scenario = load_scenario(args.scenario, "");
  if (!scenario)
    return kExitBadInput;
  args.smc.stop = &interrupted;
  return faultline::cli::run_forecast(*scenario, args, text_stream({args.json}));
}

struct RehearseArgs {
  std::string scenario;
  std::string script;
};

CLI::App* add_rehearse_command(CLI::App& app, RehearseArgs& args) {
  auto* command = app.add_subcommand(
      "rehearse", "Step through a scenario's run interactively; delay, fail, add faults, save");
  command->add_option("scenario", args.scenario, "Scenario YAML file")->required();
  command->add_option("--script", args.script,
                      "Read the commands from this file ('-' for stdin) and echo them");
  return command;
}

const std::vector<std::string> kSchemaFormats{"topology", "scenario"};
const std::vector<std::string> kShells{"bash"};

CLI::App* add_schema_command(CLI::App& app, std::string& format) {
  auto* command = app.add_subcommand(
      "schema", "Print the JSON Schema of topologies or scenarios, for editors and validators");
  command->add_option("format", format, "topology or scenario")
      ->required()
      ->check(CLI::IsMember(kSchemaFormats));
  return command;
}

int print_schema(const std::string& format) {
  const faultline::schema::Shape& root =
      format == "topology" ? faultline::schema::topology : faultline::schema::scenario;
  std::cout << json_text(faultline::reports::json_schema(root));
  return kExitOk;
}

CLI::App* add_completion_command(CLI::App& app, std::string& shell) {
  auto* command = app.add_subcommand(
      "completion", "Print a shell completion script: source <(faultline completion bash)");
  command->add_option("shell", shell, "bash")->required()->check(CLI::IsMember(kShells));
  return command;
}

// The words values may be, beside those CLI11 knows the type of.
int print_completion(const CLI::App& app) {
  const std::vector<std::string> strategies = faultline::accepted_words<faultline::StrategyKind>();
  // Text that names no file: a seed, durations.
  const std::vector<std::string> none;
  std::cout << faultline::cli::bash_completion(app, {{"--strategy", strategies},
                                                     {"--fidelity", kFidelities},
                                                     {"schema", kSchemaFormats},
                                                     {"completion", kShells},
                                                     {"--seed", none},
                                                     {"--sample-every", none},
                                                     {"--step", none},
                                                     {"--window", none}});
  return kExitOk;
}

CLI::App* add_validate_command(CLI::App& app, std::vector<std::string>& files) {
  auto* command =
      app.add_subcommand("validate", "Check topologies and scenarios; print every problem");
  command->add_option("files", files, "Topology or scenario YAML files ('-': standard input)")
      ->required();
  return command;
}

// Why a command stops, said on every rank: the other ranks' std::cerr goes
// nowhere (in_mpi_job), but the rank that stops first ends the job, rank 0
// included, before rank 0 could say it.
int stop(const faultline::cli::Ranks& ranks, int code, const std::string& why) {
  if (ranks.first())
    std::cerr << "faultline: " << why << "\n";
  else
    std::fprintf(stderr, "faultline (rank %d): %s\n", ranks.rank(), why.c_str());
  ranks.abandon(code);  // the other ranks would wait for this one
  return code;
}

// Runs the chosen command: an interrupted one that otherwise succeeded exits
// 130, a run that cannot be carried to its end (past what can be counted,
// or stuck at one instant) is bad input (nothing was written, and the
// message says what to change), memory running out is a failure that says
// what most often takes it, another exception is an internal error, and
// output that did not arrive is a failure.
int run_guarded(const std::function<int()>& command, const faultline::cli::Ranks& ranks) {
  int code = kExitOk;
  try {
    code = command();
    if (interrupted.load() && code == kExitOk)
      code = kExitInterrupted;
  } catch (const faultline::UnfinishedRun& e) {
    return stop(ranks, kExitBadInput, std::string("error: ") + e.what());
  } catch (const std::bad_alloc&) {
    return stop(ranks, kExitFailure,
                "out of memory (the machine's, or a limit set with ulimit), and nothing was "
                "written. A replay keeps every entry of its timeline: events that repeat every "
                "few milliseconds for hours (a crash loop) can outgrow it, where simulate keeps "
                "none and a shorter horizon keeps fewer");
  } catch (const std::exception& e) {
    return stop(ranks, kExitFailure, std::string("internal error: ") + e.what());
  }
  return with_output_checked(code);
}

// The command, as one rank of an MPI job when there is one: only simulate
// and compare spread their runs over the ranks, and only rank 0 speaks and
// writes.
int in_mpi_job(const faultline::cli::Ranks& ranks, bool spreads_runs,
               const std::function<int()>& command) {
  if (!ranks.joined()) {
    if (faultline::cli::launched_size() == 1)
      return command();
    std::cerr << "faultline: started as one of several processes by an MPI launcher, but built "
                 "without MPI: install libopenmpi-dev and build again, or run shards with "
                 "--run-range and --tally\n";
    return kExitBadInput;
  }
  if (!ranks.first()) {
    static std::ofstream nowhere("/dev/null");
    std::cout.rdbuf(nowhere.rdbuf());
    std::cerr.rdbuf(nowhere.rdbuf());
  }
  if (!spreads_runs) {
    std::cerr << "faultline: under an MPI launcher only simulate and compare spread their runs "
                 "over the ranks; run other commands in one process\n";
    return kExitBadInput;
  }
  return command();
}

// The option every command takes: how large an input may be.
void add_max_input_option(CLI::App& app, std::uint64_t& max_input_mib) {
  app.add_option("--max-input-mib", max_input_mib,
                 "Refuse a topology or scenario larger than this many MiB")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20))
      ->capture_default_str();
}

// Parses the command line; the exit code when nothing more is to be done
// (help, the version, a mistake).
std::optional<int> parse_arguments(CLI::App& app, int argc, char** argv) {
  if (is_unknown_command(argc, argv, app.get_subcommands([](const CLI::App*) { return true; })))
    return kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  return std::nullopt;
}

int main(int argc, char** argv) {
  const faultline::cli::Ranks ranks(argc, argv);
  CLI::App app{"Faultline: replays faults and staged recoveries of service topologies"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "faultline " + std::string(faultline::kVersion));
  app.fallthrough();
  std::uint64_t max_input_mib = faultline::kDefaultMaxInputBytes >> 20;
  add_max_input_option(app, max_input_mib);

  // Each command's arguments, filled in by parsing, and what runs it.
  std::vector<std::pair<CLI::App*, std::function<int()>>> commands;
  std::vector<std::string> validate_files;
  commands.emplace_back(add_validate_command(app, validate_files),
                        [&] { return validate(validate_files); });
  AnalyzeArgs analyze_args;
  commands.emplace_back(add_analyze_command(app, analyze_args),
                        [&] { return analyze(analyze_args); });
  ReplayArgs replay_args;
  commands.emplace_back(add_replay_command(app, replay_args), [&] { return replay(replay_args); });
  SimulateArgs simulate_args;
  CLI::App* simulate_cmd = add_simulate_command(app, simulate_args);
  commands.emplace_back(simulate_cmd, [&] { return simulate(simulate_args, ranks); });
  MergeArgs merge_args;
  commands.emplace_back(add_merge_command(app, merge_args), [&] { return merge(merge_args); });
  CompareArgs compare_args;
  CLI::App* compare_cmd = add_compare_command(app, compare_args);
  commands.emplace_back(compare_cmd, [&] { return compare(compare_args, ranks); });
  faultline::cli::CalibrateArgs calibrate_args;
  commands.emplace_back(faultline::cli::add_calibrate_command(app, calibrate_args, seed_text),
                        [&] { return calibrate(calibrate_args); });
  faultline::cli::ForecastArgs forecast_args;
  commands.emplace_back(faultline::cli::add_forecast_command(app, forecast_args, seed_text),
                        [&] { return forecast(forecast_args); });
  RehearseArgs rehearse_args;
  commands.emplace_back(add_rehearse_command(app, rehearse_args),
                        [&] { return rehearse(rehearse_args.scenario, rehearse_args.script); });
  TopologyArgs markov_args;
  commands.emplace_back(
      add_topology_command(
          app, "markov",
          "Exact steady-state availability when failures and repairs are exponential", "the result",
          markov_args),
      [&] { return markov(markov_args.topology, markov_args.json); });
  std::string schema_format;
  commands.emplace_back(add_schema_command(app, schema_format),
                        [&] { return print_schema(schema_format); });
  std::string shell;
  commands.emplace_back(add_completion_command(app, shell), [&] { return print_completion(app); });
  faultline::cli::ImportArgs import_args;
  CLI::App* import_cmd = faultline::cli::add_import_command(app, import_args);
  commands.emplace_back(import_cmd, [&] {
    return faultline::cli::run_import(*import_cmd, import_args, load_options);
  });
  faultline::cli::ExportArgs export_args;
  CLI::App* export_cmd = faultline::cli::add_export_command(app, export_args);
  commands.emplace_back(export_cmd, [&] {
    return faultline::cli::run_export(*export_cmd, export_args, load_options);
  });

  if (const auto code = parse_arguments(app, argc, argv))
    return *code;
  load_options.max_input_bytes = max_input_mib << 20;
  catch_interrupts();
  const auto run_command = [&] {
    for (const auto& [command, run] : commands) {
      if (*command)
        return run();
    }
    return kExitOk;
  };
  return ranks.from_first(run_guarded(
      [&] {
        return in_mpi_job(ranks, simulate_cmd->parsed() || compare_cmd->parsed(), run_command);
      },
      ranks));
}
