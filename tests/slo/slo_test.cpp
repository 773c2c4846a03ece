// Error budgets: OpenSLO files read with located errors, and the budgets a
// run spends against the answers worked out by hand in the fixtures'
// comments (fixtures/slos.yaml, fixtures/random.yaml).

#include "faultline/slo.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.hpp"
#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/statistics.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::has_error;

std::vector<Slo> store_slos() {
  SloLoad load = load_slos(testing::test_path("slo/fixtures/slos.yaml"));
  EXPECT_FALSE(load.diagnostics.has_errors()) << load.diagnostics.to_text();
  return load.slos;
}

TEST(OpenSlo, ReadsEverySloAndPassesOverOtherKinds) {
  const std::vector<Slo> slos = store_slos();
  ASSERT_EQ(slos.size(), 4u);  // the SLI between them is not an SLO
  EXPECT_EQ(slos[0].name, "db-availability");
  EXPECT_EQ(slos[0].display_name, "Database availability");
  EXPECT_EQ(slos[0].service, "db");
  EXPECT_EQ(slos[0].window, Duration::days(28));  // 4w
  EXPECT_EQ(slos[0].method, BudgetingMethod::occurrences);
  ASSERT_EQ(slos[0].objectives.size(), 2u);
  EXPECT_EQ(slos[0].objectives[0].name, "three nines");
  EXPECT_DOUBLE_EQ(slos[0].objectives[0].target, 0.999);
  EXPECT_DOUBLE_EQ(slos[0].objectives[1].target, 0.99);  // targetPercent: 99
  EXPECT_EQ(slos[1].method, BudgetingMethod::timeslices);
  EXPECT_EQ(slos[1].objectives[0].name, "objective 1");
  EXPECT_EQ(slos[1].objectives[0].time_slice_window, Duration::hours(1));
  EXPECT_DOUBLE_EQ(*slos[1].objectives[0].time_slice_target, 0.9);
  EXPECT_EQ(slos[2].method, BudgetingMethod::ratio_timeslices);
  EXPECT_EQ(slos[2].objectives[0].time_slice_window, Duration::hours(1));  // 60: minutes
  EXPECT_EQ(slos[3].window, Duration::days(7));
}

Diagnostics bad(const std::string& name) {
  return load_slos(testing::test_path("slo/fixtures/bad/" + name + ".yaml")).diagnostics;
}

TEST(OpenSlo, RefusesWhatItCannotJudgeSayingWhere) {
  EXPECT_TRUE(has_error(bad("typo"), 7, 3, "did you mean 'budgetingMethod'?"));
  EXPECT_TRUE(has_error(bad("method"), 7, 20, "did you mean 'Occurrences'?"));
  EXPECT_TRUE(has_error(bad("calendar"), 7, 7, "calendar-aligned windows are not judged"));
  EXPECT_TRUE(has_error(bad("months"), 6, 27, "months, quarters or years"));
  EXPECT_TRUE(has_error(bad("version"), 1, 13, "expected openslo/v1"));
  EXPECT_TRUE(has_error(bad("long"), 6, 27, "a window of at most 366d (a year)"));
  EXPECT_TRUE(has_error(bad("names"), 11, 7, "a second objective named 'objective 1'"));
  EXPECT_TRUE(has_error(bad("empty_name"), 8, 44, "displayName is empty; give it as text"));
  EXPECT_EQ(bad("empty_name").error_count(), 1u);
  // A misspelt metadata is said once, where it is, and nothing at 0:0.
  const Diagnostics misspelt = bad("no_metadata");
  EXPECT_TRUE(has_error(misspelt, 3, 1, "did you mean 'metadata'?"));
  EXPECT_EQ(misspelt.error_count(), 1u);
  EXPECT_TRUE(has_error(bad("none"), 1, 1, "no SLO here"));
  EXPECT_TRUE(has_error(bad("slice"), 8, 16, "the time slice (2h) is longer than the window"));
  EXPECT_TRUE(has_error(bad("duplicate"), 10, 1, "a second SLO named 'web-availability'"));
  const Diagnostics targets = bad("targets");
  EXPECT_TRUE(has_error(targets, 10, 16, "a target must be below 1"));
  EXPECT_TRUE(has_error(targets, 11, 7, "either target"));
  EXPECT_TRUE(has_error(targets, 12, 7, "missing the required key 'timeSliceTarget'"));
  EXPECT_TRUE(has_error(targets, 13, 24, "'value' belongs to threshold or composite objectives"));
  EXPECT_TRUE(has_error(targets, 14, 12, "op 'lt' makes a lower indicator better"));
  EXPECT_EQ(targets.error_count(), 5u);
}

