// The exact Markov solution against textbook closed forms, and the Monte
// Carlo simulator against the exact solution, on six reference models.

#include "faultline/markov.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::test_path;

// The fixtures' common rates: MTTF 100 h, MTTR 10 h.
constexpr double kLambda = 1.0 / 100;
constexpr double kMu = 1.0 / 10;

double availability(double mttf, double mttr) {
  return mttf / (mttf + mttr);
}

std::shared_ptr<const Topology> fixture(const std::string& name) {
  const auto load = load_topology(test_path("markov/fixtures/" + name + ".yaml"));
  EXPECT_FALSE(load.diagnostics.has_errors()) << load.diagnostics.to_text();
  return load.topology;
}

MarkovResult solve(const std::shared_ptr<const Topology>& topology) {
  const auto solution = solve_markov(*topology);
  EXPECT_TRUE(solution.result) << solution.diagnostics.to_text();
  return solution.result.value_or(MarkovResult{});
}

double service_availability(const Topology& topology, const MarkovResult& r,
                            const std::string& id) {
  return r.service_availability[topology.find_service(id)->value];
}

// A steady-state study of the topology alone: no faults, no runbook.
Scenario steady_state(std::shared_ptr<const Topology> topology, Duration horizon) {
  const std::string file = topology->file();
  return Scenario{file,
                  "steady state",
                  "",
                  std::move(topology),
                  ScenarioClock(std::chrono::sys_seconds{}, ScenarioClock::find_zone("UTC")),
                  {},
                  {},
                  {},
                  {},
                  {},
                  SimTime{} + horizon,
                  StrategyKind::as_written,
                  {},
                  {},
                  nullptr};
}

// The simulator's estimate of the mean against the exact value. The headline
// figure of each model must lie in the 95% confidence interval, as a reader
// of `simulate` would use it; every other figure is held to 99.9% (z = 3.29),
// because with a dozen checks at 95% some would miss by chance alone while a
// real bias of the simulator would still show. Runs start with every unit up,
// which lowers downtime by q / (lambda + mu) per unit, under 0.1% here.
::testing::AssertionResult agrees(const Accumulator& estimate, double exact, double z) {
  const double half =
      z * estimate.standard_deviation() / std::sqrt(static_cast<double>(estimate.count()));
  if (std::abs(estimate.mean() - exact) <= half)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "estimate " << estimate.mean() << " +- " << half << " misses the exact " << exact;
}

constexpr double kZ95 = 1.959964;  // the interval `simulate` reports, to within t's correction
constexpr double kZ999 = 3.290527;

void expect_simulation_agrees(const std::shared_ptr<const Topology>& topology,
                              const MarkovResult& exact, const std::string& headline,
                              std::uint64_t seed) {
  const Duration horizon = Duration::days(730);
  const Scenario scenario = steady_state(topology, horizon);
  MonteCarloOptions options;
  options.runs = 400;
  options.threads = 2;
  options.seed = seed;
  const MonteCarloResult mc = simulate(scenario, options);
  const double horizon_ms = static_cast<double>(horizon.ms);
  for (std::size_t s = 0; s < topology->services().size(); ++s) {
    const std::string& id = topology->services()[s].id;
    const Accumulator& down = mc.services[s].downtime_ms;
    const double expected = (1 - exact.service_availability[s]) * horizon_ms;
    if (id == headline) {
      const Summary summary = down.summary();
      EXPECT_LE(*summary.ci_low, expected) << id;
      EXPECT_GE(*summary.ci_high, expected) << id;
    }
    EXPECT_TRUE(agrees(down, expected, id == headline ? kZ95 : kZ999)) << id;
  }
  const double horizon_s = horizon_ms / 1000;
  for (std::size_t g = 0; g < topology->user_groups().size(); ++g) {
    EXPECT_TRUE(agrees(mc.user_groups[g].user_seconds_lost,
                       exact.group_expected_active_affected[g] * horizon_s, kZ999))
        << topology->user_groups()[g].id;
  }
}

TEST(Markov, OneUnit) {
  const auto topology = fixture("one_unit");
  const MarkovResult r = solve(topology);
  EXPECT_EQ(r.states, 2.0);
  EXPECT_NEAR(service_availability(*topology, r, "app"), kMu / (kLambda + kMu), 1e-9);
  EXPECT_NEAR(r.group_expected_affected[0], 1000 * kLambda / (kLambda + kMu), 1e-9);
  expect_simulation_agrees(topology, r, "app", 1);
}

