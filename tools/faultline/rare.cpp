#include "rare.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <optional>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "output.hpp"

namespace faultline::cli {

namespace {

// The options of simulate's usual statistics, which an estimate of one
// probability has no use for.
constexpr std::string_view kNotWithRare[] = {
    "--until-ci", "--sample-every", "--fidelity", "--step",
    "--window",   "--report",       "--prom",     "--per-run",
    "--slo",      "--require-slos", "--tally",    "--require-milestones",
    "--run-range"};

std::optional<double> stretch_number(std::string_view text) {
  double k = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), k);
  if (error != std::errc{} || end != text.data() + text.size() || !(k >= 1) || !(k <= kMostStretch))
    return std::nullopt;
  return k;
}

// "3" (durations and failures alike) or "3:8" (durations, then failures).
std::optional<Stretch> parse_stretch(std::string_view text) {
  const auto colon = text.find(':');
  const auto durations = stretch_number(text.substr(0, colon));
  const auto outcomes =
      colon == std::string_view::npos ? durations : stretch_number(text.substr(colon + 1));
  if (!durations || !outcomes) {
    std::cerr << fmt::format(
        "faultline: --stretch takes K, or DURATIONS:FAILURES, each a number from 1 to {} (1 "
        "draws as the scenario says), found '{}'\n",
        kMostStretch, text);
    return std::nullopt;
  }
  return Stretch{*durations, *outcomes};
}

}  // namespace

void add_rare_options(CLI::App* simulate, RareArgs& args) {
  CLI::Option* rare =
      simulate->add_option("--rare", args.event,
                           "Estimate the probability of \"EVENT later than DURATION\" by "
                           "importance sampling, EVENT being all-restored, restored:SERVICE, "
                           "completed:STEP or milestone:ID (--runs then defaults to 100000)");
  CLI::Option* level_runs =
      simulate
          ->add_option("--level-runs", args.search_runs,
                       "With --rare: runs of each level of the search for the stretches")
          ->check(CLI::Range(std::uint64_t{1}, kMostRuns))
          ->capture_default_str()
          ->needs(rare);
  args.stretch_option =
      simulate
          ->add_option("--stretch", args.stretch,
                       "With --rare: stretch durations and failures by K (or DURATIONS:FAILURES) "
                       "instead of searching; 1 is plain Monte Carlo")
          ->needs(rare)
          ->excludes(level_runs);
  for (const std::string_view name : kNotWithRare)
    rare->excludes(simulate->get_option(std::string(name)));
  args.option = rare;
  args.runs = simulate->get_option("--runs");
}

std::optional<RareStudy> prepare_rare(const Scenario& scenario, const RareArgs& args,
                                      RareEventOptions options) {
  if (args.runs->count() == 0)
    options.runs = RareEventOptions{}.runs;
  options.search_runs = args.search_runs;
  if (args.stretch_option->count() > 0) {
    options.stretch = parse_stretch(args.stretch);
    if (!options.stretch)
      return std::nullopt;
  }
  try {
    return RareStudy{parse_rare_event(scenario, args.event), options};
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return std::nullopt;
  }
}

int estimate_rare(const Scenario& scenario, const RareStudy& study, const std::string& json_path) {
  RareEventEstimate estimate;
  try {
    estimate = estimate_rare_event(scenario, study.event, study.options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (estimate.interrupted) {
    std::cerr << "faultline: interrupted before the estimate was made; nothing was written\n";
    return kExitInterrupted;
  }
  (json_path == "-" ? std::cerr : std::cout) << reports::rare_event_text(scenario, estimate);
  return write_output(json_path, json_text(reports::rare_event_json(scenario, estimate)));
}

}  // namespace faultline::cli
