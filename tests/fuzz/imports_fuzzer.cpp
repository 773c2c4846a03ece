// libFuzzer target: the readers of other tools' formats on the same bytes,
// as a Backstage catalog, as trace links (and those held against a small
// topology), as OpenSLO SLOs (and those judged on a small scenario), and
// the reader of our own Monte Carlo tally files. Any input must give an
// answer (a result or located errors); a crash, a sanitizer report, an
// escaping exception or a broken promise is a finding. Run by
// tools/test.sh --sanitize.

#include <cstddef>
#include <cstdint>

#include "faultline/imports.hpp"
#include "faultline/slo.hpp"
#include "faultline/tally.hpp"
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

// tests/slo/fixtures/outage.yaml and its replay, made once.
struct Judged {
  std::shared_ptr<const faultline::Scenario> scenario;
  faultline::RunResult replay;
};
const Judged& store_outage() {
  static const auto* const judged = [] {
    const auto load = faultline::load_scenario(FAULTLINE_SLO_SCENARIO);
    if (!load.scenario)
      faultline::fuzz::broken("the SLO scenario loads", load.diagnostics);
    return new Judged{load.scenario, faultline::replay(*load.scenario)};
  }();
  return *judged;
}

// SLOs read from the input, each of the store's services judged on its
// outage: every budget and what was spent of it is a number, not below 0.
void judge_slos(const std::string& path) {
  using namespace faultline;
  const SloLoad load = load_slos(path);
  fuzz::check_answer(load.slos.empty() ? nullptr : &load.slos, load.diagnostics);
  const Judged& store = store_outage();
  if (load.slos.empty() || check_slo_services(load.slos, *store.scenario->topology).has_errors())
    return;
  for (const SloBurn& burn : SloMeter(*store.scenario, load.slos).burn(store.replay)) {
    for (const ObjectiveBurn& b : burn.objectives) {
      if (!(b.budget >= 0) || !(b.spent >= 0))
        fuzz::broken("budgets and spending are numbers, not below 0", load.diagnostics);
    }
  }
}

// The input read as a tally of tests/tally/fixtures/fixed.yaml's three-run
// study: a tally read is one runs can give, so its statistics answer
// (summaries, quantiles) and it is written back as read.
void read_tally_file(const std::string& path) {
  using namespace faultline;
  static const auto* const empty = [] {
    const auto load = load_scenario(FAULTLINE_TALLY_SCENARIO);
    if (!load.scenario)
      fuzz::broken("the tally scenario loads", load.diagnostics);
    MonteCarloOptions options;
    options.runs = 3;
    return new MonteCarloResult(empty_result(*load.scenario, options));
  }();
  const TallyHeaderRead header = read_tally_header(path);
  fuzz::check_answer(header.header ? &*header.header : nullptr, header.diagnostics);
  const TallyRead read = read_tally(path, *empty);
  fuzz::check_answer(read.result ? &*read.result : nullptr, read.diagnostics);
  if (!read.result)
    return;
  (void)read.result->overall.user_seconds_lost.summary();
  for (const ServiceStatistics& s : read.result->services)
    (void)s.restored_at.quantile(0.9);
  const std::filesystem::path again = fuzz::work_dir() / "again.tally";
  const std::string text = tally_text(*header.header, *read.result);
  fuzz::write_file(again, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  const TallyRead reread = read_tally(again.string(), *empty);
  if (!reread.result || tally_text(*header.header, *reread.result) != text)
    fuzz::broken("a tally read is written back and read again as it was", reread.diagnostics);
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
  judge_slos(input_path().string());
  read_tally_file(input_path().string());
  return 0;
}
