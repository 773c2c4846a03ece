// Imports: a Backstage catalog into a topology that the loader accepts, and
// traced calls held against a topology's dependencies, on fixtures whose
// answers are worked out in their comments and here.

#include "faultline/imports.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../test_support.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::has_error;
using testing::test_path;

std::string fixture(const std::string& name) {
  return test_path("imports/fixtures/" + name);
}

// The import's topology as the loader reads it, from a file of its own.
std::shared_ptr<const Topology> loaded(const std::string& yaml, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("faultline_import_" + name);
  std::ofstream(path) << yaml;
  const auto load = load_topology(path.string());
  EXPECT_FALSE(load.diagnostics.has_errors()) << load.diagnostics.to_text();
  std::filesystem::remove(path);
  return load.topology;
}

std::vector<std::pair<std::string, DependencyKind>> dependencies_of(const Topology& t,
                                                                    const std::string& id) {
  std::vector<std::pair<std::string, DependencyKind>> out;
  for (const Dependency& d : t.service(*t.find_service(id)).dependencies)
    out.emplace_back(t.service(d.service).id, d.kind);
  return out;
}

// catalog-info.yaml, by hand: six services (four Components, two
// Resources; the System, the API and the Group are no service). web-shop
// consumes orders-api, which orders provides: web-shop -> orders. orders
// depends on orders-db and payments; payments on fraud-check (in namespace
// risk, soft by its annotation) and, by payments-db's dependencyOf, on
// payments-db: 5 dependencies. Only web-shop names users, so one group.
// payments, payments-db and fraud-check name no region: they go to the
// placeholder region.
TEST(BackstageImport, TheShopCatalogBecomesTheTopologyWorkedOutByHand) {
  Diagnostics diagnostics;
  const auto imported = import_backstage({fixture("catalog-info.yaml")}, {}, diagnostics);
  ASSERT_TRUE(imported) << diagnostics.to_text();
  EXPECT_EQ(imported->services, 6U);
  EXPECT_EQ(imported->dependencies, 5U);
  EXPECT_EQ(imported->user_groups, 1U);
  EXPECT_EQ(imported->left_out, std::vector<std::string>{"1 Group"});
  EXPECT_TRUE(testing::matches_golden("golden/shop-topology.yaml", imported->topology_yaml));

  const auto topology = loaded(imported->topology_yaml, "shop.yaml");
  ASSERT_TRUE(topology);
  EXPECT_EQ(topology->name(), "Checkout");
  using Deps = std::vector<std::pair<std::string, DependencyKind>>;
  EXPECT_EQ(dependencies_of(*topology, "web-shop"), (Deps{{"orders", DependencyKind::hard}}));
  EXPECT_EQ(dependencies_of(*topology, "orders"),
            (Deps{{"orders-db", DependencyKind::hard}, {"payments", DependencyKind::hard}}));
  EXPECT_EQ(dependencies_of(*topology, "payments"),
            (Deps{{"fraud-check", DependencyKind::soft}, {"payments-db", DependencyKind::hard}}));
  const Service& web = topology->service(*topology->find_service("web-shop"));
  EXPECT_EQ(web.redundancy, Redundancy::active_active);
  EXPECT_EQ(web.deployments.size(), 2U);
  EXPECT_EQ(
      topology->deployment(topology->service(*topology->find_service("orders")).deployments.front())
          .instances,
      4);
  ASSERT_EQ(topology->user_groups().size(), 1U);
  EXPECT_EQ(topology->user_groups()[0].users.value, 250'000);
  EXPECT_EQ(imported->placeholders,
            std::vector<std::string>{"region 'unplaced' holds payments, payments-db, fraud-check"});
}

// no-users.yaml: nothing names users, so front and admin, on which nothing
// depends, each get a placeholder group of 1,000; core gets none.
TEST(BackstageImport, WithoutUsersTheEntryPointsGetPlaceholderGroups) {
  Diagnostics diagnostics;
  const auto imported = import_backstage({fixture("no-users.yaml")}, {}, diagnostics);
  ASSERT_TRUE(imported) << diagnostics.to_text();
  const auto topology = loaded(imported->topology_yaml, "no-users.yaml");
  ASSERT_TRUE(topology);
  ASSERT_EQ(topology->user_groups().size(), 2U);
  EXPECT_EQ(topology->user_groups()[0].id, "front-users");
  EXPECT_EQ(topology->user_groups()[1].id, "admin-users");
  EXPECT_EQ(topology->user_groups()[0].users.value, 1000);
  EXPECT_NE(imported->topology_yaml.find("  - id: front-users\n    description: \"PLACEHOLDER: "
                                         "1000 users, time zone UTC, region unplaced\""),
            std::string::npos);
  EXPECT_EQ(imported->placeholders.size(), 3U);  // the region and two groups
}

TEST(BackstageImport, EveryMistakeIsSaidWhereItIs) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("bad-catalog.yaml")}, {}, d));
  EXPECT_EQ(d.error_count(), 9U) << d.to_text();
  EXPECT_TRUE(has_error(d, 7, 5, "did you mean 'faultline.io/regions'?"));
  EXPECT_TRUE(has_error(d, 9, 15, "did you mean 'component:default/api'?"));
  EXPECT_TRUE(has_error(d, 16, 15, "this field needs its kind"));
  EXPECT_TRUE(has_error(d, 21, 3, "has no 'name'"));
  EXPECT_TRUE(has_error(d, 23, 1, "defined twice"));
  EXPECT_TRUE(has_error(d, 33, 29, "must be a whole number, found 'many'"));
  EXPECT_TRUE(has_error(d, 34, 30, "did you mean 'active-passive'?"));
  EXPECT_TRUE(has_error(d, 36, 29, "unknown time zone 'Mars/Olympus'"));
  EXPECT_TRUE(has_error(d, 37, 37, "none of its dependencies"));
}

