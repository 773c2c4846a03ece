#include <gtest/gtest.h>

#include "faultline/health.hpp"
#include "faultline/loader.hpp"
#include "test_support.hpp"

namespace faultline {
namespace {

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

}  // namespace
}  // namespace faultline
