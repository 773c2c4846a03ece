#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>

#include "faultline/health.hpp"
#include "faultline/loader.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

class Health : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = load_topology(testing::test_path("health/fixtures/chain.yaml"));
    ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
    topology_ = load.topology;
    health_.emplace(*topology_);
  }
  ServiceId s(const char* id) const { return *topology_->find_service(id); }
  DeploymentId d(const char* id) const { return *topology_->find_deployment(id); }
  ServiceState state(const char* id) const { return health_->health(s(id)).state(); }
  double served(const char* id) const { return health_->health(s(id)).served_fraction; }
  std::vector<std::string> changed() {
    std::vector<std::string> out;
    for (const ServiceId id : health_->propagate())
      out.push_back(topology_->service(id).id);
    return out;
  }
  UserCount staff_affected() const { return health_->affected_users(UserGroupId{0}); }

  std::shared_ptr<const Topology> topology_;
  std::optional<HealthPropagator> health_;
};

using Ids = std::vector<std::string>;

TEST_F(Health, StartsOperational) {
  for (const auto& service : topology_->services()) {
    EXPECT_EQ(state(service.id.c_str()), ServiceState::operational) << service.id;
  }
  EXPECT_EQ(staff_affected(), UserCount{0});
}

// A trial's changes are undone whole: every state as before, nothing left
// to propagate, and the same change made for real gives what it gives
// without a trial before it.
TEST_F(Health, ATrialIsUndoneWhole) {
  health_->begin_trial();
  health_->set_healthy_instances(d("db@east"), 0);
  health_->set_capability(s("unrelated"), 0.0);
  health_->set_healthy_instances(d("auth@east"), 0);
  health_->settle_failover(s("auth"));
  EXPECT_EQ(health_->active_deployment(s("auth")), d("auth@west"));
  EXPECT_EQ(changed(), (Ids{"db", "api", "web", "unrelated"}));
  EXPECT_EQ(state("web"), ServiceState::major_outage);
  EXPECT_EQ(state("auth"), ServiceState::operational) << "west serves it whole";
  health_->end_trial();
  EXPECT_EQ(health_->active_deployment(s("auth")), d("auth@east"));
  for (const auto& service : topology_->services())
    EXPECT_EQ(state(service.id.c_str()), ServiceState::operational) << service.id;
  EXPECT_EQ(health_->healthy_instances(d("db@east")),
            topology_->deployment(d("db@east")).instances);
  EXPECT_DOUBLE_EQ(health_->capability(s("unrelated")), 1.0);
  EXPECT_TRUE(changed().empty());

  health_->set_healthy_instances(d("db@east"), 1);
  EXPECT_EQ(changed(), (Ids{"db", "api", "web"}));
  EXPECT_DOUBLE_EQ(served("web"), 0.25);
}

// A reset forgets the last run's impairments even though it writes them
// only after a run that had any: the next run that impairs something else
// (turning full evaluation on) must not meet the old loss on db. db with 2
// of its 4 instances serves 2/4 = 0.5, a partial outage and no more; with
// the old 10% loss still on db@east it would be degraded as well.
TEST_F(Health, AResetForgetsTheLastRunsImpairments) {
  health_->set_impairment(d("db@east"), Impairment{.packet_loss = 0.1, .added_latency = {}});
  changed();
  ASSERT_TRUE(health_->health(s("db")).degraded);
  health_->reset();
  health_->set_impairment(d("unrelated@west"), Impairment{.packet_loss = 0.2, .added_latency = {}});
  health_->set_healthy_instances(d("db@east"), 2);
  changed();
  EXPECT_EQ(served("db"), 0.5);
  EXPECT_FALSE(health_->health(s("db")).degraded);
  EXPECT_EQ(state("db"), ServiceState::partial_outage);
}

TEST_F(Health, HardDependantsServeNoMoreThanTheirDependency) {
  health_->set_healthy_instances(d("db@east"), 1);
  // Only what the change can reach is re-evaluated and reported.
  EXPECT_EQ(changed(), (Ids{"db", "api", "web"}));
  EXPECT_DOUBLE_EQ(served("db"), 0.25);
  EXPECT_EQ(state("db"), ServiceState::major_outage);
  EXPECT_DOUBLE_EQ(served("web"), 0.25);
  EXPECT_EQ(state("unrelated"), ServiceState::operational);
  EXPECT_EQ(staff_affected(), UserCount{150});

  health_->set_healthy_instances(d("db@east"), 2);
  EXPECT_EQ(changed(), (Ids{"db", "api", "web"}));
  EXPECT_EQ(state("web"), ServiceState::partial_outage);
  EXPECT_EQ(staff_affected(), UserCount{100});

  health_->set_healthy_instances(d("db@east"), 4);
  EXPECT_EQ(changed(), (Ids{"db", "api", "web"}));
  EXPECT_EQ(state("web"), ServiceState::operational);
}

