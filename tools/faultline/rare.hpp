#pragma once
// simulate --rare: the probability of an outage far longer than usual, by
// importance sampling (faultline/rare.hpp), instead of the usual statistics.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "faultline/model.hpp"
#include "faultline/rare.hpp"

namespace faultline::cli {

struct RareArgs {
  std::string event;  // "EVENT later than DURATION"
  std::uint64_t search_runs = RareEventOptions{}.search_runs;
  std::string stretch;  // K or DURATIONS:FAILURES
  // The options, to tell whether they were given (an empty value counts).
  const CLI::Option* option = nullptr;
  const CLI::Option* stretch_option = nullptr;
  const CLI::Option* runs = nullptr;  // simulate's --runs

  bool asked() const { return option && option->count() > 0; }
};

struct RareStudy {
  RareEvent event;
  RareEventOptions options;
};

// --rare and the options that go with it, on simulate: they exclude the
// options of simulate's usual statistics.
void add_rare_options(CLI::App* simulate, RareArgs& args);

// The event and options the arguments ask for, before anything runs;
// nothing (the reason said) for a bad event or stretch. `options` gives the
// threads, seed and stop.
std::optional<RareStudy> prepare_rare(const Scenario& scenario, const RareArgs& args,
                                      RareEventOptions options);

// Prints the estimate (to standard error when the JSON goes to standard
// output) and writes its JSON to json_path, if any; kExitInterrupted,
// writing nothing, when stopped. The scenario may be the one prepare_rare
// read with a priority order put in (names and positions unchanged).
int estimate_rare(const Scenario& scenario, const RareStudy& study, const std::string& json_path);

}  // namespace faultline::cli
