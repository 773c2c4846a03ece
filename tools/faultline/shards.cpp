#include "shards.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <stdexcept>

#include "faultline/version.hpp"
#include "output.hpp"

namespace faultline::cli {

namespace {

std::optional<std::uint64_t> whole_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return value;
}

// The SHA-256 of each file, by part; nothing (said) when one cannot be read.
std::optional<std::vector<TallyInput>> inputs_of(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<TallyInput> inputs;
  for (const auto& [role, path] : files) {
    try {
      inputs.push_back({role, path, file_sha256(path)});
    } catch (const std::runtime_error& e) {
      std::cerr << "faultline: " << e.what() << "\n";
      return std::nullopt;
    }
  }
  return inputs;
}

}  // namespace

std::optional<RunRange> run_range(const std::string& text, std::uint64_t runs) {
  const std::size_t colon = text.find(':');
  const auto first = whole_number(std::string_view(text).substr(0, colon));
  const auto end = colon == std::string::npos
                       ? std::nullopt
                       : whole_number(std::string_view(text).substr(colon + 1));
  if (first && end && *first < *end && *end <= runs)
    return RunRange{*first, *end};
  std::cerr << fmt::format(
      "faultline: --run-range takes FIRST:END, the runs from FIRST up to (not including) END of "
      "the study's --runs {}, so 0 <= FIRST < END <= {}; found '{}'\n",
      runs, runs, text);
  return std::nullopt;
}

std::optional<TallyHeader> shard_header(const std::string& scenario_path, const Scenario& scenario,
                                        const std::string& strategy, const std::string& slo_path,
                                        const MonteCarloOptions& options,
                                        std::uint64_t study_runs) {
  if (scenario_path == "-") {
    std::cerr << "faultline: --tally needs the scenario in a file, which merge reads again, not "
                 "standard input\n";
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> files{{"scenario", scenario_path},
                                                         {"topology", scenario.topology->file()}};
  if (!slo_path.empty())
    files.emplace_back("slo", slo_path);
  auto inputs = inputs_of(files);
  if (!inputs)
    return std::nullopt;
  TallyHeader header;
  header.faultline_version = kVersion;
  header.seed = options.seed;
  header.runs = study_runs;
  header.range = {options.first_run, options.first_run + options.runs};
  header.sample_every = options.sample_every;
  header.network = options.network;
  header.strategy = strategy;
  header.inputs = std::move(*inputs);
  return header;
}

std::optional<std::vector<TallyHeader>> study_of(const std::vector<std::string>& paths) {
  std::vector<TallyHeader> headers;
  bool readable = true;
  for (const std::string& path : paths) {
    TallyHeaderRead read = read_tally_header(path);
    print(read.diagnostics);
    if (read.header)
      headers.push_back(std::move(*read.header));
    readable = readable && read.header;
  }
  if (!readable)
    return std::nullopt;
  const Diagnostics problems = check_shards(paths, headers);
  print(problems);
  if (problems.has_errors())
    return std::nullopt;
  return headers;
}

std::string input_path(const TallyHeader& header, std::string_view role) {
  for (const TallyInput& input : header.inputs) {
    if (input.role == role)
      return input.path;
  }
  return "";
}

std::optional<MonteCarloResult> merged_shards(const std::vector<std::string>& paths,
                                              const MonteCarloResult& empty) {
  MonteCarloResult merged = empty;
  for (const std::string& path : paths) {
    const TallyRead read = read_tally(path, empty);
    print(read.diagnostics);
    if (!read.result)
      return std::nullopt;
    merge_results(merged, *read.result);
  }
  return merged;
}

}  // namespace faultline::cli
