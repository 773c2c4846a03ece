// Restoration strategies on fixtures whose best order is worked out by hand.

#include "faultline/strategy.hpp"

#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/optimize.hpp"
#include "faultline/replay.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::shared_ptr<const Scenario> with_strategy(const std::string& name, StrategyKind strategy) {
  const auto load = load_scenario(testing::test_path("runbook/fixtures/" + name));
  if (!load.scenario)
    throw std::runtime_error(load.diagnostics.to_text());
  auto chosen = std::make_shared<Scenario>(*load.scenario);
  chosen->strategy = strategy;
  return chosen;
}

// Step ids in the order they started.
std::vector<std::string> start_order(const Scenario& scenario, const RunResult& r) {
  std::vector<std::pair<SimTime, std::uint32_t>> started;
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s)
    started.emplace_back(*r.steps[s].started, s);
  std::sort(started.begin(), started.end());
  std::vector<std::string> ids;
  for (const auto& [at, s] : started)
    ids.push_back(scenario.steps[s].id);
  return ids;
}

std::vector<std::string> ids(const Scenario& scenario, const std::vector<StepId>& steps) {
  std::vector<std::string> out;
  for (const StepId s : steps)
    out.push_back(scenario.steps[s.value].id);
  return out;
}

struct Outcome {
  std::vector<std::string> order;
  double user_hours = 0;
};

Outcome run(const std::string& fixture, StrategyKind strategy) {
  const auto scenario = with_strategy(fixture, strategy);
  const RunResult r = replay(*scenario);
  return {start_order(*scenario, r), r.overall.lost.in_user_hours()};
}

// One engineer, three jobs: a 3h for 400 users, b 2h for 1000, c 1h for 150.
// User-hours of every order (each group waits until its job ends):
//   a b c 1200 + 5000 + 900 = 7100     b a c 2000 + 2000 + 900 = 4900
//   a c b 1200 +  600 + 6000 = 7800    b c a 2000 +  450 + 2400 = 4850
//   c a b  150 + 1600 + 6000 = 7750    c b a  150 + 3000 + 2400 = 5550
// Smith's rule (users per hour: b 500, c 150, a 133) gives the best, b c a.
TEST(Strategy, EachOrdersThreeJobsAsItsRuleSays) {
  const auto as_written = run("three_jobs.yaml", StrategyKind::as_written);
  EXPECT_EQ(as_written.order, (std::vector<std::string>{"fix-a", "fix-b", "fix-c"}));
  EXPECT_DOUBLE_EQ(as_written.user_hours, 7100);

  const auto most_users = run("three_jobs.yaml", StrategyKind::most_users_first);
  EXPECT_EQ(most_users.order, (std::vector<std::string>{"fix-b", "fix-a", "fix-c"}));
  EXPECT_DOUBLE_EQ(most_users.user_hours, 4900);

  const auto shortest = run("three_jobs.yaml", StrategyKind::shortest_first);
  EXPECT_EQ(shortest.order, (std::vector<std::string>{"fix-c", "fix-b", "fix-a"}));
  EXPECT_DOUBLE_EQ(shortest.user_hours, 5550);

  const auto smith = run("three_jobs.yaml", StrategyKind::weighted_shortest_first);
  EXPECT_EQ(smith.order, (std::vector<std::string>{"fix-b", "fix-c", "fix-a"}));
  EXPECT_DOUBLE_EQ(smith.user_hours, 4850) << "the best of all six orders";
}

// app (100 users) needs db (50 users). Restoring app first helps nobody
// until db is back at 2h: 150 x 2 = 300 user-hours. db first brings its 50
// back at 1h: 50 + 200 = 250.
TEST(Strategy, DependencyOrderRestoresWhatOthersNeedFirst) {
  const auto as_written = run("layered.yaml", StrategyKind::as_written);
  EXPECT_EQ(as_written.order, (std::vector<std::string>{"fix-app", "fix-db"}));
  EXPECT_DOUBLE_EQ(as_written.user_hours, 300);
  const auto layered = run("layered.yaml", StrategyKind::dependency_order);
  EXPECT_EQ(layered.order, (std::vector<std::string>{"fix-db", "fix-app"}));
  EXPECT_DOUBLE_EQ(layered.user_hours, 250);
}

