// The faultline Python module: load a scenario or a topology, replay,
// simulate, compare and analyze, each answer a dict with the content of the
// command's JSON. Located errors raise ValueError with their
// file:line:col text; the GIL is released while the engine runs, so other
// Python threads go on.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faultline/analysis.hpp"
#include "faultline/compare.hpp"
#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/slo.hpp"
#include "faultline/slo.hpp"
#include "faultline/strategy.hpp"
#include "faultline/version.hpp"
#include "faultline/words.hpp"

namespace py = pybind11;

namespace {

// A loaded scenario or topology, immutable, shared with the runs made of it.
struct ScenarioHandle {
  std::shared_ptr<const faultline::Scenario> scenario;
};
struct TopologyHandle {
  std::shared_ptr<const faultline::Topology> topology;
};

py::object as_python(const nlohmann::ordered_json& json) {
  return py::module_::import("json").attr("loads")(json.dump());
}

// The scenario as loaded, under another strategy when one is named. The
// optimize strategy is a search the command line runs; here a scenario
// must name the order it follows.
ScenarioHandle load_scenario(const std::string& path, const std::optional<std::string>& strategy) {
  const faultline::ScenarioLoad load = faultline::load_scenario(path);
  if (!load.scenario)
    throw py::value_error(load.diagnostics.to_text());
  auto scenario = std::make_shared<faultline::Scenario>(*load.scenario);
  if (strategy) {
    const auto kind = faultline::parse_strategy(*strategy);
    if (!kind)
      throw py::value_error(
          "unknown strategy '" + *strategy + "'" +
          faultline::did_you_mean(*strategy, faultline::accepted_words<faultline::StrategyKind>()) +
          "; expected one of " + faultline::expected_words<faultline::StrategyKind>());
    try {
      scenario = faultline::under_strategy(*load.scenario, *kind);
    } catch (const std::invalid_argument& e) {
      throw py::value_error(e.what());
    }
  }
  if (scenario->strategy == faultline::StrategyKind::optimize)
    throw py::value_error(
        "the optimize strategy is a search, which `faultline replay --strategy "
        "optimize` runs; name another strategy, or the priority it finds");
  return {std::move(scenario)};
}

TopologyHandle load_topology(const std::string& path) {
  const faultline::TopologyLoad load = faultline::load_topology(path);
  if (!load.topology)
    throw py::value_error(load.diagnostics.to_text());
  return {load.topology};
}

// The SLOs of an OpenSLO file, as --slo reads them, checked against each
// scenario's topology; none without a path.
std::vector<faultline::Slo> slos_for(const std::optional<std::string>& path,
                                     const std::vector<ScenarioHandle>& scenarios) {
  if (!path)
    return {};
  std::vector<const faultline::Topology*> topologies;
  for (const ScenarioHandle& s : scenarios)
    topologies.push_back(s.scenario->topology.get());
  faultline::SloLoad load = faultline::load_slos(*path, topologies);
  if (load.diagnostics.has_errors())
    throw py::value_error(load.diagnostics.to_text());
  return std::move(load.slos);
}

py::object replay(const ScenarioHandle& s, const std::optional<std::string>& slo) {
  const std::vector<faultline::Slo> slos = slos_for(slo, {s});
  nlohmann::ordered_json json;
  {
    py::gil_scoped_release release;
    const faultline::RunResult result = faultline::replay(*s.scenario);
    std::optional<faultline::reports::RunBudgets> budgets;
    if (!slos.empty())
      budgets = {slos, faultline::SloMeter(*s.scenario, slos).burn(result), false};
    json =
        faultline::reports::with_budgets(faultline::reports::replay_document(*s.scenario, result),
                                         budgets ? &*budgets : nullptr)
            .tree();
  }
  return as_python(json);
}

py::object simulate(const ScenarioHandle& s, std::uint64_t runs, std::uint64_t seed,
                    unsigned threads, const std::optional<std::string>& slo) {
  faultline::MonteCarloOptions options;
  options.runs = runs;
  options.seed = seed;
  options.threads = threads;
  options.slos = slos_for(slo, {s});
  nlohmann::ordered_json json;
  {
    py::gil_scoped_release release;
    json =
        faultline::reports::simulation_json(*s.scenario, faultline::simulate(*s.scenario, options));
  }
  return as_python(json);
}

// Variants named by `names`, or by each scenario's name (its file when it
// has none).
py::object compare(const std::vector<ScenarioHandle>& scenarios,
                   const std::optional<std::vector<std::string>>& names, std::uint64_t runs,
                   std::uint64_t seed, unsigned threads, const std::optional<std::string>& slo) {
  if (names && names->size() != scenarios.size())
    throw py::value_error("compare needs a name for each scenario, or none");
  std::vector<faultline::Variant> variants;
  for (std::size_t v = 0; v < scenarios.size(); ++v) {
    const faultline::Scenario& scenario = *scenarios[v].scenario;
    const std::string name = names                   ? (*names)[v]
                             : scenario.name.empty() ? scenario.file
                                                     : scenario.name;
    variants.push_back({name, scenarios[v].scenario});
  }
  faultline::CompareOptions options;
  options.runs = runs;
  options.seed = seed;
  options.threads = threads;
  options.slos = slos_for(slo, scenarios);
  nlohmann::ordered_json json;
  std::optional<std::string> unequal;
  {
    py::gil_scoped_release release;
    const faultline::Comparison comparison = faultline::compare(variants, options);
    unequal = faultline::unequal_windows(variants, comparison);
    json = faultline::reports::compare_json(comparison);
  }
  if (unequal)
    throw py::value_error(*unequal);
  return as_python(json);
}

py::object analyze(const TopologyHandle& t) {
  nlohmann::ordered_json json;
  {
    py::gil_scoped_release release;
    json = faultline::reports::analysis_json(*t.topology, faultline::analyze(*t.topology));
  }
  return as_python(json);
}

}  // namespace