// Found by a helper: "names no entity in the files given" of a group the
// file defines.
TEST(BackstageImport, AGroupNamedAsADependencyIsNoService) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("group-reference.yaml")}, {}, d));
  EXPECT_EQ(d.error_count(), 2U) << d.to_text();
  EXPECT_TRUE(has_error(d, 9, 60, "component:default/payments names no entity in the files given"));
  EXPECT_TRUE(has_error(d, 9, 48,
                        "group:default/team is a group, which is no service; expected a "
                        "component or a resource"));
}

TEST(BackstageImport, AReferenceOfTheWrongKindNamesTheEntityOfThatName) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("wrong-kind.yaml")}, {}, d));
  EXPECT_EQ(d.error_count(), 1U) << d.to_text();
  EXPECT_TRUE(has_error(d, 11, 48,
                        "resource:default/db names no entity in the files given (did you mean "
                        "'component:default/db'?); add the file that defines it"));
}

// hostile-catalog.yaml: text YAML reads as more than text is quoted, and a
// line break in a comment's field becomes a space, so the topology holds
// what the catalog says and nothing else.
TEST(BackstageImport, TextCannotChangeTheYamlItIsWrittenInto) {
  Diagnostics diagnostics;
  const auto imported = import_backstage({fixture("hostile-catalog.yaml")}, {}, diagnostics);
  ASSERT_TRUE(imported) << diagnostics.to_text();
  const auto topology = loaded(imported->topology_yaml, "hostile.yaml");
  ASSERT_TRUE(topology);
  ASSERT_EQ(topology->services().size(), 1U);
  EXPECT_EQ(topology->services()[0].description,
            "line one\nline two \"quoted\" # not a comment, [not] {a: list}");
  ASSERT_EQ(topology->regions().size(), 2U);
  EXPECT_EQ(topology->regions()[0].id, "eu:west");
  EXPECT_EQ(topology->regions()[1].id, "us-east #1");
}