// Worked out in tied_layers.yaml: cache and db are one layer, and keep the
// runbook's order, not the topology's (found by a helper).
TEST(Strategy, DependencyOrderKeepsRunbookOrderWithinALayer) {
  const auto layered = run("tied_layers.yaml", StrategyKind::dependency_order);
  EXPECT_EQ(layered.order, (std::vector<std::string>{"fix-cache", "fix-db", "fix-app"}));
  EXPECT_DOUBLE_EQ(layered.user_hours, 410);
}

// y (2h) then x (1h) opens x-follow-up (4h) only at 3h: done at 7h. The
// critical path starts x first (1h + 4h remaining against y's 2h): x-follow-up
// runs from 1h to 5h beside y, and everything is done at 5h.
TEST(Strategy, CriticalPathStartsTheLongestRemainingChainFirst) {
  const auto as_written = with_strategy("long_tail.yaml", StrategyKind::as_written);
  EXPECT_EQ(replay(*as_written).end, SimTime{} + Duration::hours(7));
  const auto critical = with_strategy("long_tail.yaml", StrategyKind::critical_path);
  const RunResult r = replay(*critical);
  EXPECT_EQ(start_order(*critical, r), (std::vector<std::string>{"x", "y", "x-follow-up"}));
  EXPECT_EQ(r.end, SimTime{} + Duration::hours(5));
  EXPECT_EQ(ids(*critical, critical_path(*critical, r)),
            (std::vector<std::string>{"x", "x-follow-up"}));
  EXPECT_EQ(ids(*as_written, critical_path(*as_written, replay(*as_written))),
            (std::vector<std::string>{"y", "x", "x-follow-up"}))
      << "x waited for y to free the engineer";
}

TEST(Strategy, TheCriticalityIndexIsTheShareOfRunsOnTheCriticalPath) {
  const auto scenario = with_strategy("race.yaml", StrategyKind::as_written);
  MonteCarloOptions options;
  options.runs = 2000;
  const MonteCarloResult r = simulate(*scenario, options);
  // Half the runs each; the standard error is sqrt(1/4/2000) = 0.011.
  const double p = static_cast<double>(r.steps[0].runs_critical) / 2000;
  EXPECT_NEAR(p, 0.5, 4 * 0.011);
  EXPECT_EQ(r.steps[0].runs_critical + r.steps[1].runs_critical, 2000u);
}

// tied_ends.yaml, worked in its comments: two steps end at the same
// instant, each on a critical path of its own; Monte Carlo counted only the
// first critical, and its summary named it the one to speed up (found by a
// helper).
TEST(Strategy, StepsThatTieForLastAreEachCritical) {
  const auto scenario = with_strategy("tied_ends.yaml", StrategyKind::as_written);
  const RunResult replayed = replay(*scenario);
  EXPECT_DOUBLE_EQ(replayed.overall.lost.in_user_hours(), 2800);
  const auto paths = critical_paths(*scenario, replayed);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(ids(*scenario, paths[0]), (std::vector<std::string>{"fix-a"}));
  EXPECT_EQ(ids(*scenario, paths[1]), (std::vector<std::string>{"fix-b"}));
  EXPECT_EQ(critical_path(*scenario, replayed), paths[0]);
  MonteCarloOptions options;
  options.runs = 20;
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_EQ(r.steps[0].runs_critical, 20u);
  EXPECT_EQ(r.steps[1].runs_critical, 20u);
  EXPECT_EQ(r.steps[1].critical_ms.mean(), static_cast<double>(Duration::hours(2).ms));
  EXPECT_EQ(steps_to_speed_up_first(r), (std::vector<StepId>{StepId{0}, StepId{1}}));
}

// Found by a helper: a step on the path that gave up counted as lasting to
// the run's end, so fix-db read 6.4h where every run spends 2h on it
// (semantics/gave_up_last.yaml: done or given up at 2h, under a 10h
// horizon), and announce, never on the path, read as what to speed up.
TEST(Strategy, AStepThatGaveUpSpendsOnThePathTheTimeItTook) {
  auto scenario = std::make_shared<Scenario>(
      *testing::scenario_fixture("runbook/fixtures/semantics/gave_up_last.yaml"));
  scenario->horizon = SimTime{} + Duration::hours(10);
  MonteCarloOptions options;
  options.runs = 200;
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_GT(r.steps[1].runs_failed, 100u);
  EXPECT_EQ(r.steps[0].runs_critical, 0u);
  EXPECT_EQ(r.steps[1].runs_critical, 200u);
  EXPECT_EQ(r.steps[1].critical_ms.mean(), static_cast<double>(Duration::hours(2).ms));
  EXPECT_EQ(steps_to_speed_up_first(r), std::vector<StepId>{StepId{1}});
}