TEST(OpenSlo, AServiceTheTopologyLacksIsNamedWithTheClosest) {
  const SloLoad load = load_slos(testing::test_path("slo/fixtures/bad/unknown_service.yaml"));
  ASSERT_FALSE(load.diagnostics.has_errors());
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  EXPECT_TRUE(has_error(check_slo_services(load.slos, *scenario->topology), 5, 12,
                        "service 'webb', which topology 'Store' does not have (did you mean "
                        "'web'?)"));
  EXPECT_THROW(SloMeter(*scenario, load.slos), std::invalid_argument);
  // Checked against two variants on one topology: said once, and no SLOs.
  const Topology* store = scenario->topology.get();
  const std::vector<const Topology*> variants{store, store};
  const SloLoad checked =
      load_slos(testing::test_path("slo/fixtures/bad/unknown_service.yaml"), variants);
  EXPECT_EQ(checked.diagnostics.error_count(), 1u);
  EXPECT_TRUE(checked.slos.empty());
  const SloLoad good = load_slos(testing::test_path("slo/fixtures/slos.yaml"), variants);
  EXPECT_FALSE(good.diagnostics.has_errors());
  EXPECT_EQ(good.slos.size(), 4u);
}

TEST(Replay, RecordsEachChangeOfAServicesShareServed) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  const RunResult run = replay(*scenario);
  const ServiceId db = *scenario->topology->find_service("db");
  const ServiceId web = *scenario->topology->find_service("web");
  std::vector<std::tuple<Duration, ServiceId, double>> seen;
  for (const ServedChange& c : run.served_changes)
    seen.emplace_back(c.at.since_t0(), c.service, c.served_fraction);
  const auto at = [](int minutes) { return Duration::minutes(minutes); };
  EXPECT_EQ(seen, (std::vector<std::tuple<Duration, ServiceId, double>>{{at(0), db, 0.0},
                                                                        {at(0), web, 0.0},
                                                                        {at(120), db, 1.0},
                                                                        {at(120), web, 1.0},
                                                                        {at(210), web, 0.25},
                                                                        {at(270), web, 1.0}}));
}

// The figures of fixtures/slos.yaml's comments, to the rounding of
// (1 - target) in binary.
TEST(SloMeter, SpendsTheBudgetsWorkedOutByHand) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  const SloMeter meter(*scenario, store_slos());
  const std::vector<SloBurn> burns = meter.burn(replay(*scenario));
  ASSERT_EQ(burns.size(), 4u);
  const ObjectiveBurn& three_nines = burns[0].objectives[0];
  EXPECT_NEAR(three_nines.budget, 2'903'040.0, 1e-9 * 2'903'040.0);
  EXPECT_NEAR(three_nines.spent, 8'640'000.0, 1e-9 * 8'640'000.0);
  EXPECT_NEAR(three_nines.consumed(), 2.9762, 1e-4);
  EXPECT_TRUE(three_nines.exhausted());
  const ObjectiveBurn& two_nines = burns[0].objectives[1];
  EXPECT_NEAR(two_nines.budget, 29'030'400.0, 1e-9 * 29'030'400.0);
  EXPECT_NEAR(two_nines.consumed(), 0.29762, 1e-5);
  EXPECT_FALSE(two_nines.exhausted());
  const ObjectiveBurn& hours = burns[1].objectives[0];
  EXPECT_NEAR(hours.budget, 2.4, 1e-9 * 2.4);
  EXPECT_NEAR(hours.spent, 4.0, 1e-9 * 4.0);
  EXPECT_TRUE(hours.exhausted());
  const ObjectiveBurn& ratio = burns[2].objectives[0];
  EXPECT_NEAR(ratio.budget, 1.2, 1e-9 * 1.2);
  EXPECT_NEAR(ratio.spent, 2.75, 1e-9 * 2.75);
  const ObjectiveBurn& weekly = burns[3].objectives[0];
  EXPECT_NEAR(weekly.budget, 6'048'000.0, 1e-9 * 6'048'000.0);
  EXPECT_NEAR(weekly.spent, 9'900'000.0, 1e-9 * 9'900'000.0);
  for (const SloBurn& b : burns)
    EXPECT_FALSE(b.run_outlasts_window);
}

