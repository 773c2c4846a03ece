// The word tables: each word parses to its value and back, the loader's
// "expected ..." sentences and did-you-mean candidates come from the rows,
// and a variant refuses exactly the variant keys its row does not take.

#include "faultline/words.hpp"

#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "faultline/strategy.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

template <class E>
void expect_round_trip() {
  for (const Word<E>& w : WordTable<E>::rows) {
    EXPECT_EQ(parse_word<E>(w.text), w.value) << w.text;
    EXPECT_EQ(word_of(w.value), w.text);
  }
  EXPECT_FALSE(parse_word<E>("no-such-word"));
}

TEST(Words, EachWordParsesToItsValueAndBack) {
  expect_round_trip<FaultKind>();
  expect_round_trip<ActionKind>();
  expect_round_trip<Redundancy>();
  expect_round_trip<DependencyKind>();
  expect_round_trip<MilestoneEvent>();
  expect_round_trip<DistributionKind>();
  expect_round_trip<StrategyKind>();
  expect_round_trip<ServiceState>();
  // Reports and JSON name states with underscores, as they always have.
  EXPECT_EQ(to_string(ServiceState::partial_outage), "partial_outage");
  EXPECT_EQ(to_string(ServiceState::operational), "operational");
  EXPECT_EQ(to_string(DistributionKind::pert), "pert");
  EXPECT_EQ(to_string(MilestoneEvent::service_partly_restored), "partly-restored");
  EXPECT_EQ(parse_strategy("critical-path"), StrategyKind::critical_path);
  EXPECT_EQ(to_string(Redundancy::k_of_n), "k-of-n");
  EXPECT_EQ(to_string(DependencyKind::soft), "soft");
}

TEST(Words, ListTheWordsAsASentence) {
  EXPECT_EQ(expected_words<FaultKind>(), "delete-instances, outage, bad-deploy or degradation");
  EXPECT_EQ(expected_words<DependencyKind>(), "hard or soft");
  EXPECT_EQ(expected_words<ActionKind>(),
            "none, rebuild, restore, enable-in-waves, fail-over, halt-rollout, restore-tenants "
            "or mitigate");
  EXPECT_EQ(expected_words<MilestoneEvent>("service"), "down, partly-restored or restored");
  EXPECT_EQ(expected_words<MilestoneEvent>("step"), "started or completed");
  // Nothing is worse than a major outage, so `below` does not take it.
  EXPECT_EQ(expected_words<ServiceState>("below"),
            "operational, degraded-performance or partial-outage");
  // The strategies in the table's order, the heuristics first.
  const auto all = strategies();
  ASSERT_EQ(all.size(), WordTable<StrategyKind>::rows.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i], WordTable<StrategyKind>::rows[i].value);
  EXPECT_EQ(heuristic_strategies().back(), StrategyKind::weighted_shortest_first);
  EXPECT_EQ(accepted_words<Redundancy>(),
            (std::vector<std::string>{"none", "active-active", "active-passive", "k-of-n"}));
}

// A rebuild names deployments (or a region or zone); a restore a service and
// its target; a bad deploy a service or deployments, how often and how many.
TEST(Words, AVariantRefusesTheKeysOfTheOthers) {
  using Keys = std::vector<std::string_view>;
  EXPECT_EQ(keys_not_taken(ActionKind::rebuild),
            (Keys{"service", "to", "add", "waves", "fault", "batches", "per_tenant"}));
  EXPECT_EQ(keys_not_taken(ActionKind::restore),
            (Keys{"deployments", "region", "zone", "waves", "fault", "batches", "per_tenant"}));
  EXPECT_EQ(keys_not_taken(ActionKind::none), (Keys{WordTable<ActionKind>::variant_keys.begin(),
                                                    WordTable<ActionKind>::variant_keys.end()}));
  EXPECT_EQ(keys_not_taken(FaultKind::bad_deploy),
            (Keys{"instances", "served_fraction", "lasts", "cache_ttl", "tenants", "packet_loss",
                  "added_latency", "capacity"}));
  EXPECT_EQ(keys_not_taken(FaultKind::outage),
            (Keys{"region", "zone", "deployments", "instances", "every", "per_wave", "packet_loss",
                  "added_latency", "capacity"}));
  EXPECT_EQ(keys_not_taken(FaultKind::degradation),
            (Keys{"instances", "served_fraction", "cache_ttl", "tenants", "every", "per_wave"}));
  EXPECT_EQ(keys_not_taken(ActionKind::mitigate),
            (Keys{"deployments", "region", "zone", "service", "to", "add", "waves", "batches",
                  "per_tenant"}));
}

// A milestone's event is one its subject has: a step milestone is not
// offered the events of services.
TEST(Words, AMilestoneIsOfferedTheEventsOfItsSubject) {
  const auto load = load_scenario(testing::test_path("loader/fixtures/misspelt_event.yaml"));
  EXPECT_FALSE(load.scenario);
  const std::string text = load.diagnostics.to_text();
  EXPECT_NE(text.find("misspelt_event.yaml:8:34: error: unknown event 'complted' for a step "
                      "milestone (did you mean 'completed'?); expected started or completed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("misspelt_event.yaml:9:34: error: unknown event 'restored' for a step "
                      "milestone; expected started or completed"),
            std::string::npos)
      << text;
}

// The loader answers a misspelt action from the table: where, what was
// meant, and every word it takes.
TEST(Words, TheLoaderAnswersAMisspeltWordFromTheTable) {
  const auto load = load_scenario(testing::test_path("loader/fixtures/misspelt_action.yaml"));
  EXPECT_FALSE(load.scenario);
  const std::string text = load.diagnostics.to_text();
  EXPECT_NE(text.find("misspelt_action.yaml:7:23:"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown action 'rebiuld' (did you mean 'rebuild'?); expected " +
                      expected_words<ActionKind>()),
            std::string::npos)
      << text;
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
