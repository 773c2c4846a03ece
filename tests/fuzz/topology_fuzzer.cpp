// libFuzzer target: the topology loader, and validate_file on the same bytes.
// Any input must give an answer (a topology or located errors): a crash, a
// sanitizer report, an escaping exception or a broken promise is a finding.
// Run by tools/test.sh --sanitize; README.md says how to run it longer.

#include <cstddef>
#include <cstdint>

#include "faultline/loader.hpp"
#include "fuzz_support.hpp"

namespace {
const std::filesystem::path& input_path() {
  static const std::filesystem::path* const path =
      new std::filesystem::path(faultline::fuzz::work_dir() / "topology.yaml");
  return *path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  fuzz::write_file(input_path(), data, size);
  const TopologyLoad load = load_topology(input_path().string());
  fuzz::check_answer(load.topology, load.diagnostics);
  const Diagnostics validated = validate_file(input_path().string());
  if (load.topology)
    fuzz::check_validate_agrees(load.diagnostics, validated);
  return 0;
}