TEST_F(Health, SoftDependenciesDegradeWithoutCuttingUsersOff) {
  health_->set_healthy_instances(d("cache@east"), 0);
  EXPECT_EQ(changed(), (Ids{"cache", "api", "web"}));
  EXPECT_EQ(state("cache"), ServiceState::major_outage);
  EXPECT_EQ(state("api"), ServiceState::degraded_performance);
  EXPECT_DOUBLE_EQ(served("api"), 1.0);
  EXPECT_EQ(state("web"), ServiceState::degraded_performance)
      << "through its hard dependency on api";
  EXPECT_EQ(staff_affected(), UserCount{0});
}

TEST_F(Health, ActiveActiveServesItsHealthyShare) {
  health_->set_healthy_instances(d("api@west"), 0);
  changed();
  EXPECT_DOUBLE_EQ(served("api"), 0.75);
  EXPECT_EQ(state("api"), ServiceState::partial_outage);
  health_->set_healthy_instances(d("api@east"), 0);
  changed();
  EXPECT_EQ(state("api"), ServiceState::major_outage);
}

TEST_F(Health, ActivePassiveServesFromItsActiveDeploymentOnly) {
  health_->set_healthy_instances(d("auth@east"), 1);
  changed();
  EXPECT_DOUBLE_EQ(served("auth"), 0.5) << "the primary still answers, at half strength";
  health_->set_healthy_instances(d("auth@east"), 0);
  EXPECT_EQ(changed(), (Ids{"auth"}));
  EXPECT_EQ(state("auth"), ServiceState::major_outage)
      << "west is healthy but passive: moving to it is the failover's job, not health's";
  health_->set_active_deployment(s("auth"), d("auth@west"));
  EXPECT_EQ(changed(), (Ids{"auth"}));
  EXPECT_EQ(state("auth"), ServiceState::operational) << "failed over to west";
  health_->set_healthy_instances(d("auth@east"), 2);
  changed();
  EXPECT_EQ(health_->active_deployment(s("auth")), d("auth@west")) << "no automatic failback";
  health_->set_healthy_instances(d("auth@west"), 0);
  health_->set_healthy_instances(d("auth@east"), 0);
  changed();
  EXPECT_EQ(state("auth"), ServiceState::major_outage);
  EXPECT_EQ(staff_affected(), UserCount{200});
}

TEST_F(Health, SettlingFailoversMovesEachActivePassiveServiceToItsFirstServingDeployment) {
  health_->set_healthy_instances(d("auth@east"), 0);
  health_->settle_failovers();
  changed();
  EXPECT_EQ(health_->active_deployment(s("auth")), d("auth@west"));
  EXPECT_EQ(state("auth"), ServiceState::operational);
}

TEST_F(Health, CapabilityScalesWhatTheDeploymentsServe) {
  health_->set_capability(s("web"), 0.6);
  EXPECT_EQ(changed(), (Ids{"web"}));
  EXPECT_EQ(state("web"), ServiceState::partial_outage);
  EXPECT_EQ(staff_affected(), UserCount{80});
  health_->set_capability(s("web"), 0.6);
  EXPECT_TRUE(changed().empty()) << "no change, nothing reported";
}

// fits_below by hand: a deployment's capacity is 1000 x healthy / 2
// instances, and the demand reaches it when its half of the total weight
// (4) does, so fits_below = capacity x 4 / 2: 2000 with every instance up,
// 1000 with one of api-east's down (500 x 2). A limit that moves is listed
// once until forgotten, however many propagations move it; one that does
// not move, and a service without capacity, are never listed.
TEST(HealthLimits, ListTheCapacityLimitedServicesWhoseLimitMoved) {
  const auto load = load_topology(testing::test_path("health/fixtures/capacity.yaml"));
  ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
  const ServiceId api = *load.topology->find_service("api");
  const DeploymentId east = *load.topology->find_deployment("api-east");
  HealthPropagator health(*load.topology);
  using Listed = std::vector<ServiceId>;
  const auto listed = [&] {
    const auto changes = health.limit_changes();
    return Listed(changes.begin(), changes.end());
  };
  health.set_demand(api, UserCount{100});
  health.propagate();
  EXPECT_EQ(health.fits_below(api), 2000);
  EXPECT_EQ(listed(), Listed{api});
  health.set_healthy_instances(east, 1);
  health.propagate();
  EXPECT_EQ(health.fits_below(api), 1000);
  EXPECT_EQ(listed(), Listed{api}) << "listed once, not once per propagation";
  health.forget_limit_changes();
  EXPECT_EQ(listed(), Listed{});
  health.set_demand(api, UserCount{200});
  health.propagate();
  EXPECT_EQ(listed(), Listed{}) << "a demand under the limit moves no limit";
  health.set_healthy_instances(east, 2);
  health.propagate();
  EXPECT_EQ(health.fits_below(api), 2000);
  EXPECT_EQ(listed(), Listed{api});
  health.reset();
  EXPECT_EQ(listed(), Listed{}) << "a reset forgets";
}