TEST(Strategy, TheStepToSpeedUpFirstAddsTheMostTimeToTheCriticalPath) {
  const auto scenario = with_strategy("speed_up.yaml", StrategyKind::as_written);
  MonteCarloOptions options;
  options.runs = 50;
  const MonteCarloResult r = simulate(*scenario, options);
  EXPECT_EQ(r.steps[0].runs_critical, 50U);
  EXPECT_EQ(r.steps[1].runs_critical, 50U) << "a tie at 100% criticality";
  EXPECT_EQ(r.steps[0].critical_ms.mean(), static_cast<double>(Duration::minutes(20).ms));
  EXPECT_EQ(r.steps[1].critical_ms.mean(), static_cast<double>(Duration::hours(3).ms));
  EXPECT_EQ(steps_to_speed_up_first(r), std::vector<StepId>{StepId{1}})
      << "the 3-hour fix, not the 20-minute triage";
}

TEST(Strategy, UsersRestoredCountTheGroupsOfEveryServiceThatHardDependsOnTheStep) {
  const auto scenario = with_strategy("layered.yaml", StrategyKind::as_written);
  EXPECT_EQ(users_restored_by(*scenario, StepId{0}), UserCount{100}) << "app: its staff";
  EXPECT_EQ(users_restored_by(*scenario, StepId{1}), UserCount{150}) << "db: analysts and staff";
}