TEST(BackstageImport, NamesBackstageRefusesAreRefused) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("bad-names.yaml")}, {}, d));
  EXPECT_TRUE(has_error(d, 6, 9, "'b, c' is no Backstage name")) << d.to_text();
  EXPECT_TRUE(has_error(d, 12, 14, "'Shop' is no Backstage namespace"));
}

// placement-mistakes.yaml: each would make a topology the loader refuses.
TEST(BackstageImport, AnnotationsTheLoaderWouldRefuseAreRefusedWhereTheyAre) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("placement-mistakes.yaml")}, {}, d));
  EXPECT_EQ(d.error_count(), 7U) << d.to_text();
  EXPECT_TRUE(has_error(d, 9, 27, "names east twice"));
  EXPECT_TRUE(has_error(d, 41, 27,
                        "faultline.io/regions of component:default/e has an empty "
                        "item in 'east,,west'"));
  EXPECT_TRUE(has_error(d, 48, 27, "faultline.io/regions of component:default/f is empty"));
  EXPECT_TRUE(has_error(d, 17, 30, "its redundancy cannot be none"));
  EXPECT_TRUE(has_error(d, 24, 26, "applies only to k-of-n"));
  EXPECT_TRUE(has_error(d, 32, 30, "needs faultline.io/quorum"));
  EXPECT_TRUE(has_error(d, 33, 29, "d has none"));
}

// cycle.yaml, by hand: see its comments.
TEST(BackstageImport, ACycleStillGetsAGroupAndThePlaceholderRegionAnIdOfItsOwn) {
  Diagnostics diagnostics;
  const auto imported = import_backstage({fixture("cycle.yaml")}, {}, diagnostics);
  ASSERT_TRUE(imported) << diagnostics.to_text();
  const auto topology = loaded(imported->topology_yaml, "cycle.yaml");
  ASSERT_TRUE(topology);
  ASSERT_EQ(topology->user_groups().size(), 1U);
  EXPECT_EQ(topology->user_groups()[0].id, "ping-users");
  ASSERT_EQ(topology->regions().size(), 2U);
  EXPECT_EQ(topology->regions()[0].id, "unplaced");
  EXPECT_EQ(topology->regions()[1].id, "unplaced-2");
}

// loadall-loop.txt, found by the imports fuzzer: yaml-cpp 0.7's LoadAll
// loops for ever on it, while Load reads it. It is not UTF-8 (a byte 0xA8
// at 4:9), which is refused before it is parsed; loadall-loop-utf8.txt,
// the same with each such byte made '?', loops LoadAll too (checked with
// yaml-cpp 0.7 alone). Read document by document, it gets an answer too:
// yaml-cpp finds empty documents without end after its first, and the
// reader stops looking after 16 of them.
TEST(BackstageImport, InputThatLoopsYamlCppsLoadAllGetsAnAnswer) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("loadall-loop.txt")}, {}, d));
  EXPECT_TRUE(has_error(d, 4, 9, "byte 0xA8 here is not UTF-8 text")) << d.to_text();
  Diagnostics utf8;
  EXPECT_FALSE(import_backstage({fixture("loadall-loop-utf8.txt")}, {}, utf8));
  EXPECT_TRUE(has_error(utf8, 0, 0, "more than 16 documents follow the first")) << utf8.to_text();
}

TEST(BackstageImport, ACatalogWithoutServicesIsRefused) {
  Diagnostics d;
  EXPECT_FALSE(import_backstage({fixture("only-groups.yaml")}, {}, d));
  EXPECT_TRUE(has_error(d, 0, 0, "no Component or Resource")) << d.to_text();
}

std::shared_ptr<const Topology> traced() {
  const auto load = load_topology(fixture("traced.yaml"));
  EXPECT_TRUE(load.topology) << load.diagnostics.to_text();
  return load.topology;
}

