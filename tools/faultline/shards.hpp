#pragma once
// Shards of a simulate and their merge: --run-range and --tally on simulate,
// and what the merge command checks before it merges.

#include <optional>
#include <string>
#include <vector>

#include "faultline/monte_carlo.hpp"
#include "faultline/tally.hpp"

namespace faultline::cli {

// "FIRST:END", runs [FIRST, END) of a study of `runs` runs; nothing (the
// reason said) when it is not a range within [0, runs) holding a run.
std::optional<RunRange> run_range(const std::string& text, std::uint64_t runs);

// The header of a shard of the study `options` makes (of options.runs runs
// from first_run, in a study of study_runs) of the scenario read from
// scenario_path (under --strategy `strategy`) and the SLOs read from
// slo_path (none when empty); nothing (the reason said) when an input is
// not a file that can be read again.
std::optional<TallyHeader> shard_header(const std::string& scenario_path, const Scenario& scenario,
                                        const std::string& strategy, const std::string& slo_path,
                                        const MonteCarloOptions& options, std::uint64_t study_runs);

// The tally files' headers, checked as shards of one study made by this
// faultline, that tile its runs, from inputs that have not changed since;
// nothing (the problems said) otherwise.
std::optional<std::vector<TallyHeader>> study_of(const std::vector<std::string>& paths);

// The input of the given part ("scenario", "slo"): its path, or empty.
std::string input_path(const TallyHeader& header, std::string_view role);

// The shards' runs added to `empty` (empty_result of the study); nothing
// (the problems said) when one cannot be read.
std::optional<MonteCarloResult> merged_shards(const std::vector<std::string>& paths,
                                              const MonteCarloResult& empty);

}  // namespace faultline::cli
