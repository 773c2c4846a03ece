#pragma once
// What every command shares: its exit codes, how it prints diagnostics and
// how it writes an output.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "faultline/diagnostics.hpp"
#include "faultline/model.hpp"

namespace faultline::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // could not write the output (import deps: drift)
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitMissed = 3;  // --require-milestones, --require-slos: a target was missed
inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports it

// Every diagnostic on standard error, and how many errors stopped the output.
void print(const Diagnostics& diagnostics);

std::string json_text(const nlohmann::ordered_json& json);

// An empty path names nothing: an option checked by it refuses one rather
// than skip the output.
extern const CLI::Validator non_empty_path;

// --threads and --seed, as every command that makes runs takes them; `seed`
// checks a seed's text.
void add_threads_and_seed(CLI::App* command, unsigned& threads, std::uint64_t& seed,
                          const CLI::Validator& seed_text);

// --json FILE: the result as JSON too ('-': standard output, the text then
// going to standard error); an empty path is refused.
void add_json_option(CLI::App* command, std::string& path);

// Writes text to path atomically ("-": standard output, which main checks
// arrived; empty: nowhere): kExitFailure, said, when it cannot.
int write_output(const std::string& path, const std::string& text);

// Where a text goes, piece by piece.
using TextSink = std::function<void(std::string_view)>;
// A text handed to a sink in pieces as it is made, so that a large one (a
// simulation's JSON at 10^5 services) need not stand whole in memory.
using TextPieces = std::function<void(const TextSink&)>;
// As write_output, the text written as its pieces are made.
int write_output(const std::string& path, const TextPieces& pieces);

// The one of `inputs` that `path` names, however spelt (through links,
// relative or absolute); none for standard output.
std::optional<std::string> input_named(std::string_view path, std::span<const std::string> inputs);

// Of a command's outputs (--json, --prom, --report, --dot …), one at most
// may be - (standard output), no two may name the same file, and none may
// name one of its inputs; false, with the reason said, otherwise. The
// outputs are kept for not_written.
bool outputs_apart(std::initializer_list<std::string_view> output_paths,
                   std::span<const std::string> inputs);
// The topology a scenario named, an input found only as it is loaded, is
// none of the outputs outputs_apart last saw; false, said, when it is.
bool not_written(const Topology& topology);

}  // namespace faultline::cli
