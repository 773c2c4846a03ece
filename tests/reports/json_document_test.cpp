// A JSON document written member by member must be byte for byte what
// nlohmann writes for the same tree with an indent of 2: the CLI writes a
// simulation's and a replay's JSON this way and every golden file and
// merge compares bytes.
#include "faultline/reports/json_document.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/slo.hpp"
#include "faultline/slo.hpp"
#include "test_support.hpp"

namespace faultline::reports {
namespace FAULTLINE_TEST_FILE {

using nlohmann::ordered_json;

// The document read back and dumped by nlohmann: the same text when the
// layout and every number and string are as nlohmann writes them.
std::string dumped(const JsonDocument& doc) {
  return doc.tree().dump(2) + "\n";
}

TEST(JsonDocument, WritesWhatNlohmannWritesForTheSameTree) {
  const ordered_json nested = {{"a", {1, 2, {{"b", ordered_json::array()}}}},
                               {"c", ordered_json::object()}};
  JsonDocument doc;
  doc.add("number", 1.5);
  doc.add("text", "two\nlines, a \"quote\" and caf\u00e9");
  doc.add("nothing", nullptr);
  doc.add("empty_object", ordered_json::object());
  doc.add("empty_list", ordered_json::array());
  doc.add("nested", nested);
  doc.add_list("none", 0, [](JsonWriter& w, std::size_t) { w.value(1); });
  doc.add_list("one", 1, [](JsonWriter& w, std::size_t) { w.value("only"); });
  doc.add_list("objects", 3, [](JsonWriter& w, std::size_t i) {
    w.object().member("i", i).key("inner").object().key("list").list().value(i).value(i + 1).end();
    w.key("empty").list().end().end().end();
  });
  doc.add_written("written", [&](JsonWriter& w) { w.list().value(nested).value(false).end(); });
  doc.add("key with \"quotes\"\n", true);

  ordered_json expected = {{"number", 1.5},
                           {"text", "two\nlines, a \"quote\" and caf\u00e9"},
                           {"nothing", nullptr},
                           {"empty_object", ordered_json::object()},
                           {"empty_list", ordered_json::array()},
                           {"nested", nested},
                           {"none", ordered_json::array()},
                           {"one", {"only"}},
                           {"objects", ordered_json::array()},
                           {"written", {nested, false}},
                           {"key with \"quotes\"\n", true}};
  for (int i = 0; i < 3; ++i) {
    expected["objects"].push_back(
        {{"i", i}, {"inner", {{"list", {i, i + 1}}, {"empty", ordered_json::array()}}}});
  }
  EXPECT_EQ(doc.text(), expected.dump(2) + "\n");
  EXPECT_EQ(doc.tree(), expected);
}

TEST(JsonDocument, AnEmptyDocumentIsAnEmptyObject) {
  EXPECT_EQ(JsonDocument().text(), "{}\n");
  EXPECT_EQ(JsonDocument().text(), dumped(JsonDocument()));
}

TEST(JsonDocument, RefusesAKeyGivenTwiceAndMembersWithNothingToWrite) {
  JsonDocument doc;
  doc.add("runs", 1);
  EXPECT_THROW(doc.add_list("runs", 0, [](JsonWriter& w, std::size_t) { w.value(1); }),
               std::logic_error);
  EXPECT_THROW(doc.add_list("list", 0, {}), std::logic_error);
  EXPECT_THROW(doc.add_written("member", {}), std::logic_error);
  EXPECT_EQ(doc.text(), "{\n  \"runs\": 1\n}\n");
}

TEST(JsonDocument, StartsWithTheMembersOfAnObjectInTheirOrder) {
  JsonDocument doc(ordered_json{{"z", 1}, {"a", {{"b", 2}}}});
  doc.add("m", 3);
  EXPECT_EQ(doc.text(), "{\n  \"z\": 1,\n  \"a\": {\n    \"b\": 2\n  },\n  \"m\": 3\n}\n");
  EXPECT_THROW(doc.add("a", 4), std::logic_error);
  EXPECT_THROW(JsonDocument(ordered_json{1, 2}), std::logic_error);
  EXPECT_THROW(JsonDocument(ordered_json(nullptr)), std::logic_error);
  EXPECT_EQ(JsonDocument(ordered_json::object()).text(), "{}\n");
}

// A long list's entries are written by several threads in blocks of 256
// from 1,024 entries on; 3,000 entries (with a last block of 184) nested
// two levels deep, with escapes, doubles and empty containers, give the
// text nlohmann gives for the tree whatever the number of threads, and a
// list of 1,023 is written the same on one thread.
TEST(JsonDocument, WritesALongListAsOneThreadDoesWithAnyNumberOfThreads) {
  const auto entry = [](JsonWriter& w, std::size_t i) {
    w.object().member("i", i).member("half", static_cast<double>(i) / 2);
    w.member("name", i % 7 == 0 ? "caf\u00e9 \"" + std::to_string(i) + "\"" : std::to_string(i));
    w.key("list").list();
    for (std::size_t k = 0; k < i % 3; ++k)
      w.value(k);
    w.end().key("empty").object().end().end();
  };
  JsonDocument doc;
  doc.add("before", 1);
  doc.add_list("long", 3000, entry);
  doc.add_list("short", 1023, entry);
  doc.add("after", ordered_json::array({1, 2}));
  const std::string one = doc.text();
  EXPECT_EQ(one, dumped(doc));
  EXPECT_EQ(doc.tree()["long"].size(), 3000u);
  EXPECT_EQ(doc.tree()["long"][2999]["half"], 1499.5);
  for (const unsigned threads : {2U, 3U, 8U}) {
    std::string text;
    std::size_t pieces = 0;
    doc.write(
        [&](std::string_view piece) {
          text += piece;
          ++pieces;
        },
        threads);
    EXPECT_EQ(text, one) << threads << " threads";
    // 12 blocks of the long list, each entry of the short one, and the
    // rest: the blocks are handed out whole.
    EXPECT_EQ(pieces, 12u + 1023u + 1u) << threads << " threads";
  }
}

// An entry's failure reaches the caller from whichever thread wrote it,
// after the threads under way are done; so does an entry that writes no
// whole value, which would leave a hole in the list, written on several
// threads or in turn.
TEST(JsonDocument, AnEntryFailingOnAThreadOfItsOwnReachesTheCaller) {
  JsonDocument failing;
  failing.add_list("long", 2000, [](JsonWriter& w, std::size_t i) {
    if (i == 1500)
      throw std::runtime_error("entry 1500");
    w.value(i);
  });
  std::string text;
  const auto collect = [&](std::string_view piece) { text += piece; };
  EXPECT_THROW(
      {
        try {
          failing.write(collect, 2);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "entry 1500");
          throw;
        }
      },
      std::runtime_error);
  // The blocks before the failing one went out; nothing after it.
  EXPECT_NE(text.find("\n    1279"), std::string::npos);
  EXPECT_EQ(text.find("\n    1280"), std::string::npos);