// An estate with nothing failed is operational everywhere, whatever its
// instance counts, weights and capacities, as long as every deployment can
// carry its share of the demand: capacities are drawn at exactly the share
// (rounded up to a whole user) or above, the case where a rounded sum of
// shares once fell short of the demand.
TEST(HealthProperty, AnUnfaultedEstateIsOperationalEverywhere) {
  std::mt19937_64 random(20181925);
  const auto draw = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(random);
  };
  for (int trial = 0; trial < 200; ++trial) {
    const int deployments = draw(1, 5);
    const long demand = draw(1, 2'000'000);
    std::vector<long> instances;
    std::vector<long> weights;
    long total_weight = 0;
    for (int d = 0; d < deployments; ++d) {
      instances.push_back(draw(1, 1000));
      weights.push_back(draw(0, 1) ? draw(1, 1000) : instances.back());
      total_weight += weights.back();
    }
    std::string yaml = "regions: [{id: r}]\nservices:\n  - id: spread\n";
    yaml += fmt::format("    redundancy: {}\n    deployments:\n",
                        draw(0, 1) ? "active-active" : "k-of-n\n    quorum: 1");
    for (int d = 0; d < deployments; ++d) {
      const long share = (demand * weights[d] + total_weight - 1) / total_weight;
      yaml += fmt::format("      - {{id: d{}, region: r, instances: {}, weight: {}, capacity: {}}}\n",
                          d, instances[d], weights[d], share + draw(0, 1) * draw(0, 50));
    }
    yaml += fmt::format("  - {{id: plain, deployments: [{{region: r, instances: {}}}]}}\n",
                        draw(1, 1000));
    yaml += "  - {id: front, deployments: [{region: r}], depends_on: [spread, plain]}\n";
    yaml += fmt::format("user_groups:\n  - {{id: all, users: {}, region: r, time_zone: UTC, "
                        "activity: always, uses: [front, spread]}}\n",
                        demand);
    const std::string path = ::testing::TempDir() + "/unfaulted_estate.yaml";
    std::ofstream(path) << yaml;
    const auto load = load_topology(path);
    ASSERT_TRUE(load.topology) << load.diagnostics.to_text() << yaml;
    HealthPropagator health(*load.topology);
    health.set_demand(*load.topology->find_service("spread"), UserCount{demand});
    health.propagate();
    for (std::uint32_t s = 0; s < load.topology->services().size(); ++s) {
      EXPECT_EQ(health.health(ServiceId{s}).state(), ServiceState::operational)
          << "trial " << trial << ", " << load.topology->services()[s].id << ":\n" << yaml;
    }
    EXPECT_EQ(health.affected_users(UserGroupId{0}), UserCount{}) << yaml;
  }
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline

namespace faultline {
namespace FAULTLINE_TEST_FILE {

// The queue hands services out in the order it was given, whatever order
// they were added in, each once; one added back below the last taken (a
// cycle's member) comes next. Checked against a sorted set of positions
// over 5,000 random adds and takes across many 64-bit words.
TEST(EvaluationQueue, TakesTheFirstWaitingInEvaluationOrder) {
  constexpr std::uint32_t kServices = 9'000;
  std::vector<ServiceId> order;
  for (std::uint32_t i = 0; i < kServices; ++i)
    order.push_back(ServiceId{(i * 7919) % kServices});  // 7919 is prime: a permutation
  std::vector<std::uint32_t> position(kServices);
  for (std::uint32_t p = 0; p < kServices; ++p)
    position[order[p].value] = p;
  EvaluationQueue queue(order);
  std::set<std::uint32_t> expected;  // positions waiting
  std::mt19937 random(3);
  for (int i = 0; i < 5'000; ++i) {
    const ServiceId s{static_cast<std::uint32_t>(random() % kServices)};
    queue.add(s);
    expected.insert(position[s.value]);
    EXPECT_TRUE(queue.waiting(s));
    if (random() % 3 == 0) {
      ASSERT_FALSE(queue.empty());
      const ServiceId taken = queue.take();
      EXPECT_EQ(position[taken.value], *expected.begin());
      expected.erase(expected.begin());
      EXPECT_FALSE(queue.waiting(taken));
    }
  }
  while (!expected.empty()) {
    EXPECT_EQ(position[queue.take().value], *expected.begin());
    expected.erase(expected.begin());
  }
  EXPECT_TRUE(queue.empty());

  queue.add(order[5000]);
  queue.add(order[4000]);
  queue.add(order[4000]);
  EXPECT_EQ(queue.take().value, order[4000].value) << "added twice, waits once";
  queue.add(order[10]);
  EXPECT_EQ(queue.take().value, order[10].value) << "back below the last taken";
  queue.add(order[8999]);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.waiting(order[5000]));
  EXPECT_FALSE(queue.waiting(order[8999]));
  queue.add(order[0]);
  EXPECT_EQ(queue.take().value, order[0].value);
  EXPECT_TRUE(queue.empty());
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