TEST(SloMeter, CountsNothingPastTheWindowAndSaysSo) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  std::vector<Slo> slos = store_slos();
  // A 1h window over db's 2h outage: 1,200 x 3,600 s in it, all bad.
  slos[0].window = Duration::hours(1);
  const SloBurn burn = SloMeter(*scenario, {slos[0]}).burn(replay(*scenario))[0];
  EXPECT_TRUE(burn.run_outlasts_window);
  EXPECT_DOUBLE_EQ(burn.objectives[0].spent, 1200.0 * 3600);
  EXPECT_NEAR(burn.objectives[0].budget, 0.001 * 1200 * 3600, 1e-6);
}

TEST(SloMeter, SaysWhenTheRunEndsWithTheServiceStillShort) {
  auto scenario =
      std::make_shared<Scenario>(*testing::scenario_fixture("slo/fixtures/outage.yaml"));
  scenario->horizon = SimTime{} + Duration::hours(1);  // db is down until 2h
  const std::vector<SloBurn> burns = SloMeter(*scenario, store_slos()).burn(replay(*scenario));
  EXPECT_TRUE(burns[0].short_at_end);
  EXPECT_FALSE(burns[0].run_outlasts_window);
  EXPECT_NEAR(burns[0].objectives[0].spent, 1200.0 * 3600, 1e-6);
  // Without the horizon db is back by the end.
  scenario->horizon.reset();
  EXPECT_FALSE(SloMeter(*scenario, store_slos()).burn(replay(*scenario))[0].short_at_end);
}

// Found by a helper: a tenant out spent nothing of any budget, so a mass
// deletion of customers passed --require-slos. The figures of
// fixtures/tenant_slos.yaml's comments.
TEST(SloMeter, UsersOfTenantsOutAreBadEventsOfEveryServiceTheyReach) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/tenant_outage.yaml");
  SloLoad load = load_slos(testing::test_path("slo/fixtures/tenant_slos.yaml"));
  ASSERT_FALSE(load.diagnostics.has_errors()) << load.diagnostics.to_text();
  const SloMeter meter(*scenario, load.slos);
  const RunResult run = replay(*scenario);
  const std::vector<SloBurn> burns = meter.burn(run);
  ASSERT_EQ(burns.size(), 3u);
  EXPECT_NEAR(burns[0].objectives[0].budget, 864'000.0, 1e-6);
  EXPECT_NEAR(burns[0].objectives[0].spent, 8'100'000.0, 1e-6);
  // As the users cut off count them: 2,250 user-hours.
  EXPECT_NEAR(burns[0].objectives[0].spent, run.overall.lost.in_user_hours() * 3600, 1e-6);
  EXPECT_NEAR(burns[1].objectives[0].budget, 1'036'800.0, 1e-6);
  EXPECT_NEAR(burns[1].objectives[0].spent, 4'320'000.0, 1e-6);
  EXPECT_NEAR(burns[2].objectives[0].spent, 3.0, 1e-9);
  for (const SloBurn& b : burns)
    EXPECT_FALSE(b.short_at_end);
}

