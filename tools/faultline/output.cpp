#include "output.hpp"

#include <fmt/format.h>

#include <iostream>

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

}  // namespace faultline::cli
