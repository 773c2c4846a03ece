#pragma once
// simulate --rare: the probability of an outage far longer than usual, by
// importance sampling (faultline/rare.hpp), instead of the usual statistics.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "faultline/model.hpp"
#include "faultline/rare.hpp"

namespace faultline::cli {

struct RareArgs {
  std::string event;  // "EVENT later than DURATION"; empty: not asked
  std::uint64_t search_runs = RareEventOptions{}.search_runs;
  std::string stretch;                // K or DURATIONS:FAILURES; empty: searched for
  const CLI::Option* runs = nullptr;  // simulate's --runs, to tell whether it was given
};

// --rare and the options that go with it, on simulate: they exclude the
// options of simulate's usual statistics.
void add_rare_options(CLI::App* simulate, RareArgs& args);

// Prints the estimate (to standard error when the JSON goes to standard
// output) and writes its JSON to json_path, if any; kExitBadInput, said,
// for a bad event or stretch. `options` gives the threads and seed.
int estimate_rare(const Scenario& scenario, const RareArgs& args, RareEventOptions options,
                  const std::string& json_path);

}  // namespace faultline::cli
