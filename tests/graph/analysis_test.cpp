#include <gtest/gtest.h>

#include "faultline/analysis.hpp"
#include "faultline/loader.hpp"
#include "faultline/overloaded.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

// A single point of failure as "region east", "service config".
std::string describe(const Topology& topology, const SinglePointOfFailure& spof) {
  return std::visit(Overloaded{[&](RegionId r) { return "region " + topology.region(r).id; },
                               [&](DeploymentId d) {
                                 return "deployment " + topology.deployment(d).id;
                               },
                               [&](ServiceId s) { return "service " + topology.service(s).id; }},
                    spof.component);
}

class Analysis : public ::testing::Test {
 protected:
  void SetUp() override { open("layered.yaml"); }

  void open(const std::string& name) {
    auto load = load_topology(testing::test_path("graph/fixtures/" + name));
    ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
    topology_ = load.topology;
    analysis_ = analyze(*topology_);
  }

  std::vector<std::string> ids(const std::vector<ServiceId>& services) const {
    std::vector<std::string> out;
    for (const ServiceId s : services)
      out.push_back(topology_->service(s).id);
    return out;
  }
  ServiceId service(const char* id) const { return *topology_->find_service(id); }

  std::shared_ptr<const Topology> topology_;
  TopologyAnalysis analysis_;
};

using Ids = std::vector<std::string>;

TEST_F(Analysis, LayersPutEachServiceAboveItsDeepestDependency) {
  ASSERT_EQ(analysis_.layers.size(), 4u);
  EXPECT_EQ(ids(analysis_.layers[0]), (Ids{"dns", "db", "metrics", "a", "b"}));
  EXPECT_EQ(ids(analysis_.layers[1]), (Ids{"auth"}));
  EXPECT_EQ(ids(analysis_.layers[2]), (Ids{"api"}));
  EXPECT_EQ(ids(analysis_.layers[3]), (Ids{"web"}));
}

TEST_F(Analysis, FindsTheCycle) {
  ASSERT_EQ(analysis_.cycles.size(), 1u);
  EXPECT_EQ(ids(analysis_.cycles[0].services), (Ids{"a", "b"}));
  EXPECT_TRUE(analysis_.cycles[0].hard());
}

// cycles.yaml, worked in its comments: a soft cycle no longer hides a hard
// one through the same services, and every service on a cycle is on one.
TEST_F(Analysis, EveryServiceOnACycleIsOnOneListedHardCyclesFirst) {
  open("cycles.yaml");
  using enum DependencyKind;
  ASSERT_EQ(analysis_.cycles.size(), 3u);
  EXPECT_EQ(ids(analysis_.cycles[0].services), (Ids{"a", "b", "c"}));
  EXPECT_EQ(analysis_.cycles[0].links, (std::vector{hard, hard, hard}));
  EXPECT_TRUE(analysis_.cycles[0].hard());
  EXPECT_EQ(ids(analysis_.cycles[1].services), (Ids{"d", "c"}));
  EXPECT_TRUE(analysis_.cycles[1].hard());
  EXPECT_EQ(ids(analysis_.cycles[2].services), (Ids{"e", "f"}));
  EXPECT_EQ(analysis_.cycles[2].links, (std::vector{soft, hard}));
  EXPECT_FALSE(analysis_.cycles[2].hard());
}

TEST_F(Analysis, BlastRadiusFollowsHardDependenciesOnly) {
  const BlastRadius& db = analysis_.blast_radius[service("db").value];
  EXPECT_EQ(ids(db.services_lost), (Ids{"auth", "api", "web"}));
  EXPECT_EQ(db.users, UserCount{1000});

  // api depends on metrics softly: losing metrics takes nothing else down.
  const BlastRadius& metrics = analysis_.blast_radius[service("metrics").value];
  EXPECT_TRUE(metrics.services_lost.empty());
  EXPECT_EQ(metrics.users, UserCount{50}) << "its own users";

  const BlastRadius& a = analysis_.blast_radius[service("a").value];
  EXPECT_EQ(ids(a.services_lost), (Ids{"b"}));
  EXPECT_EQ(a.users, UserCount{0});
}

