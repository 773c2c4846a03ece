// libFuzzer target: the scenario loader (with the topology it names), and
// validate_file on the same bytes. The input is written to scenario.yaml in a
// private folder holding copies of the loader tests' topologies
// (good_topology.yaml, zoned_topology.yaml), so `topology: good_topology.yaml`
// reaches a valid one; tools/test.sh --sanitize also points the seed
// scenarios at their own fixtures by absolute path.
// Any input must give an answer (a scenario or located errors): a crash, a
// sanitizer report, an escaping exception or a broken promise is a finding.

#include <cstddef>
#include <cstdint>

#include "faultline/loader.hpp"
#include "fuzz_support.hpp"

namespace {
const std::filesystem::path& input_path() {
  static const std::filesystem::path* const path =
      new std::filesystem::path(faultline::fuzz::work_dir() / "scenario.yaml");
  return *path;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::filesystem::path fixtures = FAULTLINE_LOADER_FIXTURES;
  faultline::fuzz::copy_beside(fixtures / "good_topology.yaml");
  faultline::fuzz::copy_beside(fixtures / "zoned_topology.yaml");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  fuzz::write_file(input_path(), data, size);
  const ScenarioLoad load = load_scenario(input_path().string());
  fuzz::check_answer(load.scenario, load.diagnostics);
  const Diagnostics validated = validate_file(input_path().string());
  if (load.scenario)
    fuzz::check_validate_agrees(load.diagnostics, validated);
  return 0;
}
