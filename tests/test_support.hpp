#pragma once
// Helpers shared by the test suites.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "faultline/compare.hpp"
#include "faultline/diagnostics.hpp"
#include "faultline/loader.hpp"
#include "faultline/model.hpp"
#include "faultline/replay.hpp"
#include "faultline/statistics.hpp"
#include "faultline/strategy.hpp"

namespace faultline::testing {

// The message `work` was refused with (std::invalid_argument); empty when
// it was not refused.
template <class Work>
std::optional<std::string> refusal_of(Work&& work) {
  try {
    work();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return std::nullopt;
}

// With fmt, not std::string's operator+: g++ 12 warns falsely on the
// latter's inlined copies for some lengths of the checkout's path (see the
// top-level CMakeLists.txt).
inline std::string source_path(const std::string& relative) {
  return fmt::format("{}/{}", FAULTLINE_SOURCE_DIR, relative);
}

inline std::string test_path(const std::string& relative) {
  return fmt::format("{}/{}", FAULTLINE_TEST_DIR, relative);
}

// True when one diagnostic has this severity, 1-based position and message part.
inline ::testing::AssertionResult has_diagnostic(const Diagnostics& diagnostics, Severity severity,
                                                 int line, int column, const std::string& part) {
  for (const auto& d : diagnostics.all()) {
    if (d.severity == severity && d.where.line == line && d.where.column == column &&
        d.message.find(part) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no diagnostic at " << line << ":" << column << " containing \"" << part << "\"; got:\n"
         << diagnostics.to_text();
}

inline ::testing::AssertionResult has_error(const Diagnostics& d, int line, int column,
                                            const std::string& part) {
  return has_diagnostic(d, Severity::error, line, column, part);
}

// The scenario at tests/<relative>, which must load.
inline std::shared_ptr<const Scenario> scenario_fixture(const std::string& relative) {
  auto load = load_scenario(test_path(relative));
  if (!load.scenario)
    throw std::runtime_error(load.diagnostics.to_text());
  return load.scenario;
}

// tally/fixtures/random.yaml under as-written and shortest-first, whose
// runs differ (see the fixture), the second with a horizon of 3 days
// against the first's 2: the first counts its runs that end with users
// still out short (see unequal_windows).
inline std::vector<Variant> random_under_two_strategies() {
  std::vector<Variant> variants;
  for (const StrategyKind kind : {StrategyKind::as_written, StrategyKind::shortest_first}) {
    auto scenario = std::make_shared<Scenario>(*scenario_fixture("tally/fixtures/random.yaml"));
    scenario->strategy = kind;
    if (kind == StrategyKind::shortest_first)
      scenario->horizon = SimTime{} + Duration::days(3);
    variants.push_back({std::string(word_of(kind)), scenario});
  }
  return variants;
}

// (time, users cut off once the events at that time are done) whenever
// that changes.
inline std::vector<std::pair<SimTime, std::int64_t>> cut_off(const RunResult& r) {
  std::vector<std::pair<SimTime, std::int64_t>> out;
  for (const TimelineEntry& e : r.timeline) {
    if (e.kind != TimelineKind::users)
      continue;
    if (!out.empty() && out.back().first == e.at)
      out.pop_back();
    if (e.affected.value != (out.empty() ? 0 : out.back().second))
      out.emplace_back(e.at, e.affected.value);
  }
  return out;
}

// The step the scenario names `id`.
inline StepId step_named(const Scenario& scenario, const std::string& id) {
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    if (scenario.steps[s].id == id)
      return StepId{s};
  }
  throw std::runtime_error("no step " + id);
}

// Whether actual equals the golden file at tests/<relative>. With
// FAULTLINE_UPDATE_GOLDEN=1 in the environment the file is rewritten first,
// after an intended change, for review in the diff.
inline ::testing::AssertionResult matches_golden(const std::string& relative,
                                                 const std::string& actual) {
  const std::string path = test_path(relative);
  if (std::getenv("FAULTLINE_UPDATE_GOLDEN"))
    std::ofstream(path, std::ios::binary) << actual;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return ::testing::AssertionFailure() << "missing " << path;
  std::stringstream expected;
  expected << in.rdbuf();
  if (actual == expected.str())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << relative << " changed; if intended, rerun with FAULTLINE_UPDATE_GOLDEN=1 and "
         << "review the diff";
}

// Two accumulators hold the same state, down to their buckets: what a
// tally file would store of them is the same.
inline ::testing::AssertionResult same_state(const Accumulator& a, const Accumulator& b) {
  const AccumulatorState x = a.state();
  const AccumulatorState y = b.state();
  if (x.moments.count != y.moments.count || x.moments.sum != y.moments.sum ||
      x.moments.sum_of_squares != y.moments.sum_of_squares || x.moments.min != y.moments.min ||
      x.moments.max != y.moments.max)
    return ::testing::AssertionFailure() << "the moments differ";
  if (x.first_bucket != y.first_bucket || x.buckets != y.buckets)
    return ::testing::AssertionFailure() << "the buckets differ";
  return ::testing::AssertionSuccess();
}

}  // namespace faultline::testing