// With big still out at the horizon, the run ends short of every service
// its shoppers reach, though each serves everything.
TEST(SloMeter, SaysWhenTheRunEndsWithTenantsOut) {
  auto scenario =
      std::make_shared<Scenario>(*testing::scenario_fixture("slo/fixtures/tenant_outage.yaml"));
  scenario->faults.pop_back();
  scenario->horizon = SimTime{} + Duration::hours(1);
  SloLoad load = load_slos(testing::test_path("slo/fixtures/tenant_slos.yaml"));
  const std::vector<SloBurn> burns = SloMeter(*scenario, load.slos).burn(replay(*scenario));
  EXPECT_TRUE(burns[0].short_at_end);
  EXPECT_TRUE(burns[1].short_at_end);
  EXPECT_NEAR(burns[0].objectives[0].spent, 600.0 * 3600, 1e-6);
}

// At network fidelity the tenants' users still send their requests, which
// are served; of those, the share their users are of web's active users
// is bad (0.6 while big is out). web's requests come from the shoppers
// alone at a steady rate, so it spends what the state run does, 937.5%.
TEST(SloMeter, NetworkFidelityCountsTheRequestsOfTenantsOut) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/tenant_outage.yaml");
  SloLoad load = load_slos(testing::test_path("slo/fixtures/tenant_slos.yaml"));
  const NetworkRunResult run = replay_network(*scenario);
  const SloMeter meter(*scenario, load.slos, NetworkOptions{});
  const std::vector<SloBurn> burns = meter.burn(run.run, run.requests);
  EXPECT_NEAR(burns[0].objectives[0].consumed(), 9.375, 1e-3);
  EXPECT_GT(burns[1].objectives[0].spent, 0);
  EXPECT_NEAR(burns[2].objectives[0].spent, 3.0, 1e-9);
}

TEST(Statistics, WilsonIntervalMatchesItsClosedForms) {
  const double z2 = 1.959963984540054 * 1.959963984540054;
  const ProportionInterval none = wilson_interval(0, 10);
  EXPECT_DOUBLE_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, (z2 / 10) / (1 + z2 / 10), 1e-12);  // 0.27753
  const ProportionInterval all = wilson_interval(1000, 1000);
  EXPECT_NEAR(all.low, 1 / (1 + z2 / 1000), 1e-12);  // 0.99617
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  const ProportionInterval half = wilson_interval(5, 10);  // Newcombe (1998): 0.2366 to 0.7634
  EXPECT_NEAR(half.low, 0.2366, 5e-5);
  EXPECT_NEAR(half.high, 0.7634, 5e-5);
  const ProportionInterval nothing = wilson_interval(0, 0);
  EXPECT_EQ(nothing.low, 0.0);
  EXPECT_EQ(nothing.high, 1.0);
}

// Runs without anything uncertain spend what the replay spends, every one.
TEST(MonteCarlo, IdenticalRunsSpendTheReplaysBudgets) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  MonteCarloOptions options;
  options.runs = 500;
  options.slos = store_slos();
  const MonteCarloResult result = simulate(*scenario, options);
  ASSERT_EQ(result.slo_statistics.size(), 4u);
  const ObjectiveStatistics& three_nines = result.slo_statistics[0].objectives[0];
  EXPECT_EQ(three_nines.runs_exhausted, 500u);
  EXPECT_EQ(three_nines.consumed_ppm.mean(), std::llround(8'640'000 / 2'903'040.0 * 1e6));
  const ObjectiveStatistics& two_nines = result.slo_statistics[0].objectives[1];
  EXPECT_EQ(two_nines.runs_exhausted, 0u);
  EXPECT_EQ(result.slo_statistics[2].objectives[0].consumed_ppm.mean(),
            std::llround(2.75 / 1.2 * 1e6));
}

