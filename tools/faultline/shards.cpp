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

std::optional<TallyHeader> shard_header(
    StudyCommand command, const std::vector<std::pair<std::string, const Scenario*>>& scenarios,
    const std::string& slo_path) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [path, scenario] : scenarios) {
    if (path == "-") {
      std::cerr << "faultline: --tally needs the scenario in a file, which merge reads again, "
                   "not standard input\n";
      return std::nullopt;
    }
    files.emplace_back("scenario", path);
    files.emplace_back("topology", scenario->topology->file());
  }
  if (!slo_path.empty())
    files.emplace_back("slo", slo_path);
  auto inputs = inputs_of(files);
  if (!inputs)
    return std::nullopt;
  TallyHeader header;
  header.command = command;
  header.faultline_version = kVersion;
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

std::vector<std::string> input_paths(const TallyHeader& header, std::string_view role) {
  std::vector<std::string> paths;
  for (const TallyInput& input : header.inputs) {
    if (input.role == role)
      paths.push_back(input.path);
  }
  return paths;
}

namespace {

template <class Result, class Merge>
std::optional<Result> merged(const std::vector<std::string>& paths, const Result& empty,
                             const Merge& merge) {
  Result total = empty;
  for (const std::string& path : paths) {
    auto read = read_tally(path, empty);
    print(read.diagnostics);
    if (!read.result)
      return std::nullopt;
    merge(total, *read.result);
  }
  return total;
}

}  // namespace

std::optional<MonteCarloResult> merged_shards(const std::vector<std::string>& paths,
                                              const MonteCarloResult& empty) {
  return merged(paths, empty, merge_results);
}

std::optional<Comparison> merged_shards(const std::vector<std::string>& paths,
                                        const Comparison& empty) {
  return merged(paths, empty, merge_comparisons);
}

}  // namespace faultline::cli
