// Monte Carlo across processes, the processes played by threads that
// exchange their texts through shared memory.

#include "faultline/distributed.hpp"

#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "faultline/reports/json.hpp"
#include "faultline/tally.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::scenario_fixture;

// What the threads of one group share: a slot each and a barrier.
struct Meeting {
  explicit Meeting(int size) : slots(static_cast<std::size_t>(size)), barrier(size) {}
  std::vector<std::string> slots;
  std::barrier<> barrier;
};

class ThreadGroup : public ProcessGroup {
 public:
  ThreadGroup(Meeting& meeting, int rank) : meeting_(meeting), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(meeting_.slots.size()); }
  std::vector<std::string> all_gather(const std::string& mine) const override {
    meeting_.slots[static_cast<std::size_t>(rank_)] = mine;
    meeting_.barrier.arrive_and_wait();
    std::vector<std::string> all = meeting_.slots;
    meeting_.barrier.arrive_and_wait();  // nobody writes again before all have read
    return all;
  }

 private:
  Meeting& meeting_;
  int rank_;
};

// What each of a group of processes, a thread each, returns from
// run(group, rank).
template <class Run>
std::vector<std::string> in_processes(int processes, const Run& run) {
  Meeting meeting(processes);
  std::vector<std::string> out(static_cast<std::size_t>(processes));
  std::vector<std::jthread> threads;
  for (int rank = 0; rank < processes; ++rank) {
    threads.emplace_back([&, rank] {
      const ThreadGroup group(meeting, rank);
      out[static_cast<std::size_t>(rank)] = run(group, rank);
    });
  }
  threads.clear();
  return out;
}

// Each process's result (empty when none), as JSON; options_of(rank) gives
// a process its options.
template <class OptionsOf>
std::vector<std::string> across(const Scenario& scenario, int processes,
                                const OptionsOf& options_of) {
  return in_processes(processes, [&](const ProcessGroup& group, int rank) {
    const auto result = simulate_across(scenario, options_of(rank), group);
    return result ? reports::simulation_json(scenario, *result).dump(1) : std::string();
  });
}

// A comparison's JSON and its exact tally, which holds what the JSON does
// not (its runs counted short, say).
std::string comparison_text(const Comparison& c) {
  return reports::compare_json(c).dump(1) + tally_body(c);
}

// Each process's comparison (empty when none), as comparison_text.
template <class OptionsOf>
std::vector<std::string> compared_across(std::span<const Variant> variants, int processes,
                                         const OptionsOf& options_of) {
  return in_processes(processes, [&](const ProcessGroup& group, int rank) {
    const auto result = compare_across(variants, options_of(rank), group);
    return result ? comparison_text(*result) : std::string();
  });
}

TEST(ShareOfRuns, TilesTheRunsTheFirstProcessesTakingOneMore) {
  // 10 runs from 5 over 3 processes: 4, 3 and 3.
  EXPECT_EQ(share_of_runs(5, 15, 0, 3), (RunRange{5, 9}));
  EXPECT_EQ(share_of_runs(5, 15, 1, 3), (RunRange{9, 12}));
  EXPECT_EQ(share_of_runs(5, 15, 2, 3), (RunRange{12, 15}));
  // More processes than runs: the last ones make none.
  EXPECT_EQ(share_of_runs(0, 2, 3, 4), (RunRange{2, 2}));
}

TEST(SimulateAcross, EveryProcessGetsWhatOneProcessGives) {
  const auto scenario = scenario_fixture("tally/fixtures/random.yaml");
  MonteCarloOptions options;
  options.runs = 1001;
  options.seed = 4;
  const std::string one = reports::simulation_json(*scenario, simulate(*scenario, options)).dump(1);
  for (const int processes : {1, 2, 3}) {
    for (const std::string& json : across(*scenario, processes, [&](int) { return options; }))
      EXPECT_EQ(json, one) << processes << " processes";
  }
}

// random.yaml's user-hours spread widely, so a 3% target takes a few rounds
// of 4096 runs: the processes must stop after the same one.
TEST(SimulateAcross, StopsOnTheConfidenceTargetAtTheRunOneProcessWould) {
  const auto scenario = scenario_fixture("tally/fixtures/random.yaml");
  MonteCarloOptions options;
  options.runs = 100'000;
  options.until_ci = 0.01;
  const MonteCarloResult one = simulate(*scenario, options);
  ASSERT_TRUE(one.reached_ci_target && *one.reached_ci_target);
  ASSERT_GT(one.runs, kRunsPerCheck);
  ASSERT_LT(one.runs, options.runs);
  const std::string expected = reports::simulation_json(*scenario, one).dump(1);
  for (const std::string& json : across(*scenario, 2, [&](int) { return options; }))
    EXPECT_EQ(json, expected);
}

TEST(SimulateAcross, AProcessStoppedLeavesNoResultAnywhere) {
  const auto scenario = scenario_fixture("tally/fixtures/random.yaml");
  const std::atomic<bool> stopped{true};
  const auto json = across(*scenario, 2, [&](int rank) {
    MonteCarloOptions options;
    options.runs = 500;
    options.stop = rank == 1 ? &stopped : nullptr;
    return options;
  });
  EXPECT_EQ(json, (std::vector<std::string>{"", ""}));
}

TEST(CompareAcross, EveryProcessGetsWhatOneProcessGives) {
  const std::vector<Variant> variants = testing::random_under_two_strategies();
  CompareOptions options;
  options.runs = 601;
  options.seed = 4;
  const Comparison one = compare(variants, options);
  ASSERT_GT(one.counted_short[0].ended_ms.count(), 0u);
  const std::string expected = comparison_text(one);
  for (const int processes : {1, 2, 3}) {
    for (const std::string& text :
         compared_across(variants, processes, [&](int) { return options; }))
      EXPECT_EQ(text, expected) << processes << " processes";
  }
  // A shard of the study, over two processes, is that shard.
  options.first_run = 100;
  options.runs = 201;
  for (const std::string& text : compared_across(variants, 2, [&](int) { return options; }))
    EXPECT_EQ(text, comparison_text(compare(variants, options)));
}

// Two runs over three processes: the last makes none, and adds nothing.
TEST(CompareAcross, AProcessWithoutRunsAddsNothing) {
  const std::vector<Variant> variants = testing::random_under_two_strategies();
  CompareOptions options;
  options.runs = 2;
  const std::string expected = comparison_text(compare(variants, options));
  for (const std::string& text : compared_across(variants, 3, [&](int) { return options; }))
    EXPECT_EQ(text, expected);
}

TEST(CompareAcross, AProcessStoppedLeavesNoResultAnywhere) {
  const std::vector<Variant> variants = testing::random_under_two_strategies();
  const std::atomic<bool> stopped{true};
  const auto texts = compared_across(variants, 2, [&](int rank) {
    CompareOptions options;
    options.runs = 300;
    options.stop = rank == 1 ? &stopped : nullptr;
    return options;
  });
  EXPECT_EQ(texts, (std::vector<std::string>{"", ""}));
}

TEST(CompareAcross, RowsPerRunAreRefused) {
  const std::vector<Variant> variants = testing::random_under_two_strategies();
  CompareOptions options;
  options.runs = 10;
  options.on_run = [](const ComparedRun&) {};
  Meeting meeting(1);
  const ThreadGroup group(meeting, 0);
  EXPECT_THROW(compare_across(variants, options, group), std::invalid_argument);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