TEST(Strategy, NamesReadBackAndTheScenarioRejectsAnUnknownOne) {
  for (const StrategyKind k : strategies())
    EXPECT_EQ(parse_strategy(to_string(k)), k);
  EXPECT_FALSE(parse_strategy("fastest"));
  const auto load = load_scenario(testing::test_path("runbook/fixtures/bad_strategy.yaml"));
  EXPECT_FALSE(load.scenario);
  EXPECT_TRUE(testing::has_error(load.diagnostics, 5, 11,
                                 "unknown strategy 'shortest-job-first' (did you mean "
                                 "'shortest-first'?)"));
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline

namespace faultline {
namespace FAULTLINE_TEST_FILE {

double user_hours_of(const Scenario& scenario, const std::vector<StepId>& order) {
  return replay(*with_priority(scenario, order)).overall.lost.in_user_hours();
}

// Every order of the six jobs, replayed: the optimum by exhaustion.
double best_by_exhaustion(const Scenario& scenario) {
  std::vector<StepId> order;
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s)
    order.push_back(StepId{s});
  double best = std::numeric_limits<double>::infinity();
  do {
    best = std::min(best, user_hours_of(scenario, order));
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

TEST(Optimize, FindsTheBestOrderOfSixJobsThatNoRuleFinds) {
  const auto scenario = with_strategy("six_jobs.yaml", StrategyKind::as_written);
  const double best = best_by_exhaustion(*scenario);
  EXPECT_DOUBLE_EQ(best, 21300) << "p q r s w t, as the fixture's comment works out";
  for (const StrategyKind k : heuristic_strategies()) {
    const auto ruled = with_strategy("six_jobs.yaml", k);
    EXPECT_GT(replay(*ruled).overall.lost.in_user_hours(), best) << to_string(k);
  }
  OptimizeOptions options;
  options.runs = 8;
  options.evaluations = 200;
  const OptimizedPriority found = optimize_priority(*scenario, options);
  const auto optimized = with_priority(*scenario, found.order);
  EXPECT_EQ(start_order(*optimized, replay(*optimized)),
            (std::vector<std::string>{"fix-p", "fix-q", "fix-r", "fix-s", "fix-w", "fix-t"}));
  EXPECT_DOUBLE_EQ(found.search_user_hours, best);
  EXPECT_DOUBLE_EQ(user_hours_of(*scenario, found.order), best);
  // Most users first, the best rule: s r w p q t, 600 x 2h + 500 x 3h +
  // 200 x 5h + 100 x 8h + 3000 x 9h + 50 x 10h = 32,000. Dependency order
  // used to read 21,400, from p listed first in the topology: these six
  // services are one layer, which it leaves in runbook order (34,600).
  EXPECT_EQ(found.started_from, StrategyKind::most_users_first);
  EXPECT_DOUBLE_EQ(found.start_user_hours, 32000);
  EXPECT_LE(found.evaluations, options.evaluations);
  EXPECT_EQ(found.runs, 8u);
}

// Results name the strategy asked for: an order the search found says
// optimize; the same scenario put under another strategy keeps no search.
TEST(Optimize, AnOrderFoundBySearchKeepsTheSearch) {
  const auto scenario = with_strategy("six_jobs.yaml", StrategyKind::optimize);
  OptimizeOptions options;
  options.runs = 4;
  options.evaluations = 20;
  const auto found =
      std::make_shared<const OptimizedPriority>(optimize_priority(*scenario, options));
  const auto optimized = with_priority(*scenario, found->order, found);
  EXPECT_EQ(optimized->strategy, StrategyKind::priority);
  EXPECT_EQ(optimized->priority_search, found);
  EXPECT_EQ(strategy_asked(*optimized), StrategyKind::optimize);
  EXPECT_EQ(strategy_asked(*with_priority(*scenario, found->order)), StrategyKind::priority);
  const auto ruled = under_strategy(*optimized, StrategyKind::critical_path);
  EXPECT_EQ(ruled->priority_search, nullptr);
  EXPECT_EQ(strategy_asked(*ruled), StrategyKind::critical_path);
}

TEST(Optimize, TheSearchIsTheSameWhateverTheThreadCount) {
  const auto scenario = with_strategy("three_jobs_uncertain.yaml", StrategyKind::as_written);
  OptimizeOptions options;
  options.runs = 100;
  options.evaluations = 30;
  const OptimizedPriority one = optimize_priority(*scenario, options);
  options.threads = 3;
  const OptimizedPriority three = optimize_priority(*scenario, options);
  EXPECT_EQ(one.order, three.order);
  EXPECT_EQ(one.search_user_hours, three.search_user_hours);
  EXPECT_EQ(one.evaluations, three.evaluations);
}

// equal_ratios.yaml: no order is better than another, so what the search
// finds on its runs is chance. The order found is kept only where it also
// loses less on the check's runs; elsewhere the start's is given. Over a
// dozen seeds both happen (each with a chance of about a half).
TEST(Optimize, KeepsTheOrderFoundOnlyWhereTheCheckConfirmsIt) {
  const auto scenario = with_strategy("equal_ratios.yaml", StrategyKind::as_written);
  OptimizeOptions options;
  options.runs = 20;
  options.evaluations = 12;
  int kept_start = 0;
  int kept_found = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    options.seed = seed;
    const OptimizedPriority found = optimize_priority(*scenario, options);
    if (!found.check_user_hours) {
      EXPECT_TRUE(found.kept_start) << "the search found nothing but its start";
      continue;
    }
    ASSERT_TRUE(found.check_start_user_hours);
    EXPECT_EQ(found.kept_start, *found.check_user_hours >= *found.check_start_user_hours);
    const auto start = with_strategy("equal_ratios.yaml", found.started_from);
    const auto given = with_priority(*scenario, found.order);
    const bool is_start =
        start_order(*given, replay(*given)) == start_order(*start, replay(*start));
    EXPECT_EQ(is_start, found.kept_start) << "seed " << seed;
    (found.kept_start ? kept_start : kept_found) += 1;
  }
  EXPECT_GT(kept_start, 0);
  EXPECT_GT(kept_found, 0);
}

// three_jobs.yaml: Smith's rule, the best rule, is the best of all six
// orders (4,850), so the search finds nothing better and keeps it without
// a check (found by a helper: kept_start read false).
TEST(Optimize, AStartNoOrderBeatsIsKept) {
  const auto scenario = with_strategy("three_jobs.yaml", StrategyKind::as_written);
  OptimizeOptions options;
  options.runs = 4;
  options.evaluations = 20;
  const OptimizedPriority found = optimize_priority(*scenario, options);
  EXPECT_EQ(found.started_from, StrategyKind::weighted_shortest_first);
  EXPECT_DOUBLE_EQ(found.start_user_hours, 4850);
  EXPECT_DOUBLE_EQ(found.search_user_hours, 4850);
  EXPECT_FALSE(found.check_user_hours);
  EXPECT_TRUE(found.kept_start);
}

TEST(Optimize, TheOptimizeStrategyMustBeResolvedBeforeARun) {
  const auto scenario = with_strategy("three_jobs.yaml", StrategyKind::optimize);
  EXPECT_THROW(replay(*scenario), std::invalid_argument);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
