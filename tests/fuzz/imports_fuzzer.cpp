// libFuzzer target: faultline import's readers on the same bytes, as a
// Backstage catalog and as trace links (and those held against a small
// topology). Any input must give an answer (a result or located errors); a
// crash, a sanitizer report, an escaping exception or a broken promise is
// a finding. Run by tools/test.sh --sanitize.

#include <cstddef>
#include <cstdint>

#include "faultline/imports.hpp"
#include "fuzz_support.hpp"

namespace {

const std::filesystem::path& input_path() {
  static const std::filesystem::path* const path =
      new std::filesystem::path(faultline::fuzz::work_dir() / "input");
  return *path;
}

// tests/imports/fixtures/traced.yaml, loaded once.
const faultline::Topology& traced() {
  static const auto* const topology = [] {
    const auto load = faultline::load_topology(FAULTLINE_TRACED_TOPOLOGY);
    if (!load.topology)
      faultline::fuzz::broken("the traced topology loads", load.diagnostics);
    return new std::shared_ptr<const faultline::Topology>(load.topology);
  }();
  return **topology;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  fuzz::write_file(input_path(), data, size);
  Diagnostics catalog;
  const auto imported = import_backstage({input_path().string()}, {}, catalog);
  fuzz::check_answer(imported ? &*imported : nullptr, catalog);
  if (imported) {  // the promise that what the import writes loads
    const std::filesystem::path written = fuzz::work_dir() / "imported.yaml";
    fuzz::write_file(written, reinterpret_cast<const std::uint8_t*>(imported->topology_yaml.data()),
                     imported->topology_yaml.size());
    const TopologyLoad load = load_topology(written.string());
    if (!load.topology)
      fuzz::broken("the topology an import writes loads", load.diagnostics);
  }
  Diagnostics links;
  const auto calls = read_trace_links(input_path().string(), {}, links);
  fuzz::check_answer(calls ? &*calls : nullptr, links);
  if (calls)
    dependency_drift(traced(), *calls);
  return 0;
}
