#pragma once
// Shards of a Monte Carlo study and their exact merge. `simulate` and
// `compare` can make runs [first, end) of a study of N runs and write its
// tally, the exact integer sums, bucket counts and extremes of every
// statistic, to a file headed by everything that decides its runs. Shards whose ranges tile
// [0, N) merge into the result one process making all N runs gives, to the
// byte, in any order: run i draws only from the streams of (seed, i), and
// the sums are exact (statistics.hpp).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/compare.hpp"
#include "faultline/diagnostics.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/time.hpp"
#include "faultline/words.hpp"

namespace faultline {

// The version of the file's layout; a reader takes its own version only.
// 2: compare's variants count their runs ending with users cut off.
// 3: instead, their runs that ended so before another variant's same run,
// when, and when the others' ended.
// 4: also those that ended before a fault, failure or rollback still to
// strike, and how many ended each way.
inline constexpr int kTallyFormatVersion = 4;

struct RunRange {
  std::uint64_t first = 0;
  std::uint64_t end = 0;  // past the last
  friend bool operator==(const RunRange&, const RunRange&) = default;
};

// What made a study's runs.
enum class StudyCommand { simulate, compare };

template <>
struct WordTable<StudyCommand> {
  static constexpr std::array<Word<StudyCommand>, 2> rows{{
      {"simulate", StudyCommand::simulate},
      {"compare", StudyCommand::compare},
  }};
};

// A file the study read, by its part in the study ("scenario", "topology",
// "slo"; a comparison of two scenarios has two of the first two), with the
// SHA-256 of its bytes.
struct TallyInput {
  std::string role;
  std::string path;    // as it was given, from the folder the command ran in
  std::string sha256;  // 64 hex digits
  friend bool operator==(const TallyInput&, const TallyInput&) = default;
};

// Everything that decides a shard's runs, so that shards of different
// studies, or of another version of the engine, are never merged.
struct TallyHeader {
  StudyCommand command = StudyCommand::simulate;
  std::string faultline_version;
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;  // the study's: its shards tile [0, runs)
  RunRange range;          // this shard's runs
  std::optional<Duration> sample_every;
  std::optional<NetworkOptions> network;  // at network fidelity
  // As given to --strategy: none (the scenario's own), one, or for a
  // comparison of strategies each variant's.
  std::vector<std::string> strategies;
  std::vector<TallyInput> inputs;
};

// The SHA-256 of a file's bytes, in lowercase hex. Throws
// std::runtime_error when it cannot be read.
std::string file_sha256(const std::string& path);

// A shard's tally file: the header, then the result's exact state, a line
// per statistic.
std::string tally_text(const TallyHeader& header, const MonteCarloResult& result);
std::string tally_text(const TallyHeader& header, const Comparison& result);

struct TallyHeaderRead {
  std::optional<TallyHeader> header;  // empty when there are errors
  Diagnostics diagnostics;
};
TallyHeaderRead read_tally_header(const std::string& path);

// The tally's runs, read into `empty` (empty_result of the scenario and
// options its header names, which gives every statistic its shape).
struct TallyRead {
  std::optional<MonteCarloResult> result;  // empty when there are errors
  Diagnostics diagnostics;
};
TallyRead read_tally(const std::string& path, const MonteCarloResult& empty);
// A comparison's tally, read into `empty` (empty_comparison of its variants
// and options).
struct ComparisonTallyRead {
  std::optional<Comparison> result;  // empty when there are errors
  Diagnostics diagnostics;
};
ComparisonTallyRead read_tally(const std::string& path, const Comparison& empty);

// The statistics alone, as a tally file's body holds them, and one
// statistic: how the processes of one study, which share its inputs by
// construction, exchange their runs (distributed.hpp). The readers throw
// std::invalid_argument for a text that is not one of a result shaped as
// `empty`.
std::string tally_body(const MonteCarloResult& result);
MonteCarloResult read_tally_body(const std::string& text, const MonteCarloResult& empty);
std::string tally_body(const Comparison& result);
// Its pairs' figures are judged once every process's runs are merged in
// (merge_comparisons).
Comparison read_tally_body(const std::string& text, const Comparison& empty);
std::string statistic_text(const Accumulator& statistic);
Accumulator read_statistic(const std::string& text);

// Whether the shards' headers (`headers[i]` read from `paths[i]`) are of one
// study, their ranges tiling [0, runs) with no gap and no overlap, made by
// this faultline, from inputs whose files (their paths read from the
// working folder) have not changed since.
Diagnostics check_shards(std::span<const std::string> paths, std::span<const TallyHeader> headers);

}  // namespace faultline
