// Rare events by importance sampling, against closed forms: each fixture's
// comments work out its tail probability by hand.

#include "faultline/rare.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>

#include "faultline/loader.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::scenario_fixture;

// The Erlang tail of shape 3 and rate 1/h at t = x hours (chain.yaml).
double erlang3_tail(double x) {
  return std::exp(-x) * (1 + x + x * x / 2);
}

RareEventEstimate estimate(const std::string& fixture, const std::string& event,
                           RareEventOptions options) {
  const auto scenario = scenario_fixture("rare/fixtures/" + fixture);
  return estimate_rare_event(*scenario, parse_rare_event(*scenario, event), options);
}

// Within four of its own standard errors of the exact value, and that error
// itself small: an estimate that is right only because its error is huge
// passes neither.
::testing::AssertionResult near_exact(const RareEventEstimate& e, double exact,
                                      double most_relative_error) {
  const double error = e.relative_error * e.probability;
  if (e.hits > 0 && std::abs(e.probability - exact) <= 4 * error &&
      e.relative_error <= most_relative_error) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "estimated " << e.probability << " (relative error " << e.relative_error << ", "
         << e.hits << " hits, shared stretch " << e.shared.durations << " and " << e.shared.outcomes
         << ") against " << exact;
}

TEST(RareEvents, AnErlangRepairChainsTailFrom1e4To1e7) {
  RareEventOptions options;
  options.runs = 20'000;
  options.search_runs = 2'000;
  for (const double hours : {14.0, 17.0, 19.0, 22.0}) {
    const auto e =
        estimate("chain.yaml", fmt::format("all-restored later than {}h", hours), options);
    EXPECT_TRUE(near_exact(e, erlang3_tail(hours), 0.05)) << hours << "h";
    EXPECT_TRUE(e.search_reached);
    // 10^-7 with 5% error takes plain Monte Carlo some 4 * 10^9 runs.
    EXPECT_GT(e.speedup().value_or(0), 100) << hours << "h";
  }
}

TEST(RareEvents, FailedAttemptsAreStretchedToo) {
  RareEventOptions options;
  options.runs = 20'000;
  options.search_runs = 2'000;
  const auto e = estimate("retries.yaml", "completed:rebuild-db later than 27h", options);
  EXPECT_TRUE(near_exact(e, std::exp(-27.0 / 2), 0.05));
}

double stretch_of(const RareEventEstimate& e, const std::string& site) {
  for (const StretchedSite& s : e.sites) {
    if (s.name == site)
      return s.stretch;
  }
  throw std::out_of_range("no draw site " + site);
}

// Each site is stretched on its own: the cache's two steps, whose Erlang
// tail (17 e^-16) makes most of the probability, more than the database's
// one (e^-16). (The conditional law's means, which the method aims at, are
// about 8.5h for each cache step and 1.9h for the database.)
TEST(RareEvents, TheLaterOfTwoBranches) {
  RareEventOptions options;
  options.runs = 20'000;
  options.search_runs = 2'000;
  const double x = 16;
  const double exact = 1 - (1 - std::exp(-x)) * (1 - std::exp(-x) * (1 + x));
  const auto e = estimate("branches.yaml", "all-restored later than 16h", options);
  EXPECT_TRUE(near_exact(e, exact, 0.1));
  EXPECT_GT(stretch_of(e, "prepare-cache duration"), stretch_of(e, "rebuild-db duration"));
  EXPECT_GT(stretch_of(e, "rebuild-cache duration"), stretch_of(e, "rebuild-db duration"));
}

// Found by a helper: past the horizon, where the runs stop, every duration
// gave the probability of the horizon itself (0.128 for "later than 10h"
// under a 5h horizon, where e^-5 (1 + 5 + 12.5) = 0.125); such a question
// is refused, and one at the horizon is still asked.
TEST(RareEvents, ADurationPastTheHorizonIsRefused) {
  auto scenario = std::make_shared<Scenario>(*scenario_fixture("rare/fixtures/chain.yaml"));
  scenario->horizon = SimTime{} + Duration::hours(5);
  EXPECT_THROW(parse_rare_event(*scenario, "all-restored later than 10h"), std::invalid_argument);
  EXPECT_EQ(parse_rare_event(*scenario, "all-restored later than 5h").later_than,
            Duration::hours(5));
}