TEST(Markov, TwoInParallelWithIndependentRepair) {
  const auto topology = fixture("parallel_independent");
  const MarkovResult r = solve(topology);
  const double q = kLambda / (kLambda + kMu);
  EXPECT_EQ(r.states, 4.0);
  EXPECT_NEAR(service_availability(*topology, r, "app"), 1 - q * q, 1e-9);
  // Half the users are cut off with one unit down, all with both.
  EXPECT_NEAR(r.group_expected_affected[0], 1000 * (0.5 * 2 * q * (1 - q) + q * q), 1e-9);
  expect_simulation_agrees(topology, r, "app", 2);
}

TEST(Markov, TwoInParallelSharingOneRepairer) {
  const auto topology = fixture("parallel_shared_repair");
  const MarkovResult r = solve(topology);
  const double l = kLambda, m = kMu;
  EXPECT_EQ(r.states, 3.0);
  EXPECT_NEAR(service_availability(*topology, r, "app"),
              1 - 2 * l * l / (m * m + 2 * l * m + 2 * l * l), 1e-9);
  expect_simulation_agrees(topology, r, "app", 3);
}

TEST(Markov, TwoOfThreeQuorum) {
  const auto topology = fixture("two_of_three");
  const MarkovResult r = solve(topology);
  const double p = kMu / (kLambda + kMu);
  EXPECT_EQ(r.states, 8.0);
  EXPECT_NEAR(service_availability(*topology, r, "store"), p * p * p + 3 * p * p * (1 - p), 1e-9);
  expect_simulation_agrees(topology, r, "store", 4);
}

TEST(Markov, SeriesOfParallelPairs) {
  const auto topology = fixture("series_of_pairs");
  const MarkovResult r = solve(topology);
  const double q_front = 1 - availability(100, 10);
  const double q_back = 1 - availability(200, 40);
  EXPECT_NEAR(service_availability(*topology, r, "back"), 1 - q_back * q_back, 1e-9);
  EXPECT_NEAR(service_availability(*topology, r, "front"),
              (1 - q_front * q_front) * (1 - q_back * q_back), 1e-9);
  expect_simulation_agrees(topology, r, "front", 5);
}

TEST(Markov, ChainOfHardDependencies) {
  const auto topology = fixture("hard_chain");
  const MarkovResult r = solve(topology);
  const double db = availability(50, 2);
  const double api = availability(200, 10) * availability(300, 3);
  const double web = availability(100, 5);
  EXPECT_EQ(r.states, 16.0);
  EXPECT_NEAR(service_availability(*topology, r, "db"), db, 1e-9);
  EXPECT_NEAR(service_availability(*topology, r, "api"), db * api, 1e-9);
  EXPECT_NEAR(service_availability(*topology, r, "web"), db * api * web, 1e-9);
  EXPECT_NEAR(r.group_availability[0], db * api * web, 1e-9);
  EXPECT_NEAR(r.group_expected_affected[1], 500 * (1 - db * api), 1e-9);
  expect_simulation_agrees(topology, r, "web", 6);
}

// Independent services of one unit each, service s failing every
// 100 + 10 s hours and repaired in 1 + s hours, and a group using the first
// `grouped` of them (so those form one part of 2^grouped states).
Topology independent_units(std::uint32_t units, std::uint32_t grouped) {
  TopologyParts parts;
  parts.file = "generated";
  parts.regions.push_back({"dc", "dc", std::nullopt, {}});
  UserGroup group;
  group.id = "grouped";
  group.users = UserCount{100};
  group.activity = ActivityCurve::always();
  for (std::uint32_t s = 0; s < units; ++s) {
    Service service;
    service.id = "s" + std::to_string(s);
    service.deployments.push_back(DeploymentId{s});
    parts.services.push_back(service);
    Deployment d;
    d.id = service.id + "@dc";
    d.service = ServiceId{s};
    d.failures = FailureModel{Distribution::exponential(Duration::hours(100 + 10 * s)),
                              Distribution::exponential(Duration::hours(1 + s)),
                              {}};
    parts.deployments.push_back(d);
    if (s < grouped)
      group.uses.push_back(ServiceId{s});
  }
  parts.user_groups.push_back(group);
  return Topology(std::move(parts));
}