// fixtures/random.yaml: the budget is exhausted when the repair takes 6.72h
// or more, with probability 0.0752197; and spends E[D] / 6.72h on average,
// E[D] = 2h x exp(sigma^2 / 2), 0.424525 of it.
TEST(MonteCarlo, ExhaustionMatchesTheLognormalsClosedForm) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/random.yaml");
  MonteCarloOptions options;
  options.runs = 20'000;
  options.threads = 2;
  options.slos = store_slos();
  const MonteCarloResult result = simulate(*scenario, options);
  const ObjectiveStatistics& two_nines = result.slo_statistics[0].objectives[1];
  const double share = static_cast<double>(two_nines.runs_exhausted) / 20'000;
  EXPECT_NEAR(share, 0.0752197, 4 * 0.001865);  // four standard errors
  const double sigma = 0.8428071;
  EXPECT_NEAR(two_nines.consumed_ppm.mean() / 1e6, 2 * std::exp(sigma * sigma / 2) / 6.72,
              4 * 0.00305);
  // Found in review: the worst run's share was shown as its histogram
  // bucket's middle (within 0.8%), which no run need have spent.
  const Accumulator& spent = two_nines.consumed_ppm;
  const double worst =
      reports::simulation_json(*scenario, result)["slos"][0]["objectives"][1]["consumed"]["max"];
  EXPECT_EQ(worst, static_cast<double>(spent.max()) / 1e6);
  EXPECT_NE(worst, spent.value_at_rank(spent.count()) / 1e6) << "the bucket's value differs";
  // The same with one thread, to the run.
  options.threads = 1;
  const MonteCarloResult one = simulate(*scenario, options);
  EXPECT_EQ(one.slo_statistics[0].objectives[1].runs_exhausted, two_nines.runs_exhausted);
  EXPECT_EQ(one.slo_statistics[0].objectives[1].consumed_ppm.sum(), two_nines.consumed_ppm.sum());
}

TEST(Compare, JudgesEveryVariantAgainstTheSameSlos) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/random.yaml");
  auto faster = std::make_shared<Scenario>(*scenario);
  faster->steps[0].methods[0].duration = Distribution::fixed(Duration::hours(1));
  CompareOptions options;
  options.runs = 300;
  options.slos = store_slos();
  const Comparison c =
      compare(std::vector<Variant>{{"uncertain", scenario}, {"1h", faster}}, options);
  ASSERT_EQ(c.slo_statistics.size(), 2u);
  // An hour's repair spends 1h / 6.72h of the two nines' budget, every run.
  EXPECT_EQ(c.slo_statistics[1][0].objectives[1].runs_exhausted, 0u);
  EXPECT_EQ(c.slo_statistics[1][0].objectives[1].consumed_ppm.mean(), std::llround(1e6 / 6.72));
  EXPECT_GT(c.slo_statistics[0][0].objectives[1].runs_exhausted, 0u);
}

TEST(SloMeter, NetworkSlicesMustBeWholeRequestWindows) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  NetworkOptions network;
  network.window = Duration::minutes(45);
  EXPECT_THROW(SloMeter(*scenario, store_slos(), network), std::invalid_argument);
  network.window = Duration::minutes(30);
  EXPECT_NO_THROW(SloMeter(*scenario, store_slos(), network));
}

// At network fidelity the budgets come from the requests: Occurrences
// spend the requests not served in time, and slices that serve nothing or
// a quarter are bad as at state fidelity.
TEST(SloMeter, NetworkFidelityCountsRequests) {
  const auto scenario = testing::scenario_fixture("slo/fixtures/outage.yaml");
  const NetworkRunResult run = replay_network(*scenario);
  const SloMeter meter(*scenario, store_slos(), NetworkOptions{});
  const std::vector<SloBurn> burns = meter.burn(run.run, run.requests);
  double failed = 0;
  for (const RequestWindow& w : run.requests.services[0])  // db
    failed += w.requests - w.served;
  EXPECT_GT(failed, 0);
  EXPECT_DOUBLE_EQ(burns[0].objectives[0].spent, failed);
  EXPECT_DOUBLE_EQ(burns[1].objectives[0].spent, 4.0);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
