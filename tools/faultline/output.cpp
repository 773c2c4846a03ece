#include "output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "faultline/reports/atomic_file.hpp"

namespace faultline::cli {

void print(const Diagnostics& diagnostics) {
  std::cerr << diagnostics.to_text();
  if (diagnostics.has_errors())
    std::cerr << fmt::format("{} error(s); nothing was written\n", diagnostics.error_count());
}

std::string json_text(const nlohmann::ordered_json& json) {
  return json.dump(2) + "\n";
}

const CLI::Validator non_empty_path(
    [](const std::string& path) {
      return path.empty() ? std::string("an empty path names no file or directory") : std::string();
    },
    "PATH");

int write_output(const std::string& path, const std::string& text) {
  return write_output(path, [&](const TextSink& out) { out(text); });
}

int write_output(const std::string& path, const TextPieces& pieces) {
  if (path.empty())
    return kExitOk;
  if (path == "-") {
    pieces([](std::string_view piece) { std::cout << piece; });
    return kExitOk;
  }
  try {
    reports::AtomicFile file(path);
    pieces([&](std::string_view piece) { file.write(piece); });
    file.commit();
  } catch (const std::exception& e) {
    std::cerr << "faultline: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

void add_threads_and_seed(CLI::App* command, unsigned& threads, std::uint64_t& seed,
                          const CLI::Validator& seed_text) {
  command->add_option("--threads", threads, "Worker threads; results do not depend on it")
      ->check(CLI::Range(1U, 256U))
      ->capture_default_str();
  command->add_option("--seed", seed, "Random seed")->check(seed_text)->capture_default_str();
}

void add_json_option(CLI::App* command, std::string& path) {
  command
      ->add_option("--json", path,
                   "Also write the result as JSON to this file ('-': standard output, and the "
                   "text goes to standard error)")
      ->check(non_empty_path);
}

namespace {

// The files a command writes, as outputs_apart saw them: the topology a
// scenario names is an input found only as it is loaded.
std::vector<std::filesystem::path> written_files;

// The file a path names, followed through links, for telling two names of
// one file apart; none for standard output or no path.
std::optional<std::filesystem::path> file_named(std::string_view path) {
  if (path.empty() || path == "-")
    return std::nullopt;
  // Absolute first: a file not yet made keeps a relative name otherwise,
  // and out.json and ./out.json would be two files.
  std::error_code unresolved;
  const auto absolute = std::filesystem::absolute(std::filesystem::path(path)).lexically_normal();
  const auto canonical = std::filesystem::weakly_canonical(absolute, unresolved);
  return unresolved ? absolute : canonical;
}

}  // namespace

std::optional<std::string> input_named(std::string_view path, std::span<const std::string> inputs) {
  const auto file = file_named(path);
  if (!file)
    return std::nullopt;
  for (const std::string& input : inputs) {
    if (file_named(input) == file)
      return input;
  }
  return std::nullopt;
}

// Found by a helper: two outputs naming one file kept only the last
// written, and a --json naming the topology replaced it.
bool outputs_apart(std::initializer_list<std::string_view> output_paths,
                   std::span<const std::string> inputs) {
  if (std::ranges::count(output_paths, "-") > 1) {
    std::cerr << "faultline: only one output can be - (standard output)\n";
    return false;
  }
  written_files.clear();
  for (const std::string_view path : output_paths) {
    const auto file = file_named(path);
    if (!file)
      continue;
    if (std::ranges::find(written_files, *file) != written_files.end()) {
      std::cerr << "faultline: two outputs name " << path
                << "; give each output a file of its own\n";
      return false;
    }
    if (const auto input = input_named(path, inputs)) {
      std::cerr << "faultline: the output " << path << " is " << *input
                << ", an input of this command, which writing it would overwrite; write "
                   "the output elsewhere\n";
      return false;
    }
    written_files.push_back(*file);
  }
  return true;
}

bool not_written(const Topology& topology) {
  const auto file = file_named(topology.file());
  if (!file || std::ranges::find(written_files, *file) == written_files.end())
    return true;
  std::cerr << "faultline: the topology " << topology.file()
            << " is also named as an output of this command, which writing it would overwrite; "
               "write the output elsewhere\n";
  return false;
}

}  // namespace faultline::cli