// Found by a helper: without a horizon, unlimited retries stop at T0+30d,
// and the runs still retrying then counted as later than any duration (on
// retries.yaml with attempts of mean 12h, so a completion time of mean 24h,
// "later than 35d" read 4.69e-14 where e^-35 is 6.3e-16). Past 30d is
// refused; 30d itself, where a retry may still start, is asked; with a
// horizon the retries go on to it, and so may the question.
TEST(RareEvents, ADurationPastWhereRetriesStopIsRefused) {
  auto scenario = std::make_shared<Scenario>(*scenario_fixture("rare/fixtures/retries.yaml"));
  const auto why = testing::refusal_of(
      [&] { parse_rare_event(*scenario, "completed:rebuild-db later than 35d"); });
  ASSERT_TRUE(why) << "a duration past where the retries stop was asked";
  EXPECT_NE(why->find("T0+35d is past T0+30d"), std::string::npos) << *why;
  EXPECT_NE(why->find("unlimited retries of step rebuild-db"), std::string::npos) << *why;
  EXPECT_EQ(parse_rare_event(*scenario, "completed:rebuild-db later than 30d").later_than,
            Duration::days(30));
  scenario->horizon = SimTime{} + Duration::days(40);
  EXPECT_EQ(parse_rare_event(*scenario, "completed:rebuild-db later than 35d").later_than,
            Duration::days(35));
}

// Every draw a run makes comes from a site of the catalogue, in every
// shipped scenario: steps and their retries, waves, rollbacks, batches,
// healing faults, failovers, overloads.
TEST(RareEvents, TheCatalogueNamesEveryDraw) {
  RareEventOptions options;
  options.runs = 300;
  options.stretch = Stretch{2, 2};
  options.threads = 2;
  for (const char* file : {"scenarios/webex-2018-09-25.yaml", "scenarios/webex-dc-us-loss.yaml",
                           "scenarios/mass-deletion.yaml"}) {
    const auto load = load_scenario(testing::source_path(file));
    ASSERT_TRUE(load.scenario) << file;
    const auto e = estimate_rare_event(
        *load.scenario, parse_rare_event(*load.scenario, "all-restored later than 1d"), options);
    EXPECT_EQ(e.unplanned_draws, 0U) << file;
    EXPECT_FALSE(e.sites.empty()) << file;
  }
}

// Found in review: plain runs, every weight 1, with too few hits were
// warned that "a few runs' weights make most of the estimate". 1,000
// plain runs at 8h (p = 0.0138) pass the threshold about 14 times.
TEST(RareEvents, TooFewHitsAreWarnedOfAsSuch) {
  RareEventOptions plain;
  plain.runs = 1'000;
  plain.stretch = Stretch{};
  const auto e = estimate("chain.yaml", "restored:db later than 8h", plain);
  ASSERT_GT(e.hits, 0U);
  ASSERT_LT(e.hits, 30U);
  EXPECT_DOUBLE_EQ(e.effective_hits, static_cast<double>(e.hits)) << "every weight is 1";
  const std::string text =
      reports::rare_event_text(*scenario_fixture("rare/fixtures/chain.yaml"), e);
  EXPECT_NE(text.find(fmt::format("warning: only {} runs passed the threshold", e.hits)),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("weights make most"), std::string::npos) << text;
}