  JsonDocument open;
  open.add_list("long", 2000, [](JsonWriter& w, std::size_t i) {
    w.list().value(i);
    if (i != 7)
      w.end();
  });
  EXPECT_THROW(open.write(collect, 2), std::logic_error);
  JsonDocument none;
  none.add_list("long", 2000, [](JsonWriter&, std::size_t) {});
  EXPECT_THROW(none.write(collect, 2), std::logic_error);
  EXPECT_THROW(none.write(collect, 1), std::logic_error);
  JsonDocument two;
  two.add_list("short", 3, [](JsonWriter& w, std::size_t i) { w.value(i).value(i); });
  EXPECT_THROW(two.text(), std::logic_error);
  EXPECT_THROW(open.write(collect, 1), std::logic_error);
}

// The replay's timeline (324 entries), services and user groups are lists
// made as they are written; an SLO's budgets follow as one more member.
TEST(JsonDocument, WritesTheWebexReplayAsItsTree) {
  const auto loaded = load_scenario(testing::source_path("scenarios/webex-2018-09-25.yaml"));
  ASSERT_TRUE(loaded.scenario) << loaded.diagnostics.to_text();
  const RunResult result = replay(*loaded.scenario);
  ASSERT_EQ(result.timeline.size(), 324u);
  const std::string text = replay_document(*loaded.scenario, result).text();
  EXPECT_EQ(text, replay_json(*loaded.scenario, result).dump(2) + "\n");
  const RunBudgets none;
  const ordered_json judged = with_budgets(replay_document(*loaded.scenario, result), &none).tree();
  EXPECT_EQ(std::prev(judged.end()).key(), "slos");
  EXPECT_EQ(judged["slos"], ordered_json::array());
  EXPECT_EQ(with_budgets(replay_document(*loaded.scenario, result), nullptr).text(), text);
}

TEST(JsonDocument, WritesTheWebexSimulationAsItsTree) {
  const auto loaded = load_scenario(testing::source_path("scenarios/webex-2018-09-25.yaml"));
  ASSERT_TRUE(loaded.scenario) << loaded.diagnostics.to_text();
  MonteCarloOptions options;
  options.runs = 200;
  const MonteCarloResult result = simulate(*loaded.scenario, options);
  EXPECT_EQ(simulation_document(*loaded.scenario, result).text(),
            simulation_json(*loaded.scenario, result).dump(2) + "\n");
}

// Simulations' JSON kept byte for byte: a pipeline of tenants with observed
// milestones and a step of two methods, and an outage judged against four
// SLOs. The goldens were written before the writer changed from building
// trees to writing text, and hold every kind of member a simulation has
// but a network baseline. Loaded by paths relative to the source folder,
// which the JSON names.
std::string simulation_text(const std::string& scenario_path, const std::string& slo_path) {
  struct InSourceFolder {
    std::filesystem::path previous = std::filesystem::current_path();
    InSourceFolder() { std::filesystem::current_path(FAULTLINE_SOURCE_DIR); }
    ~InSourceFolder() { std::filesystem::current_path(previous); }
  };
  MonteCarloOptions options;
  options.runs = 40;
  options.seed = 3;
  ScenarioLoad loaded;
  {
    const InSourceFolder here;
    loaded = load_scenario(scenario_path);
    if (!slo_path.empty())
      options.slos = load_slos(slo_path).slos;
  }
  if (!loaded.scenario)
    return loaded.diagnostics.to_text();
  return simulation_document(*loaded.scenario, simulate(*loaded.scenario, options)).text();
}

TEST(JsonDocument, WritesATenantPipelinesSimulationAsBefore) {
  const std::string text = simulation_text("tests/replay/fixtures/tenants/pipeline.yaml", "");
  EXPECT_NE(text.find("\"tenant_users_back_over_time\": [\n    {"), std::string::npos);
  EXPECT_NE(text.find("\"methods\": ["), std::string::npos);
  EXPECT_TRUE(testing::matches_golden("golden/pipeline-simulate.json", text));
}

TEST(JsonDocument, WritesASimulationJudgedAgainstSlosAsBefore) {
  const std::string text =
      simulation_text("tests/slo/fixtures/outage.yaml", "tests/slo/fixtures/slos.yaml");
  EXPECT_NE(text.find("\"slos\": [\n    {"), std::string::npos);
  EXPECT_TRUE(testing::matches_golden("golden/outage-slos-simulate.json", text));
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline::reports