DependencyDrift drift_of(const std::string& links) {
  Diagnostics d;
  const auto calls = read_trace_links(fixture(links), {}, d);
  EXPECT_TRUE(calls) << d.to_text();
  return calls ? dependency_drift(*traced(), *calls) : DependencyDrift{};
}

// jaeger.json against traced.yaml, by hand: web -> api and api -> db (300 +
// 50, one pair) are declared and called; web -> db (2 calls) is called but
// not declared; search is no service; cache and worker never appear, so
// api -> cache and worker -> db cannot be judged.
TEST(TraceDrift, JaegerLinksAgainstTheTopology) {
  const DependencyDrift drift = drift_of("jaeger.json");
  ASSERT_EQ(drift.undeclared.size(), 1U);
  EXPECT_EQ(drift.undeclared[0].client, "web");
  EXPECT_EQ(drift.undeclared[0].server, "db");
  EXPECT_EQ(drift.undeclared[0].calls, 2U);
  EXPECT_TRUE(drift.never_called.empty());
  EXPECT_EQ(drift.unknown_services, std::vector<std::string>{"search"});
  EXPECT_EQ(drift.not_traced.size(), 2U);
  EXPECT_EQ(drift.calls_matched, 2U);
  EXPECT_TRUE(drift.drifted());
}

// The same calls as OpenTelemetry service graph metrics give the same
// answer; the failed-requests metric and the comments are passed over, and
// the two api -> db samples add up.
TEST(TraceDrift, ServiceGraphMetricsGiveTheSameAnswer) {
  Diagnostics d;
  const auto calls = read_trace_links(fixture("service-graph.prom"), {}, d);
  ASSERT_TRUE(calls) << d.to_text();
  ASSERT_EQ(calls->size(), 4U);
  EXPECT_EQ((*calls)[1].client, "api");
  EXPECT_EQ((*calls)[1].server, "db");
  EXPECT_EQ((*calls)[1].calls, 350U);
  const DependencyDrift drift = dependency_drift(*traced(), *calls);
  EXPECT_EQ(drift.undeclared.size(), 1U);
  EXPECT_EQ(drift.unknown_services, std::vector<std::string>{"search"});
}

// zipkin.json calls every declared dependency and nothing else. Without
// the api -> cache call, api -> cache would be declared and never called
// (both services traced), which is drift.
TEST(TraceDrift, ZipkinLinksThatMatchAreNoDrift) {
  const DependencyDrift drift = drift_of("zipkin.json");
  EXPECT_FALSE(drift.drifted());
  EXPECT_EQ(drift.calls_matched, 4U);
  EXPECT_TRUE(drift.not_traced.empty());

  const std::vector<ObservedCall> without_cache{
      {"web", "api", 1}, {"api", "db", 1}, {"worker", "db", 1}, {"cache", "db", 1}};
  const DependencyDrift missing = dependency_drift(*traced(), without_cache);
  ASSERT_EQ(missing.never_called.size(), 1U);
  EXPECT_EQ(missing.never_called[0].kind, DependencyKind::soft);
  EXPECT_EQ(missing.undeclared.size(), 1U);  // cache -> db
}

