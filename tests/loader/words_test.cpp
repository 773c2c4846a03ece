// The word tables: each word parses to its value and back, the loader's
// "expected ..." sentences and did-you-mean candidates come from the rows,
// and a variant refuses exactly the variant keys its row does not take.

#include "faultline/words.hpp"

#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "test_support.hpp"

namespace faultline {
namespace {

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
  EXPECT_EQ(to_string(Redundancy::k_of_n), "k-of-n");
  EXPECT_EQ(to_string(DependencyKind::soft), "soft");
}

TEST(Words, ListTheWordsAsASentence) {
  EXPECT_EQ(expected_words<FaultKind>(), "delete-instances, outage or bad-deploy");
  EXPECT_EQ(expected_words<DependencyKind>(), "hard or soft");
  EXPECT_EQ(expected_words<ActionKind>(),
            "none, rebuild, restore, enable-in-waves, fail-over or halt-rollout");
  EXPECT_EQ(accepted_words<Redundancy>(),
            (std::vector<std::string>{"none", "active-active", "active-passive", "k-of-n"}));
}

// A rebuild names deployments (or a region or zone); a restore a service and
// its target; a bad deploy a service or deployments, how often and how many.
TEST(Words, AVariantRefusesTheKeysOfTheOthers) {
  using Keys = std::vector<std::string_view>;
  EXPECT_EQ(keys_not_taken(ActionKind::rebuild), (Keys{"service", "to", "waves", "fault"}));
  EXPECT_EQ(keys_not_taken(ActionKind::restore),
            (Keys{"deployments", "region", "zone", "waves", "fault"}));
  EXPECT_EQ(keys_not_taken(ActionKind::none), (Keys{WordTable<ActionKind>::variant_keys.begin(),
                                                    WordTable<ActionKind>::variant_keys.end()}));
  EXPECT_EQ(keys_not_taken(FaultKind::bad_deploy), (Keys{"instances", "served_fraction"}));
  EXPECT_EQ(keys_not_taken(FaultKind::outage),
            (Keys{"region", "zone", "deployments", "instances", "every", "per_wave"}));
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

}  // namespace
}  // namespace faultline