// layered.yaml with lists of at most two: db takes down auth, api and web
// (services 2, 3 and 5 in listed order), so it lists auth and api and
// counts 3; a takes down b round their cycle, not itself again.
TEST_F(Analysis, BlastRadiusCountsWholeAndListsUpToTheLimit) {
  analysis_ = analyze(*topology_, {.list_limit = 2});
  const BlastRadius& db = analysis_.blast_radius[service("db").value];
  EXPECT_EQ(db.services_lost_count, 3u);
  EXPECT_EQ(ids(db.services_lost), (Ids{"auth", "api"}));
  EXPECT_EQ(db.user_groups_count, 1u);
  EXPECT_EQ(db.users, UserCount{1000});
  const BlastRadius& a = analysis_.blast_radius[service("a").value];
  EXPECT_EQ(a.services_lost_count, 1u);
  EXPECT_EQ(ids(a.services_lost), (Ids{"b"}));

  analysis_ = analyze(*topology_, {.list_limit = 0});
  const BlastRadius& counted = analysis_.blast_radius[service("db").value];
  EXPECT_EQ(counted.services_lost_count, 3u);
  EXPECT_TRUE(counted.services_lost.empty());
  EXPECT_EQ(counted.user_groups_count, 1u);
  EXPECT_TRUE(counted.user_groups.empty());
  EXPECT_EQ(counted.users, UserCount{1000}) << "users count every group, listed or not";
}

TEST_F(Analysis, SinglePointsOfFailureRespectRedundancy) {
  const auto described = [&](const GroupSpofs& group) {
    Ids out;
    for (const auto& spof : group.spofs)
      out.push_back(describe(*topology_, spof));
    return out;
  };
  // auth fails over to west and dns, api are active-active: losing one of
  // their deployments leaves web partly served, which is not a total loss.
  // Lost whole, each service web hard-depends on takes it down; metrics is
  // a soft dependency, and web itself has no dependants.
  EXPECT_EQ(described(analysis_.single_points_of_failure[0]),
            (Ids{"region east", "region west", "deployment db@east", "deployment web@west",
                 "service dns", "service db", "service auth", "service api"}));
  EXPECT_EQ(described(analysis_.single_points_of_failure[1]),
            (Ids{"region west", "deployment metrics@west"}));
  const SinglePointOfFailure& dns = analysis_.single_points_of_failure[0].spofs[4];
  EXPECT_EQ(ids(dns.path), (Ids{"web", "api", "auth", "dns"}));
  EXPECT_TRUE(analysis_.single_points_of_failure[0].spofs[0].path.empty())
      << "a region's loss has no path";
}

// logical_spof.yaml: worked out in its comments.
TEST_F(Analysis, AServiceEveryReplicaDependsOnIsASinglePointOfFailure) {
  open("logical_spof.yaml");
  const auto& spofs = analysis_.single_points_of_failure[0].spofs;
  ASSERT_EQ(spofs.size(), 2u) << "no region or deployment, two services";
  EXPECT_EQ(describe(*topology_, spofs[0]), "service config");
  EXPECT_EQ(ids(spofs[0].services_down), (Ids{"meetings", "messaging"}));
  EXPECT_EQ(ids(spofs[0].path), (Ids{"meetings", "identity", "config"}));
  EXPECT_EQ(describe(*topology_, spofs[1]), "service identity");
  EXPECT_EQ(ids(spofs[1].services_down), (Ids{"meetings"}));
  EXPECT_EQ(ids(spofs[1].path), (Ids{"meetings", "identity"}));
}

// down_at_peak.yaml: worked out in its comments.
TEST_F(Analysis, AServiceDownWithNothingLostIsNoOnesSinglePointOfFailure) {
  open("down_at_peak.yaml");
  EXPECT_EQ(ids(analysis_.down_at_peak), (Ids{"small"}));
  EXPECT_TRUE(analysis_.single_points_of_failure[0].spofs.empty());
}

// overload_spof.yaml: worked out in its comments.
TEST_F(Analysis, ALossThatLeavesTheRestOverloadedIsASinglePointOfFailure) {
  open("overload_spof.yaml");
  EXPECT_TRUE(analysis_.down_at_peak.empty());
  Ids g;
  for (const auto& spof : analysis_.single_points_of_failure[0].spofs)
    g.push_back(describe(*topology_, spof));
  EXPECT_EQ(g, (Ids{"region east", "region west", "deployment api@east", "deployment api@west"}));
  EXPECT_TRUE(analysis_.single_points_of_failure[1].spofs.empty());
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