PYBIND11_MODULE(faultline, m) {
  m.doc() = "Faultline: replays faults and staged recoveries of service topologies";
  m.attr("__version__") = std::string(faultline::kVersion);
  py::class_<ScenarioHandle>(m, "Scenario", "A loaded scenario (immutable)")
      .def_property_readonly("name", [](const ScenarioHandle& s) { return s.scenario->name; })
      .def_property_readonly("file", [](const ScenarioHandle& s) { return s.scenario->file; })
      .def_property_readonly("strategy", [](const ScenarioHandle& s) {
        return std::string(faultline::word_of(s.scenario->strategy));
      });
  py::class_<TopologyHandle>(m, "Topology", "A loaded topology (immutable)")
      .def_property_readonly("name", [](const TopologyHandle& t) { return t.topology->name(); })
      .def_property_readonly("file", [](const TopologyHandle& t) { return t.topology->file(); });
  m.def("load_scenario", &load_scenario, py::arg("path"), py::arg("strategy") = py::none(),
        "Loads a scenario (and its topology); ValueError with file:line:col when it is bad");
  m.def("load_topology", &load_topology, py::arg("path"),
        "Loads a topology; ValueError with file:line:col when it is bad");
  m.def("replay", &replay, py::arg("scenario"), py::arg("slo") = py::none(),
        "One replay with nominal durations, judged against an OpenSLO file's SLOs when one is "
        "given: replay [--slo FILE] --json");
  m.def("simulate", &simulate, py::arg("scenario"), py::arg("runs") = 1000, py::arg("seed") = 1,
        py::arg("threads") = 1, py::arg("slo") = py::none(),
        "Monte Carlo runs: simulate [--slo FILE] --json");
  m.def("compare", &compare, py::arg("scenarios"), py::arg("names") = py::none(),
        py::arg("runs") = 1000, py::arg("seed") = 1, py::arg("threads") = 1,
        py::arg("slo") = py::none(),
        "Paired Monte Carlo runs of two scenarios or more: compare [--slo FILE] --json");
  m.def("analyze", &analyze, py::arg("topology"),
        "Layers, cycles, blast radius and single points of failure: analyze --json");
}