TEST(Markov, IndependentUnitsAreSolvedAsAProductOfTheirOwnChains) {
  // 17 units: a chain of 2^17 = 131,072 states, which as one linear system
  // never finished. The group ties the first 9 into one part of 512 states;
  // the other 8 are parts of 2 states each. Every service's availability is
  // its own, and the group's the product of its nine.
  const Topology topology = independent_units(17, 9);
  const auto solution = solve_markov(topology);
  ASSERT_TRUE(solution.result) << solution.diagnostics.to_text();
  const MarkovResult& r = *solution.result;
  EXPECT_EQ(r.states, 131'072.0);
  EXPECT_EQ(r.parts, 9U);
  EXPECT_EQ(r.largest_part_states, 512U);
  double grouped = 1;
  for (std::uint32_t s = 0; s < 17; ++s) {
    const double a = availability(100 + 10 * s, 1 + s);
    EXPECT_NEAR(r.service_availability[s], a, 1e-12);
    EXPECT_NEAR(r.service_unavailability[s], 1 - a, 1e-12);
    if (s < 9)
      grouped *= a;
  }
  EXPECT_NEAR(r.group_availability[0], grouped, 1e-12);
  EXPECT_NEAR(r.group_unavailability[0], 1 - grouped, 1e-12);
}

// Found by a helper: 70 independent units make 2^70 states, which read
// 18446744073709551615, the count saturated at 64 bits, in text and JSON.
// Past 2^53 the count is the nearest double, and says it is about that.
TEST(Markov, AChainPast64BitsOfStatesIsCountedAsAboutItsSize) {
  const Topology topology = independent_units(70, 1);
  const auto solution = solve_markov(topology);
  ASSERT_TRUE(solution.result) << solution.diagnostics.to_text();
  const MarkovResult& r = *solution.result;
  EXPECT_EQ(r.states, std::ldexp(1.0, 70));
  const std::string text = reports::markov_text(topology, r);
  EXPECT_NE(text.find("exact steady state of a Markov chain of about 1.18e+21 states"),
            std::string::npos)
      << text;
  EXPECT_EQ(reports::markov_json(topology, r).at("states").get<double>(), std::ldexp(1.0, 70));
  const Topology small = independent_units(3, 1);
  const auto eight_states = solve_markov(small);
  ASSERT_TRUE(eight_states.result) << eight_states.diagnostics.to_text();
  const MarkovResult& eight = *eight_states.result;
  EXPECT_NE(reports::markov_text(small, eight).find("a Markov chain of 8 states"),
            std::string::npos);
  EXPECT_TRUE(reports::markov_json(small, eight).at("states").is_number_unsigned());
}

// One service of one deployment failing and repaired with exponential
// times of these means.
Topology one_unit(Duration time_to_failure, Duration time_to_repair) {
  TopologyParts parts;
  parts.file = "generated";
  parts.regions.push_back({"dc", "dc", std::nullopt, {}});
  Service service;
  service.id = "unit";
  service.deployments.push_back(DeploymentId{0});
  parts.services.push_back(service);
  Deployment d;
  d.id = "unit@dc";
  d.failures = FailureModel{Distribution::exponential(time_to_failure),
                            Distribution::exponential(time_to_repair),
                            {}};
  parts.deployments.push_back(d);
  return Topology(std::move(parts));
}

TEST(Markov, AMeanTimeToFailureBeyondACenturyIsNotCapped) {
  const auto topology = fixture("long_lived");
  const MarkovResult r = solve(topology);
  const double u = 10.0 / (1e6 + 10);
  EXPECT_NEAR(r.service_unavailability[0] / u, 1.0, 1e-9);
  EXPECT_NEAR(r.service_downtime_hours_per_year(ServiceId{0}) / (u * 8760), 1.0, 1e-9);
}

TEST(Markov, DowntimeKeepsTheDigitsOfATinyUnavailability) {
  // MTTF 10^6 h, MTTR 36 ms = 10^-5 h: U = 10^-5 / (10^6 + 10^-5), about
  // 10^-11, where 1 - A in doubles keeps only four or five digits.
  const Topology topology =
      one_unit(Duration::hours(1'000'000), Duration::milliseconds(36));
  const auto solution = solve_markov(topology);
  ASSERT_TRUE(solution.result) << solution.diagnostics.to_text();
  const double u = 1e-5 / (1e6 + 1e-5);
  EXPECT_NEAR(solution.result->service_downtime_hours_per_year(ServiceId{0}) / (u * 8760), 1.0,
              1e-9);
}

// The solver's answer on a fixture the loader accepts but the exact model
// must refuse.
MarkovSolution solve_refused(const std::string& name) {
  const auto topology = fixture(name);
  MarkovSolution solution = solve_markov(*topology);
  EXPECT_FALSE(solution.result) << name;
  return solution;
}

TEST(Markov, RefusesAPoolHoldingAColdStandby) {
  EXPECT_TRUE(testing::has_error(solve_refused("standby_pool").diagnostics, 12, 9,
                                 "'app@west' is a cold standby"));
}

TEST(Markov, RefusesAHardDependencyCycleNamingIt) {
  EXPECT_TRUE(testing::has_error(solve_refused("hard_cycle").diagnostics, 7, 5,
                                 "'a' -> 'b' -> 'a'"));
}

// A unit failing every 200 years on average and repaired in a year, over a
// 600-year horizon: samples beyond a century must not be capped (capped,
// the mean time to failure would be 200 (1 - e^-0.5) = 79 years and the
// downtime 2.3 times the exact U = 1 / 201).
TEST(Markov, SimulationOverCenturiesAgreesWithTheExactAnswer) {
  const auto topology = std::make_shared<const Topology>(
      one_unit(Duration::days(365 * 200), Duration::days(365)));
  const MarkovResult exact = solve(topology);
  EXPECT_NEAR(exact.service_unavailability[0], 1.0 / 201, 1e-12);
  const Duration horizon = Duration::days(365 * 600);
  MonteCarloOptions options;
  options.runs = 2000;
  options.threads = 2;
  options.seed = 11;
  const MonteCarloResult mc = simulate(steady_state(topology, horizon), options);
  const double expected = exact.service_unavailability[0] * static_cast<double>(horizon.ms);
  EXPECT_TRUE(agrees(mc.services[0].downtime_ms, expected, kZ999));
}

// An instant failover makes active-passive as good as two in parallel; the
// users cut off are active at the week's average rate of the business day.
TEST(Markov, InstantActivePassiveFailoverAndBusinessDayUsers) {
  const auto topology = fixture("active_passive");
  const auto solution = solve_markov(*topology);
  ASSERT_TRUE(solution.result) << solution.diagnostics.to_text();
  const double q = kLambda / (kLambda + kMu);
  EXPECT_NEAR(solution.result->service_availability[0], 1 - q * q, 1e-9);
  const ActivityCurve office = ActivityCurve::business_day();
  double average = 0;
  for (int h = 0; h < ActivityCurve::kHoursPerWeek; ++h)
    average += office.permille(h) / 1000.0 / ActivityCurve::kHoursPerWeek;
  EXPECT_NEAR(solution.result->group_expected_affected[0], 1000 * q * q, 1e-9);
  EXPECT_NEAR(solution.result->group_expected_active_affected[0], 1000 * q * q * average, 1e-9);
  expect_simulation_agrees(topology, *solution.result, "app", 7);
}

TEST(Markov, RefusesWhatItCannotSolveExactly) {
  const auto topology = fixture("hard_chain");
  const auto too_big = solve_markov(*topology, 8);
  EXPECT_FALSE(too_big.result);
  EXPECT_NE(too_big.diagnostics.to_text().find("more than 8 states"), std::string::npos);

  const auto weibull = load_topology(test_path("markov/fixtures/not_exponential.yaml"));
  ASSERT_TRUE(weibull.topology) << weibull.diagnostics.to_text();
  const auto refused = solve_markov(*weibull.topology);
  EXPECT_FALSE(refused.result);
  EXPECT_TRUE(testing::has_error(refused.diagnostics, 7, 32, "needs exponential"));

  const auto timed = load_topology(test_path("markov/fixtures/load_dependent.yaml"));
  ASSERT_TRUE(timed.topology) << timed.diagnostics.to_text();
  const auto by_the_hour = solve_markov(*timed.topology);
  EXPECT_FALSE(by_the_hour.result);
  EXPECT_TRUE(testing::has_error(by_the_hour.diagnostics, 4, 5, "depends on the load of the hour"));
  EXPECT_TRUE(testing::has_error(by_the_hour.diagnostics, 11, 15, "takes time or may fail"));

  const auto unlike = load_topology(test_path("markov/fixtures/unlike_pool.yaml"));
  ASSERT_TRUE(unlike.topology) << unlike.diagnostics.to_text();
  const auto pooled = solve_markov(*unlike.topology);
  EXPECT_FALSE(pooled.result);
  EXPECT_TRUE(testing::has_error(pooled.diagnostics, 5, 5, "must be alike"));
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