// Found in review: a service's calls to itself were dropped without a
// word. They are no dependency, so no drift, but the result names them.
TEST(TraceDrift, CallsOfAServiceToItselfAreSaidNotJudged) {
  const std::vector<ObservedCall> calls{{"web", "api", 1},
                                        {"api", "db", 1},
                                        {"api", "cache", 1},
                                        {"worker", "db", 1},
                                        {"web", "web", 5}};
  const DependencyDrift drift = dependency_drift(*traced(), calls);
  EXPECT_FALSE(drift.drifted());
  ASSERT_EQ(drift.to_itself.size(), 1U);
  EXPECT_EQ(drift.to_itself[0].client, "web");
  EXPECT_EQ(drift.to_itself[0].calls, 5U);
  const std::string text = reports::drift_text(*traced(), drift);
  EXPECT_NE(text.find("Not judged (a service calling itself, which is no dependency):\n"
                      "  web -> web  (5 calls)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(reports::drift_json(*traced(), drift)["to_itself"][0]["calls"], 5);
}

// crlf.prom, written on Windows: web -> api is called 7 times; api -> db
// has a series with no calls, which names both as traced but is no call,
// so the declared api -> db is never called.
TEST(TraceDrift, WindowsLineEndsAndSeriesWithoutCalls) {
  const DependencyDrift drift = drift_of("crlf.prom");
  EXPECT_EQ(drift.calls_matched, 1U);
  ASSERT_EQ(drift.never_called.size(), 1U);
  EXPECT_EQ(traced()->service(drift.never_called[0].client).id, "api");
  EXPECT_EQ(traced()->service(drift.never_called[0].server).id, "db");
  EXPECT_TRUE(drift.undeclared.empty());
}

TEST(TraceDrift, BadLinksAreSaidWhereTheyAre) {
  Diagnostics json;
  EXPECT_FALSE(read_trace_links(fixture("bad-link.json"), {}, json));
  EXPECT_TRUE(has_error(json, 3, 3, "the link has no 'child'")) << json.to_text();
  EXPECT_TRUE(has_error(json, 5, 3, "the link has no 'callCount'"));
  EXPECT_TRUE(has_error(json, 4, 49, "found -1"));
  // Found in review: a count past 64 bits was "no whole number".
  EXPECT_TRUE(has_error(json, 6, 49,
                        "the link's callCount must be between 0 and 9223372036854775807, found "
                        "18446744073709551615"));
  Diagnostics prom;
  EXPECT_FALSE(read_trace_links(fixture("bad-labels.prom"), {}, prom));
  EXPECT_TRUE(has_error(prom, 3, 61, "expected ',' or '}' after the label server"))
      << prom.to_text();
  EXPECT_TRUE(has_error(prom, 4, 1, "needs the labels client and server"));
  // Which client made the 9 calls cannot be told: the second is refused,
  // not read over the first.
  EXPECT_TRUE(has_error(prom, 5, 62, "the label client is given twice"));
  Diagnostics fractional;
  EXPECT_FALSE(read_trace_links(fixture("fractional.prom"), {}, fractional));
  EXPECT_TRUE(has_error(fractional, 3, 1,
                        "a request count must be a whole number from 0 to 2^63 (the counter's "
                        "total, not a rate), found 0.4"))
      << fractional.to_text();
  EXPECT_TRUE(has_error(fractional, 4, 1, "found 2.7"));
  EXPECT_EQ(fractional.error_count(), 2u);
  // Found by a helper: only the first of two JSON values was read, and a
  // key given twice kept its first value, so drift went unseen.
  Diagnostics two;
  EXPECT_FALSE(read_trace_links(fixture("two-values.json"), {}, two));
  EXPECT_TRUE(has_error(two, 2, 1, "a second document begins here")) << two.to_text();
  Diagnostics repeated;
  EXPECT_FALSE(read_trace_links(fixture("repeated-keys.json"), {}, repeated));
  EXPECT_TRUE(
      has_error(repeated, 2, 2, "key 'data' appears twice in the dependencies (first at line 1)"))
      << repeated.to_text();
  Diagnostics link;
  EXPECT_FALSE(read_trace_links(fixture("repeated-link-key.json"), {}, link));
  EXPECT_TRUE(has_error(link, 1, 36, "key 'parent' appears twice in the link")) << link.to_text();
  Diagnostics none;
  EXPECT_FALSE(read_trace_links(fixture("traced.yaml"), {}, none));
  // A YAML file is neither: read as metrics, its first sample is no number.
  EXPECT_TRUE(has_error(none, 3, 10, "the sample's value '[{id:' is not a number"))
      << none.to_text();
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