// At 8h (p = 0.0138) plain runs still work: 200,000 of them and 20,000
// stretched ones give the same answer, the stretched with a smaller error.
TEST(RareEvents, AgreesWithPlainMonteCarloWhereThatWorks) {
  const double exact = erlang3_tail(8);
  RareEventOptions plain;
  plain.runs = 200'000;
  plain.stretch = Stretch{};
  plain.threads = 2;
  const auto p = estimate("chain.yaml", "restored:db later than 8h", plain);
  EXPECT_TRUE(near_exact(p, exact, 0.03));
  EXPECT_EQ(p.search_runs, 0U);
  EXPECT_DOUBLE_EQ(p.probability, static_cast<double>(p.hits) / 200'000);
  RareEventOptions stretched;
  stretched.runs = 20'000;
  stretched.search_runs = 2'000;
  const auto s = estimate("chain.yaml", "restored:db later than 8h", stretched);
  EXPECT_TRUE(near_exact(s, exact, 0.03));
  EXPECT_LT(s.relative_error, p.relative_error);
  EXPECT_GT(s.speedup().value_or(0), 5);
}

TEST(RareEvents, TheSameWhateverTheThreadCount) {
  RareEventOptions options;
  options.runs = 3'000;
  options.search_runs = 1'000;
  const auto one = estimate("chain.yaml", "milestone:db-back later than 19h", options);
  options.threads = 2;
  const auto two = estimate("chain.yaml", "milestone:db-back later than 19h", options);
  EXPECT_EQ(one.probability, two.probability);
  EXPECT_EQ(one.relative_error, two.relative_error);
  ASSERT_EQ(one.sites.size(), two.sites.size());
  for (std::size_t i = 0; i < one.sites.size(); ++i)
    EXPECT_EQ(one.sites[i].stretch, two.sites[i].stretch) << one.sites[i].name;
  EXPECT_EQ(one.hits, two.hits);
  ASSERT_EQ(one.search.size(), two.search.size());
  options.seed = 2;
  EXPECT_NE(estimate("chain.yaml", "milestone:db-back later than 19h", options).probability,
            one.probability);
}

TEST(RareEvents, TheSearchClimbsLevelByLevel) {
  RareEventOptions options;
  options.runs = 1'000;
  options.search_runs = 1'000;
  const auto e = estimate("chain.yaml", "all-restored later than 22h", options);
  // Levels climb to the threshold, then two more refine the stretches there.
  ASSERT_GE(e.search.size(), 4U);
  const std::size_t climbing = e.search.size() - 2;
  EXPECT_EQ(e.search.front().most, Stretch{});  // the first level draws plainly
  for (std::size_t l = 1; l < e.search.size(); ++l) {
    if (l < climbing) {
      EXPECT_GT(e.search[l].level, e.search[l - 1].level);
    } else {
      EXPECT_EQ(e.search[l].level, Duration::hours(22));
      EXPECT_TRUE(e.search[l].at_threshold);
    }
    EXPECT_GT(e.search[l].most.durations, 1.0);
    EXPECT_EQ(e.search[l].most.outcomes, 1.0);  // the chain's steps always succeed
  }
  EXPECT_EQ(e.search[climbing - 1].level, Duration::hours(22));
  EXPECT_LT(e.search[climbing - 2].level, Duration::hours(22));
  EXPECT_EQ(e.search_runs, 1'000 * e.search.size());
}

// At the threshold the search counts the runs past it, as the estimate
// does, not those at it: where every run is back at 10h or later
// (point_mass.yaml, P = e^-10 = 4.54e-5), it counted all its runs as at
// the threshold from its first level, and said it had got there with no
// run past it. Its levels now stay below the threshold (10h is where they
// begin, not past it), and it says it stopped short.
TEST(RareEvents, TheSearchCountsRunsPastTheThresholdAsTheEstimateDoes) {
  RareEventOptions options;
  options.runs = 20'000;
  options.search_runs = 2'000;
  const auto scenario = scenario_fixture("rare/fixtures/point_mass.yaml");
  const auto e = estimate_rare_event(
      *scenario, parse_rare_event(*scenario, "all-restored later than 10h"), options);
  ASSERT_FALSE(e.search.empty());
  for (const StretchLevel& level : e.search) {
    EXPECT_EQ(level.level, Duration::hours(10));
    EXPECT_FALSE(level.at_threshold);
    EXPECT_EQ(level.runs_counted, 2'000U);  // every run is back at 10h or later
  }
  EXPECT_FALSE(e.search_reached);
  const std::string text = reports::rare_event_text(*scenario, e);
  EXPECT_NE(text.find("2,000 runs at or past 10h"), std::string::npos) << text;
  EXPECT_NE(text.find("the search stopped short of the threshold"), std::string::npos) << text;
  // The chain's levels at its threshold count those past it.
  const auto chain = estimate("chain.yaml", "all-restored later than 14h", options);
  ASSERT_TRUE(chain.search_reached);
  EXPECT_TRUE(chain.search.back().at_threshold);
  EXPECT_NE(reports::rare_event_text(*scenario, chain).find(" runs past 14h\n"), std::string::npos);
  EXPECT_TRUE(reports::rare_event_json(*scenario, chain).at("search").back().at("at_threshold"));
}

// A certain event (every run of point_mass.yaml is back at 10h or later,
// so later than 9h) has no plain Monte Carlo error to compare: it said
// plain runs would need 0 runs, a speedup of 0x.
TEST(RareEvents, ACertainEventIsNotCalledRare) {
  RareEventOptions options;
  options.runs = 1'000;
  options.stretch = Stretch{1, 1};
  const auto scenario = scenario_fixture("rare/fixtures/point_mass.yaml");
  const auto e = estimate_rare_event(
      *scenario, parse_rare_event(*scenario, "all-restored later than 9h"), options);
  EXPECT_EQ(e.hits, 1'000U);
  EXPECT_EQ(e.probability, 1.0);
  EXPECT_FALSE(e.plain_runs_for_same_error());
  EXPECT_FALSE(e.speedup());
  EXPECT_NE(reports::rare_event_text(*scenario, e)
                .find("plain Monte Carlo would see it in every run: the event is not rare"),
            std::string::npos);
  const auto json = reports::rare_event_json(*scenario, e);
  EXPECT_EQ(json.at("probability"), 1.0);
  EXPECT_TRUE(json.at("speedup").is_null());
}

// Found in review: an estimate from one run has no spread, and read "the
// event is not rare" at p = 3.8e-5; it has no comparison to make.
TEST(RareEvents, AnEstimateWithoutSpreadMakesNoComparison) {
  RareEventOptions options;
  options.runs = 1;
  options.stretch = Stretch{3, 1};
  options.seed = 6;
  const auto scenario = scenario_fixture("rare/fixtures/chain.yaml");
  const auto e = estimate_rare_event(
      *scenario, parse_rare_event(*scenario, "all-restored later than 14h"), options);
  ASSERT_EQ(e.hits, 1u);
  EXPECT_LT(e.probability, 1e-3);
  EXPECT_FALSE(e.plain_runs_for_same_error());
  const std::string text = reports::rare_event_text(*scenario, e);
  EXPECT_EQ(text.find("not rare"), std::string::npos) << text;
  EXPECT_NE(text.find("plain Monte Carlo no comparison: the estimate has no spread to match"),
            std::string::npos)
      << text;
}

// An event no run reaches gives 0 with no hits, and says the search did
// not get there, rather than an estimate. Found by a helper: its JSON read
// a probability of 0 with an error of 0, a certainty the text does not
// claim; it has no estimate there either.
TEST(RareEvents, AnEventNoRunReaches) {
  RareEventOptions options;
  options.runs = 500;
  options.search_runs = 500;
  const auto scenario = scenario_fixture("rare/fixtures/chain.yaml");
  const auto e = estimate_rare_event(
      *scenario, parse_rare_event(*scenario, "restored:cache later than 1h"), options);
  EXPECT_EQ(e.hits, 0U);
  EXPECT_EQ(e.probability, 0.0);
  EXPECT_FALSE(e.plain_runs_for_same_error());
  EXPECT_NE(reports::rare_event_text(*scenario, e).find("no run of 500 reached it: no estimate"),
            std::string::npos);
  const auto json = reports::rare_event_json(*scenario, e);
  for (const char* key :
       {"probability", "relative_error", "interval_95", "plain_runs_for_same_error", "speedup"})
    EXPECT_TRUE(json.at(key).is_null()) << key;
  EXPECT_EQ(json.at("hits"), 0);
}

// Stopped (by Ctrl-C, say), it makes no more runs and gives no figures.
TEST(RareEvents, AStoppedEstimateSaysSo) {
  const std::atomic<bool> stop{true};
  RareEventOptions options;
  options.runs = 5'000;
  options.search_runs = 1'000;
  options.stop = &stop;
  const auto e = estimate("chain.yaml", "all-restored later than 22h", options);
  EXPECT_TRUE(e.interrupted);
  EXPECT_EQ(e.hits, 0U);
  EXPECT_EQ(e.probability, 0.0);
  options.stretch = Stretch{2, 1};
  EXPECT_TRUE(estimate("chain.yaml", "all-restored later than 22h", options).interrupted);
}

TEST(RareEvents, ReadsWhatTheUserWrote) {
  const auto scenario = scenario_fixture("rare/fixtures/chain.yaml");
  const auto e = parse_rare_event(*scenario, "completed:restore-backup later than 1d12h");
  EXPECT_EQ(e.what.kind, RunEventKind::step_completed);
  EXPECT_EQ(e.what.step, StepId{1});
  EXPECT_EQ(e.later_than, Duration::hours(36));
  EXPECT_EQ(parse_rare_event(*scenario, "milestone:db-back later than 5h").what.milestone, 0U);
  EXPECT_EQ(parse_rare_event(*scenario, "restored:app later than 5h").what.service,
            scenario->topology->find_service("app"));
}

TEST(RareEvents, RefusesWhatItCannotRead) {
  const auto scenario = scenario_fixture("rare/fixtures/chain.yaml");
  const auto refused = [&](const std::string& text, const std::string& part) {
    try {
      parse_rare_event(*scenario, text);
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      if (message.find(part) != std::string::npos &&
          message.find("EVENT later than DURATION") != std::string::npos)
        return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << message;
    }
    return ::testing::AssertionFailure() << "accepted " << text;
  };
  EXPECT_TRUE(refused("all-restored after 5d", "no \"later than\""));
  EXPECT_TRUE(refused("everything later than 5d", "'everything' is no event"));
  EXPECT_TRUE(refused("restored:nothing later than 5d", "no service 'nothing'"));
  EXPECT_TRUE(refused("completed:fly later than 5d", "no step 'fly'"));
  EXPECT_TRUE(refused("milestone:gone later than 5d", "no milestone 'gone' (it has db-back)"));
  EXPECT_TRUE(refused("restored later than 5d", "needs a name"));
  EXPECT_TRUE(refused("all-restored:db later than 5d", "takes no name"));
  EXPECT_TRUE(refused("all-restored later than soon", "'soon' is no duration"));
  EXPECT_TRUE(refused("all-restored later than 0s", "more than 0"));
}

TEST(RareEvents, RefusesAStretchOutOfRange) {
  const auto scenario = scenario_fixture("rare/fixtures/chain.yaml");
  const auto event = parse_rare_event(*scenario, "all-restored later than 5h");
  RareEventOptions options;
  options.stretch = Stretch{2.0, 0.5};
  EXPECT_THROW(estimate_rare_event(*scenario, event, options), std::invalid_argument);
  options.stretch = Stretch{kMostStretch * 2, 1.0};
  EXPECT_THROW(estimate_rare_event(*scenario, event, options), std::invalid_argument);
  options.stretch = Stretch{2.0, 2.0};
  options.runs = 0;
  EXPECT_THROW(estimate_rare_event(*scenario, event, options), std::invalid_argument);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
