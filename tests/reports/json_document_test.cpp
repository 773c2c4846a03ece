// A JSON document written member by member must be byte for byte what
// nlohmann writes for the same tree with an indent of 2: the CLI writes a
// simulation's JSON this way and every golden file and merge compares
// bytes.
#include "faultline/reports/json_document.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/reports/json.hpp"
#include "test_support.hpp"

namespace faultline::reports {
namespace {

using nlohmann::ordered_json;

std::string dumped(const JsonDocument& doc) {
  return doc.tree().dump(2) + "\n";
}

TEST(JsonDocument, WritesWhatNlohmannWritesForTheSameTree) {
  JsonDocument doc;
  doc.add("number", 1.5);
  doc.add("text", "two\nlines, a \"quote\" and caf\u00e9");
  doc.add("nothing", nullptr);
  doc.add("empty_object", ordered_json::object());
  doc.add("empty_list", ordered_json::array());
  doc.add("nested", {{"a", {1, 2, {{"b", ordered_json::array()}}}}, {"c", ordered_json::object()}});
  doc.add_list("none", 0, [](std::size_t) { return ordered_json(1); });
  doc.add_list("one", 1, [](std::size_t) { return ordered_json("only"); });
  doc.add_list("objects", 3, [](std::size_t i) {
    return ordered_json{{"i", i},
                        {"inner", {{"list", {i, i + 1}}, {"empty", ordered_json::array()}}}};
  });
  doc.add("key with \"quotes\"\n", true);
  EXPECT_EQ(doc.text(), dumped(doc));
  EXPECT_EQ(doc.tree()["objects"][2]["inner"]["list"][1], 3);
}

TEST(JsonDocument, AnEmptyDocumentIsAnEmptyObject) {
  EXPECT_EQ(JsonDocument().text(), "{}\n");
  EXPECT_EQ(JsonDocument().text(), dumped(JsonDocument()));
}

TEST(JsonDocument, RefusesAKeyGivenTwice) {
  JsonDocument doc;
  doc.add("runs", 1);
  EXPECT_THROW(doc.add_list("runs", 0, {}), std::logic_error);
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

}  // namespace
}  // namespace faultline::reports
