// The shapes the loader reads by (schema.hpp) and the JSON Schema written
// from them. check_schema.py beside this file validates every YAML file of
// the repository with python3-jsonschema.

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "faultline/reports/schema.hpp"
#include "faultline/schema.hpp"
#include "faultline/words.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using nlohmann::ordered_json;

// The shape has a variant for each word of E's table, in its order.
template <class E>
void expect_variants_of(const schema::Shape& shape) {
  std::vector<std::string> words;
  for (const schema::Variant& v : shape.variants)
    words.emplace_back(v.word);
  EXPECT_EQ(words, accepted_words<E>()) << shape.name;
}

// A variant names only keys of its shape, needs only keys it takes, and
// takes only the shape's variant keys.
void expect_consistent(const schema::Shape& shape) {
  const auto known = [&](std::string_view key) { return shape.find(key) != nullptr; };
  ASSERT_TRUE(known(shape.picked_by)) << shape.name;
  for (const std::string_view key : shape.variant_keys)
    EXPECT_TRUE(known(key)) << shape.name << "." << key;
  for (const schema::Variant& v : shape.variants) {
    for (const std::string_view key : v.takes) {
      EXPECT_NE(std::find(shape.variant_keys.begin(), shape.variant_keys.end(), key),
                shape.variant_keys.end())
          << shape.name << " " << v.word << " takes " << key;
    }
    for (const auto group : {v.needs, v.exactly_one_of}) {
      for (const std::string_view key : group)
        EXPECT_TRUE(known(key)) << shape.name << " " << v.word << " " << key;
    }
    for (const std::string_view key : v.needs) {
      EXPECT_NE(std::find(v.takes.begin(), v.takes.end(), key), v.takes.end())
          << shape.name << " " << v.word << " needs " << key << " without taking it";
    }
  }
}

TEST(Schema, VariantsFollowTheirWordTables) {
  expect_variants_of<FaultKind>(schema::fault);
  expect_variants_of<ActionKind>(schema::step);
  expect_variants_of<DistributionKind>(schema::distribution);
  expect_variants_of<MilestoneEvent>(schema::milestone);
  for (const schema::Shape* shape :
       {&schema::fault, &schema::step, &schema::distribution, &schema::milestone})
    expect_consistent(*shape);
}

TEST(Schema, EnumsAreTheWordTables) {
  const ordered_json scenario = reports::json_schema(schema::scenario);
  const ordered_json& fault = scenario["definitions"]["fault"];
  EXPECT_EQ(fault["properties"]["kind"]["enum"].get<std::vector<std::string>>(),
            accepted_words<FaultKind>());
  EXPECT_EQ(scenario["properties"]["strategy"]["enum"].get<std::vector<std::string>>(),
            accepted_words<StrategyKind>());
  // A threshold takes every state but the worst, with hyphens or as reports
  // write them.
  EXPECT_EQ(scenario["definitions"]["condition"]["properties"]["below"]["enum"],
            ordered_json({"operational", "degraded-performance", "degraded_performance",
                          "partial-outage", "partial_outage"}));
}

// By hand: of the 14 keys some fault kinds take, an outage takes service,
// served_fraction, lasts, cache_ttl and tenants, and needs service.
TEST(Schema, AnOutageRefusesTheKeysOfOtherKindsAndNeedsItsService) {
  const ordered_json fault = reports::json_schema(schema::scenario)["definitions"]["fault"];
  const ordered_json* outage = nullptr;
  for (const ordered_json& rule : fault["allOf"]) {
    if (rule["if"]["properties"]["kind"]["const"] == "outage")
      outage = &rule;
  }
  ASSERT_NE(outage, nullptr);
  std::vector<std::string> refused;
  for (const ordered_json& r : (*outage)["then"]["not"]["anyOf"])
    refused.push_back(r["required"][0]);
  EXPECT_EQ(refused,
            (std::vector<std::string>{"region", "zone", "deployments", "instances", "every",
                                      "per_wave", "packet_loss", "added_latency", "capacity"}));
  EXPECT_EQ((*outage)["then"]["required"], ordered_json({"service"}));
  EXPECT_FALSE((*outage)["then"].contains("oneOf"));
}

TEST(Schema, EveryMappingRefusesKeysItDoesNotList) {
  for (const schema::Shape* root : {&schema::topology, &schema::scenario}) {
    const ordered_json json = reports::json_schema(*root);
    EXPECT_EQ(json["$schema"], "http://json-schema.org/draft-07/schema#");
    EXPECT_EQ(json["additionalProperties"], false);
    for (const auto& [name, definition] : json["definitions"].items()) {
      EXPECT_EQ(definition["additionalProperties"], false) << name;
      for (const auto& [key, property] : definition["properties"].items())
        EXPECT_FALSE(property["description"].get<std::string>().empty()) << name << "." << key;
    }
  }
  // Each format holds only its own mappings, and the distribution both use.
  const ordered_json topology = reports::json_schema(schema::topology);
  EXPECT_TRUE(topology["definitions"].contains("distribution"));
  EXPECT_FALSE(topology["definitions"].contains("fault"));
}

TEST(Schema, AReferenceKeepsItsDescriptionBesideIt) {
  const ordered_json topology = reports::json_schema(schema::topology);
  const ordered_json& network = topology["properties"]["network"];
  EXPECT_EQ(network["allOf"][0]["$ref"], "#/definitions/network");
  EXPECT_EQ(network["description"], "Links and requests, for network fidelity.");
}

// The loader reads each mapping by its shape, so reading a key the shape
// does not list (one the schema would not know) is a defect it reports.
TEST(Schema, TheLoaderCannotReadAKeyItsShapeDoesNotList) {
  Diagnostics diagnostics;
  loader::Reader reader("inline.yaml", diagnostics);
  const loader::Fields fields(reader, loader::yaml::parse("{id: east}"), "a region",
                              schema::region);
  EXPECT_EQ(fields.get("id").scalar(), "east");
  EXPECT_FALSE(fields.has("wan"));
  EXPECT_THROW(fields.get("zone"), std::logic_error);
  EXPECT_TRUE(diagnostics.all().empty());
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
