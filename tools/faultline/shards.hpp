#pragma once
// Shards of a study and their merge: --run-range and --tally on simulate
// and compare, and what the merge command checks before it merges.

#include <optional>
#include <string>
#include <vector>

#include "faultline/monte_carlo.hpp"
#include "faultline/tally.hpp"

namespace faultline::cli {

// "FIRST:END", runs [FIRST, END) of a study of `runs` runs; nothing (the
// reason said) when it is not a range within [0, runs) holding a run.
std::optional<RunRange> run_range(const std::string& text, std::uint64_t runs);

// A shard's header naming this faultline, the command and the files it
// read: each scenario (its path as given, with its topology) and the SLO
// file (none when the path is empty); nothing (the reason said) when a
// scenario came from standard input or a file cannot be read again. The
// caller fills in the study's seed, runs, range and options.
std::optional<TallyHeader> shard_header(
    StudyCommand command, const std::vector<std::pair<std::string, const Scenario*>>& scenarios,
    const std::string& slo_path);

// The tally files' headers, checked as shards of one study made by this
// faultline, that tile its runs, from inputs that have not changed since;
// nothing (the problems said) otherwise.
std::optional<std::vector<TallyHeader>> study_of(const std::vector<std::string>& paths);

// The paths of the inputs of the given part ("scenario", "slo"), in order.
std::vector<std::string> input_paths(const TallyHeader& header, std::string_view role);

// The shards' runs added to `empty` (empty_result or empty_comparison of
// the study); nothing (the problems said) when one cannot be read.
std::optional<MonteCarloResult> merged_shards(const std::vector<std::string>& paths,
                                              const MonteCarloResult& empty);
std::optional<Comparison> merged_shards(const std::vector<std::string>& paths,
                                        const Comparison& empty);

}  // namespace faultline::cli
