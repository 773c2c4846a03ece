// The SimGrid platform built from a topology: zones, hosts sized by
// capacity, and the latency and narrowest link of the routes requests take.

#include "faultline/network.hpp"

#include <gtest/gtest.h>

#include "faultline/loader.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/reports/html.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/summary.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/tally.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::shared_ptr<const Topology> two_regions() {
  const auto load = load_topology(testing::test_path("network/fixtures/two_regions.yaml"));
  if (!load.topology)
    throw std::runtime_error(load.diagnostics.to_text());
  return load.topology;
}

const PlatformRoute& route(const PlatformDescription& p, const std::string& from,
                           const std::string& to) {
  for (const PlatformRoute& r : p.routes) {
    if (r.from == from && r.to == to)
      return r;
  }
  throw std::runtime_error("no route from " + from + " to " + to);
}

TEST(Network, ReadsTheNetworkSectionWithItsUnits) {
  const auto topology = two_regions();
  const NetworkSpec& n = topology->network();
  EXPECT_DOUBLE_EQ(n.lan.bits_per_second, 1e9);
  EXPECT_EQ(n.lan.latency, Duration::milliseconds(1));
  EXPECT_EQ(n.wan.latency, Duration::milliseconds(30));
  EXPECT_EQ(n.request.request_bytes, 20'000);
  EXPECT_EQ(n.request.response_bytes, 100'000);
  EXPECT_EQ(n.request.retries, 2);
  EXPECT_DOUBLE_EQ(topology->wan_link(RegionId{0}).bits_per_second, 100e6);
  EXPECT_EQ(topology->wan_link(RegionId{0}).latency, Duration::milliseconds(20));
  EXPECT_DOUBLE_EQ(topology->wan_link(RegionId{1}).bits_per_second, 10e9) << "the default";
}

TEST(Network, BuildsAZonePerRegionAndAHostPerDeployment) {
  const PlatformDescription p = describe_platform(*two_regions());
  ASSERT_EQ(p.hosts.size(), 4u);  // db@east, app@east, app@west, clients:office
  EXPECT_EQ(p.hosts[0].name, "db@east");
  EXPECT_EQ(p.hosts[2].zone, "west");
  EXPECT_EQ(p.hosts[3].name, "clients:office");
  // Capacity in users at 60 requests per user-hour: 1000 users make 16.7/s.
  EXPECT_NEAR(p.hosts[1].requests_per_second, 1000.0 / 60, 1e-9);
  EXPECT_NEAR(p.hosts[2].requests_per_second, 500.0 / 60, 1e-9);
  // Without capacity: ten times what every user reaching it could ask.
  EXPECT_NEAR(p.hosts[0].requests_per_second, 10 * 2000.0 / 60, 1e-9);
}

TEST(Network, RoutesCrossTheLinksOfTheirRegionsAndTheWan) {
  const PlatformDescription p = describe_platform(*two_regions());
  const PlatformRoute& local = route(p, "clients:office", "app@west");
  EXPECT_EQ(local.links, 2);
  EXPECT_EQ(local.latency, Duration::milliseconds(2));
  EXPECT_DOUBLE_EQ(local.bottleneck_bits_per_second, 1e9);
  // lan 1ms + west's wan 30ms + east's wan 20ms + lan 1ms, through east's thin link.
  const PlatformRoute& remote = route(p, "clients:office", "app@east");
  EXPECT_EQ(remote.links, 4);
  EXPECT_EQ(remote.latency, Duration::milliseconds(52));
  EXPECT_DOUBLE_EQ(remote.bottleneck_bits_per_second, 100e6);
  EXPECT_EQ(route(p, "app@west", "db@east").latency, Duration::milliseconds(52));
  EXPECT_EQ(route(p, "app@east", "db@east").latency, Duration::milliseconds(2));
  EXPECT_EQ(p.routes.size(), 4u) << "2 from the clients to app, 2 from app to db";
}

TEST(Network, EachPlatformIsBuiltInAProcessOfItsOwn) {
  // SimGrid allows one engine per process: a second description in this
  // process works only because neither lives here.
  const auto topology = two_regions();
  EXPECT_EQ(describe_platform(*topology).routes.size(), describe_platform(*topology).routes.size());
}

TEST(Network, TheWebexEstateBuildsWithItsNetworkSection) {
  const auto load = load_topology(testing::source_path("topologies/webex-2018.yaml"));
  ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
  const Topology& t = *load.topology;
  const PlatformDescription p = describe_platform(t);
  EXPECT_EQ(p.hosts.size(), t.deployments().size() + t.user_groups().size());
  ASSERT_FALSE(p.routes.empty());
  for (const PlatformRoute& r : p.routes) {
    // Two links within a region (2 ms), four across regions (2 x 1 ms + 2 x 30 ms).
    EXPECT_TRUE((r.links == 2 && r.latency == Duration::milliseconds(2)) ||
                (r.links == 4 && r.latency == Duration::milliseconds(62)))
        << r.from << " -> " << r.to << ": " << r.links << " links, " << r.latency.ms << " ms";
  }
}

TEST(Network, IdsThatLookLikeThePlatformsOwnNamesDoNotClash) {
  const auto load = load_topology(testing::test_path("network/fixtures/clashing_names.yaml"));
  ASSERT_TRUE(load.topology) << load.diagnostics.to_text();
  const PlatformDescription p = describe_platform(*load.topology);
  ASSERT_EQ(p.hosts.size(), 3u);
  EXPECT_EQ(p.hosts[0].name, "gateway:east");
  EXPECT_EQ(p.hosts[2].name, "clients:office");
  EXPECT_EQ(route(p, "clients:office", "clients:office").links, 4)
      << "the group's own region is east";
}

TEST(Network, ReportsEveryBadNetworkFieldWhereItIs) {
  const auto load = load_topology(testing::test_path("network/fixtures/bad_network.yaml"));
  EXPECT_FALSE(load.topology);
  const Diagnostics& d = load.diagnostics;
  EXPECT_TRUE(testing::has_error(d, 2, 20, "must be a bandwidth above 0 such as 10Gbps"));
  EXPECT_TRUE(testing::has_error(d, 3, 37, "cannot be negative"));
  EXPECT_TRUE(testing::has_error(d, 4, 19, "must be a size of 1 byte or more"));
  EXPECT_TRUE(testing::has_error(d, 4, 55, "timeout must be longer than 0"));
  EXPECT_TRUE(testing::has_error(d, 4, 68, "retries must be between 0 and 10"));
  EXPECT_TRUE(testing::has_error(d, 4, 94, "requests per active user and hour"));
  EXPECT_TRUE(testing::has_error(d, 5, 3, "fabric"));
  EXPECT_TRUE(testing::has_error(d, 7, 33, "must be a bandwidth above 0"));
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline

namespace faultline {
namespace FAULTLINE_TEST_FILE {

std::shared_ptr<const Scenario> network_scenario(const std::string& name) {
  auto load = load_scenario(testing::test_path("network/fixtures/" + name));
  if (!load.scenario)
    throw std::runtime_error(load.diagnostics.to_text());
  return load.scenario;
}

TEST(NetworkReplay, AgreesWithStateFidelityOnDowntimeWithoutCapacityEffects) {
  const auto scenario = network_scenario("cross_check.yaml");
  const RunResult state = replay(*scenario);
  const Duration timeout = scenario->topology->network().request.timeout;
  // With steps shorter than the timeout, within one timeout; with the
  // default step, within a step.
  for (const Duration step : {Duration::seconds(1), Duration::minutes(1)}) {
    const NetworkRunResult network = replay_network(*scenario, {step, Duration::hours(1)});
    const Duration tolerance = std::max(timeout, step);
    for (std::size_t s = 0; s < state.services.size(); ++s) {
      const std::string id = scenario->topology->services()[s].id;
      const ServiceOutcome& a = state.services[s];
      const ServiceOutcome& b = network.run.services[s];
      EXPECT_GT(a.down, Duration{}) << id << ": every service goes down in this scenario";
      EXPECT_LE(std::abs((a.down - b.down).ms), tolerance.ms) << id << " at step " << step.ms;
      EXPECT_LE(std::abs((a.partial - b.partial).ms), tolerance.ms) << id;
      EXPECT_LE(std::abs((a.degraded - b.degraded).ms), tolerance.ms) << id;
      ASSERT_TRUE(b.restored_at) << id;
      EXPECT_LE(std::abs((*a.restored_at - *b.restored_at).ms), tolerance.ms) << id;
    }
    const auto lost = [](const RunResult& r) { return r.overall.lost.in_user_hours(); };
    EXPECT_NEAR(lost(network.run), lost(state), 0.01 * lost(state));
    // The runbook is the state run's.
    EXPECT_EQ(network.run.steps[0].completed, state.steps[0].completed);
  }
}

TEST(NetworkReplay, FailoverOverAThinWanLinkTimesOutWhatStateFidelityCallsServed) {
  const auto scenario = network_scenario("thin_wan.yaml");
  const RunResult state = replay(*scenario);
  // At state fidelity, the standby takes over three minutes after the loss.
  const ServiceOutcome& app = state.services[0];
  EXPECT_EQ(app.down, Duration::minutes(3));
  EXPECT_EQ(app.final_state, ServiceState::operational);

  const NetworkRunResult network =
      replay_network(*scenario, {Duration::minutes(1), Duration::minutes(10)});
  const Duration timeout = scenario->topology->network().request.timeout;
  const auto& windows = network.requests.groups[0];
  // Before the loss, answers come in milliseconds.
  ASSERT_TRUE(windows[0].p99);
  EXPECT_LT(*windows[0].p99, Duration::milliseconds(100));
  EXPECT_DOUBLE_EQ(windows[0].success_rate(), 1.0);
  // From the first full window on the standby until the east is rebuilt
  // (11:10), the office's traffic is several times what the west's link
  // carries: answers queue far past the timeout, and almost all requests fail.
  const SimTime rebuilt = *state.steps[0].completed;
  std::size_t checked = 0;
  for (std::size_t w = 2; windows[w].from + network.requests.window <= rebuilt; ++w, ++checked) {
    ASSERT_TRUE(windows[w].p99) << w;
    EXPECT_GT(*windows[w].p99, timeout * 10) << w;
    EXPECT_LT(windows[w].success_rate(), 0.1) << w;
  }
  EXPECT_EQ(checked, 11u);
  // Failing back to the east ends it, a step after the state run says so.
  const ServiceOutcome& back = network.run.services[0];
  ASSERT_TRUE(back.restored_at);
  EXPECT_EQ(*back.restored_at, *state.steps[1].completed);
  EXPECT_EQ(back.down, *back.restored_at - SimTime{Duration::minutes(10).ms});
  EXPECT_EQ(back.final_state, ServiceState::operational);
  EXPECT_GT(network.run.overall.lost.in_user_hours(), 30 * state.overall.lost.in_user_hours());
}

// short_baseline_topology.yaml: every figure below is worked out in its
// comments.
TEST(NetworkBaseline, NamesTheBottleneckOfAnEstateTooSmallForItsLoad) {
  const auto scenario = network_scenario("short_baseline.yaml");
  const NetworkRunResult r = replay_network(*scenario);
  const NetworkBaseline& b = r.baseline;
  const Topology& topology = *scenario->topology;
  EXPECT_EQ(b.until, SimTime{} + Duration::hours(2));
  ASSERT_EQ(b.shortfalls.size(), 2u);
  EXPECT_FALSE(b.healthy());

  const BaselineShortfall& app = b.shortfalls[0];
  EXPECT_EQ(topology.service(app.service).id, "app");
  EXPECT_LT(app.worst.success_rate(), kBaselineServed);
  ASSERT_TRUE(app.bottleneck);
  const ResourceLoad& wan = b.loads[*app.bottleneck];
  EXPECT_EQ(wan.resource.kind, NetworkResource::Kind::region_link);
  EXPECT_EQ(topology.region(RegionId{wan.resource.index}).id, "west");
  EXPECT_FALSE(wan.resource.inbound) << "responses leave the west";
  EXPECT_NEAR(wan.peak, 333.35 * 50'000 * 8, 1e-3);
  EXPECT_DOUBLE_EQ(wan.capacity, 50e6);
  EXPECT_NEAR(app.bottleneck_utilisation, 333.35 * 400'000 / 50e6, 1e-9);
  EXPECT_EQ(wan.peak_at, SimTime{});
  const auto west = b.loads[*app.bottleneck - 1];  // the same link, inbound
  EXPECT_TRUE(west.resource.inbound);
  EXPECT_NEAR(west.peak, 333.35 * 10'000 * 8, 1e-3);

  const BaselineShortfall& api = b.shortfalls[1];
  EXPECT_EQ(topology.service(api.service).id, "api");
  ASSERT_TRUE(api.bottleneck);
  const ResourceLoad& hosts = b.loads[*api.bottleneck];
  EXPECT_EQ(hosts.resource.kind, NetworkResource::Kind::deployment_host);
  EXPECT_NEAR(hosts.peak, 333.35, 1e-9);
  EXPECT_NEAR(hosts.capacity, 7000.0 * 60 / 3600, 1e-9);
  EXPECT_EQ(hosts.capacity_needed, UserCount{20'001});

  // Busiest first: api's hosts (286%), then the west's link (267%).
  ASSERT_EQ(b.overloaded.size(), 2u);
  EXPECT_EQ(b.overloaded[0], *api.bottleneck);
  EXPECT_EQ(b.overloaded[1], *app.bottleneck);

  const std::string text = reports::baseline_text(*scenario, b);
  EXPECT_NE(text.find("WARNING   With nothing failed, 2 of the services serve under 99%"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Bottleneck: the WAN link out of region west, asked for up to 133 Mbit/s "
                      "(at 2024-03-05 09:00 UTC) against 50 Mbit/s: a `wan` bandwidth of at "
                      "least 134Mbps for region west would carry it"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("a `capacity` of at least 20,001 users would carry it"), std::string::npos);
  const auto json = reports::network_json(*scenario, r);
  EXPECT_EQ(json["baseline"]["healthy"], false);
  EXPECT_EQ(json["baseline"]["shortfalls"][0]["service"], "app");
  EXPECT_EQ(json["baseline"]["shortfalls"][0]["bottleneck"]["resource"],
            "the WAN link out of region west");
}

// thin_wan_topology.yaml with nothing failed: the office's 20,000 users in
// the east reach app@east without crossing a WAN link; responses of 50 kB
// at 333.35 requests/s (see above) leave app@east's host at 133.34 Mbit/s
// and enter the office's clients at the same rate, far under 10 Gbit/s.
TEST(NetworkBaseline, AnEstateThatCarriesItsLoadIsSaidToBeHealthy) {
  const auto scenario = network_scenario("thin_wan.yaml");
  const NetworkBaseline b = check_network_baseline(*scenario, SimTime{} + Duration::hours(1));
  EXPECT_TRUE(b.healthy());
  EXPECT_TRUE(b.overloaded.empty());
  const auto load = [&](NetworkResource::Kind kind, std::uint32_t index, bool inbound) {
    for (const ResourceLoad& l : b.loads) {
      if (l.resource.kind == kind && l.resource.index == index && l.resource.inbound == inbound)
        return l;
    }
    throw std::runtime_error("no such resource");
  };
  EXPECT_NEAR(load(NetworkResource::Kind::deployment_link, 0, false).peak, 133.34e6, 1e-3);
  EXPECT_NEAR(load(NetworkResource::Kind::clients_link, 0, true).peak, 133.34e6, 1e-3);
  EXPECT_NEAR(load(NetworkResource::Kind::clients_link, 0, false).peak, 26.668e6, 1e-3);
  EXPECT_EQ(load(NetworkResource::Kind::region_link, 0, false).peak, 0.0);
  EXPECT_EQ(reports::baseline_text(*scenario, b),
            "Baseline  With nothing failed, every service served at least 99% of its requests in "
            "every window to 2024-03-05 10:00 UTC.\n");
}

// Found by a helper: small_estate_topology.yaml's hosts, sized by its 101
// users' demand alone, took 0.6 s a request, and app read 0% served with
// nothing failed, its users all cut off from T0. Sized at least 100
// requests/s, the estate carries its load, and its users are cut off only
// while db is rebuilt, from T0+30m to T0+1h30m: of the 101, the one of
// staff always active and night's (on the business-day curve) at night.
TEST(NetworkBaseline, ASmallEstateWithoutCapacitiesCarriesItsLoad) {
  const auto scenario = network_scenario("small_estate.yaml");
  const NetworkRunResult r = replay_network(*scenario);
  EXPECT_TRUE(r.baseline.healthy()) << reports::baseline_text(*scenario, r.baseline);
  const RunResult state = replay(*scenario);
  EXPECT_EQ(r.run.overall.peak_affected, UserCount{101});
  ASSERT_TRUE(r.run.services[1].restored_at);
  EXPECT_EQ(*r.run.services[1].restored_at, SimTime{} + Duration::minutes(90));
  EXPECT_NEAR(r.run.overall.lost.in_user_hours(), state.overall.lost.in_user_hours(), 0.01);
}

// Found by a helper: every group, and the monitor of every service, sent
// at least a request a step, so the requests grew as the step shrank (400
// at 50 ms, 2,000 at 10 ms, for 333), and a group with nobody active had
// its least counted as its own, with latencies. monitor_topology.yaml's
// comments work out 333.3 and 0.
TEST(NetworkReplay, RequestsIssuedAreTheUsersOwnWhateverTheStep) {
  const auto scenario = network_scenario("monitor.yaml");
  for (const Duration step :
       {Duration::seconds(1), Duration::milliseconds(50), Duration::milliseconds(10)}) {
    const NetworkRunResult r = replay_network(*scenario, {step, Duration::seconds(20)});
    EXPECT_NEAR(r.requests.requests, 1000.0 / 3, 1e-6) << step.ms << " ms";
    ASSERT_EQ(r.requests.groups.size(), 2u);
    EXPECT_NEAR(r.requests.groups[0][0].requests, 1000.0 / 3, 1e-6) << step.ms << " ms";
    EXPECT_EQ(r.requests.groups[1][0].requests, 0.0) << step.ms << " ms";
    EXPECT_FALSE(r.requests.groups[1][0].p99) << "no response was the night shift's";
    EXPECT_TRUE(r.baseline.healthy()) << step.ms << " ms";
    // Calls to app: staff's 333.33, the night shift's least of a request a
    // minute (0.33 in 20 s) and the monitor's (0.33); db has app's 334 and
    // its own probe's 0.33.
    EXPECT_NEAR(r.requests.services[1][0].requests, 334.0, 1e-6) << step.ms << " ms";
    EXPECT_NEAR(r.requests.services[0][0].requests, 334.0 + 1.0 / 3, 1e-6) << step.ms << " ms";
  }
}

// Found by a helper: a 40 s outage inside a 1m step read 0 user-hours at
// network fidelity against 11 at state fidelity, and said nothing of it
// (blip.yaml works out both). The run now says what its steps did not
// see; with 10 s steps it sees the outage and agrees.
TEST(NetworkReplay, SaysWhatItsStepsDidNotSee) {
  const auto scenario = network_scenario("blip.yaml");
  const NetworkRunResult coarse = replay_network(*scenario, {Duration::minutes(1)});
  EXPECT_EQ(coarse.run.overall.lost, UserTime{});
  const StepResolution& r = coarse.resolution;
  // The outage's start is never seen; its end, from the step at 00:11.
  EXPECT_EQ(r.changes, 2u);
  EXPECT_EQ(r.changes_late, 1u);
  EXPECT_EQ(r.latest, Duration::seconds(10));
  EXPECT_EQ(r.unseen, 1u);
  EXPECT_EQ(r.unseen_time, Duration::seconds(40));
  EXPECT_EQ(r.shortest_state, Duration::seconds(40));
  EXPECT_EQ(r.first_unseen_at, SimTime{} + Duration::seconds(610));
  const std::string text = reports::network_text(*scenario, coarse);
  EXPECT_NE(text.find("requests saw 1 of the state run's 2 changes only from the next step "
                      "(steps of 1m), up to 10s late"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("warning: 1 state of the estate, 40s in all, began and ended between two "
                      "step starts (the first at 2024-01-01 00:10:10 UTC)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("a --step of 40s or less sees every state"), std::string::npos) << text;
  EXPECT_EQ(reports::network_json(*scenario, coarse).at("step_resolution").at("states_unseen"), 1);
  for (const std::string& page : {reports::network_html(*scenario, coarse, nullptr),
                                  reports::network_summary(*scenario, coarse, nullptr)}) {
    EXPECT_NE(page.find("no request saw it"), std::string::npos);
    EXPECT_NE(page.find("up to 10s late"), std::string::npos);
  }
  const NetworkRunResult fine = replay_network(*scenario, {Duration::seconds(10)});
  EXPECT_EQ(fine.run.overall.lost, UserTime{1000 * 40'000});
  EXPECT_EQ(fine.run.overall.lost, replay(*scenario).overall.lost);
  EXPECT_EQ(fine.resolution.changes_late, 0u);
  EXPECT_EQ(fine.resolution.unseen, 0u);
  EXPECT_EQ(reports::network_text(*scenario, fine).find("step starts"), std::string::npos);
}

// The same over a study (blip.yaml has no uncertain duration, so each run
// is the replay's): every run has the 40 s no 1m step sees, and the
// outage's end seen 10 s late; 10 s steps see all. The figures cross a tally file's
// body, as shards and MPI ranks send them, unchanged.
TEST(NetworkSimulate, SaysWhatItsStepsDidNotSee) {
  const auto scenario = network_scenario("blip.yaml");
  MonteCarloOptions options;
  options.runs = 3;
  options.network = NetworkOptions{};
  const MonteCarloResult coarse = simulate(*scenario, options);
  const StepResolutionStatistics& r = coarse.step_resolution;
  EXPECT_EQ(r.step, Duration::minutes(1));
  EXPECT_EQ(r.runs_with_unseen, 3u);
  EXPECT_EQ(r.latest_ms.max(), 10'000);
  EXPECT_EQ(r.unseen_ms.mean(), 40'000);
  EXPECT_EQ(r.mean_unseen_where_any(), Duration::seconds(40));
  EXPECT_EQ(r.shortest_state_ms.min(), 40'000);
  const std::string text = reports::simulation_text(*scenario, coarse);
  EXPECT_NE(text.find("WARNING: in 3 of 3 runs, states of the estate began and ended between two "
                      "step starts and no request saw them (40s in such a run on average)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("a --step of 40s or less sees every state of every run"), std::string::npos);
  EXPECT_EQ(reports::simulation_json(*scenario, coarse)
                .at("step_resolution")
                .at("runs_with_states_unseen"),
            3);
  const MonteCarloResult read =
      read_tally_body(tally_body(coarse), empty_result(*scenario, options));
  EXPECT_EQ(read.step_resolution.runs_with_unseen, 3u);
  EXPECT_EQ(read.step_resolution.shortest_state_ms.min(), 40'000);
  EXPECT_EQ(read.step_resolution.step, Duration::minutes(1));
  options.network->step = Duration::seconds(10);
  const MonteCarloResult fine = simulate(*scenario, options);
  EXPECT_EQ(fine.step_resolution.runs_with_unseen, 0u);
  EXPECT_EQ(fine.step_resolution.latest_ms.max(), 0);
  EXPECT_EQ(reports::simulation_text(*scenario, fine).find("step starts"), std::string::npos);
}

// States are [its change, the next): seen when a step starts within. A
// trace by hand, 1m steps, the run ending at 20m: changes at 10m10s (two at
// that instant, one change), 10m50s (seen 10 s later) and 15m (on a step);
// the 40 s from 10m10s is the one state no step sees, and the shortest. A
// last state cut short by the end of the run is seen only if a step starts
// before it.
TEST(NetworkReplay, StepResolutionOfAHandMadeTrace) {
  const auto at = [](std::int64_t seconds) { return SimTime{} + Duration::seconds(seconds); };
  std::vector<HealthChange> trace(5);
  trace[1].at = at(610);
  trace[2].at = at(610);  // a second change at that instant: one change
  trace[3].at = at(650);
  trace[4].at = at(900);
  StepResolution r = step_resolution(trace, Duration::minutes(1), at(1200));
  EXPECT_EQ(r.changes, 3u);
  EXPECT_EQ(r.changes_late, 1u);  // 10m50s, seen at 11m; 10m10s's state never
  EXPECT_EQ(r.latest, Duration::seconds(10));
  EXPECT_EQ(r.unseen, 1u);
  EXPECT_EQ(r.unseen_time, Duration::seconds(40));
  EXPECT_EQ(r.shortest_state, Duration::seconds(40));
  // Ending at 15m30s: the last change is seen by the step at 15m; ending
  // at 10m30s, the change at 10m10s is the last state, and unseen.
  EXPECT_EQ(step_resolution(trace, Duration::minutes(1), at(930)).unseen, 1u);
  r = step_resolution(trace, Duration::minutes(1), at(630));
  EXPECT_EQ(r.changes, 1u);
  EXPECT_EQ(r.unseen, 1u);
  EXPECT_EQ(r.unseen_time, Duration::seconds(20));
}

// Found by a helper: 20m in steps of 7m counted 21m of requests; the last
// step stops at the run's end. Staff send 1,000 x 60 requests an hour, so
// 20,000 in 20m; a run ending as it starts sends none.
TEST(NetworkReplay, TheLastStepStopsAtTheRunsEnd) {
  const auto scenario = network_scenario("blip.yaml");
  EXPECT_NEAR(
      replay_network(*scenario, {Duration::minutes(7), Duration::minutes(7)}).requests.requests,
      20'000.0, 1e-6);
  auto at_once = std::make_shared<Scenario>(*scenario);
  at_once->horizon = SimTime{};
  EXPECT_EQ(replay_network(*at_once).requests.requests, 0.0);
}

TEST(NetworkReplay, TheSameScenarioGivesTheSameResult) {
  const auto scenario = network_scenario("thin_wan.yaml");
  const NetworkRunResult a = replay_network(*scenario);
  const NetworkRunResult b = replay_network(*scenario);
  EXPECT_EQ(a.run.overall.lost, b.run.overall.lost);
  ASSERT_EQ(a.run.timeline.size(), b.run.timeline.size());
  for (std::size_t i = 0; i < a.run.timeline.size(); ++i) {
    EXPECT_EQ(a.run.timeline[i].at, b.run.timeline[i].at);
    EXPECT_EQ(a.run.timeline[i].served_fraction, b.run.timeline[i].served_fraction);
  }
  for (std::size_t w = 0; w < a.requests.services[0].size(); ++w) {
    EXPECT_EQ(a.requests.services[0][w].served, b.requests.services[0][w].served);
    EXPECT_EQ(a.requests.services[0][w].p99, b.requests.services[0][w].p99);
  }
}

TEST(NetworkSimulate, RunsInChildProcessesWithTheSameResultWhateverTheirNumber) {
  const auto scenario = network_scenario("thin_wan.yaml");
  MonteCarloOptions options;
  options.runs = 6;
  options.seed = 11;
  options.network = NetworkOptions{};
  options.threads = 1;
  const MonteCarloResult one = simulate(*scenario, options);
  options.threads = 2;
  const MonteCarloResult two = simulate(*scenario, options);
  EXPECT_TRUE(one.network_fidelity);
  EXPECT_EQ(one.runs, 6u);
  EXPECT_EQ(one.overall.user_seconds_lost.mean(), two.overall.user_seconds_lost.mean());
  EXPECT_EQ(one.services[0].downtime_ms.mean(), two.services[0].downtime_ms.mean());
  ASSERT_EQ(one.sampled_active.size(), two.sampled_active.size());
  for (std::size_t i = 0; i < one.sampled_active.size(); ++i)
    EXPECT_EQ(one.sampled_active[i].mean(), two.sampled_active[i].mean()) << i;
  // Each run is the network replay of its sampled state run.
  EXPECT_NEAR(one.overall.user_seconds_lost.mean() / 3600,
              replay_network(*scenario).run.overall.lost.in_user_hours(), 1.0);
}

TEST(NetworkSimulate, AgreesWithStateFidelityWithoutCapacityEffects) {
  const auto scenario = network_scenario("cross_check.yaml");
  MonteCarloOptions options;
  options.runs = 4;
  options.threads = 2;
  const MonteCarloResult state = simulate(*scenario, options);
  options.network = NetworkOptions{Duration::seconds(1), Duration::hours(1)};
  const MonteCarloResult network = simulate(*scenario, options);
  for (std::size_t s = 0; s < state.services.size(); ++s) {
    EXPECT_NEAR(state.services[s].downtime_ms.mean(), network.services[s].downtime_ms.mean(),
                2000.0)
        << s;
  }
  // Active users cut off over time, sample by sample.
  ASSERT_EQ(state.sampled_active.size(), network.sampled_active.size());
  for (std::size_t i = 0; i < state.sampled_active.size(); ++i)
    EXPECT_EQ(state.sampled_active[i].mean(), network.sampled_active[i].mean()) << i;
}

// The users a network step brings back are put down to the runbook step
// that completed during it, found from the state run's progress, not its
// timeline: Monte Carlo runs, which do not record their timelines, credit
// the steps as the replay does. Nothing in cross_check.yaml is drawn, so
// every run is the replay. Its completions fall between network steps of a
// second. rebuild-db and restore-auth bring back the users
// their faults cut off; nobody waits for rebuild-calls-east (calls failed
// over to west) or rebuild-search (a soft dependency).
TEST(NetworkSimulate, CreditsTheStepsThatBroughtUsersBackAsTheReplayDoes) {
  const auto scenario = network_scenario("cross_check.yaml");
  const NetworkOptions network{Duration::seconds(1), Duration::hours(1)};
  const RunResult state = replay(*scenario);
  const RunResult replayed = replay_network(*scenario, network).run;
  const RunResult by_minute = replay_network(*scenario, {}).run;
  MonteCarloOptions options;
  options.runs = 2;
  options.network = network;
  const MonteCarloResult simulated = simulate(*scenario, options);
  EXPECT_EQ(replayed.restored_loss_otherwise, UserTime{});
  for (std::size_t s = 0; s < scenario->steps.size(); ++s) {
    const std::string& id = scenario->steps[s].id;
    const UserTime credited = replayed.steps[s].restored_loss;
    const bool brings_back = id == "rebuild-db" || id == "restore-auth";
    EXPECT_EQ(credited > UserTime{}, brings_back) << id;
    // All 5,800 users (office 5,000, remote 800) come back with db and with
    // auth, as at state fidelity; with steps of a minute, at the step after
    // the completion (09:27:30 and 09:56:18 fall between steps).
    EXPECT_EQ(replayed.steps[s].users_back, UserCount{brings_back ? 5800 : 0}) << id;
    EXPECT_EQ(replayed.steps[s].users_back, state.steps[s].users_back) << id;
    EXPECT_EQ(by_minute.steps[s].users_back, state.steps[s].users_back) << id;
    EXPECT_NEAR(credited.in_user_hours(), state.steps[s].restored_loss.in_user_hours(),
                0.01 * state.steps[s].restored_loss.in_user_hours())
        << id;
    const Accumulator& runs = simulated.steps[s].restored_user_seconds;
    EXPECT_EQ(runs.count(), 2u) << id;
    EXPECT_EQ(runs.mean(), static_cast<double>((credited.user_ms + 500) / 1000)) << id;
    EXPECT_EQ(runs.standard_deviation(), 0.0) << id;
  }
}

// A tenant out has all its users cut off whatever its requests do; the
// group's other users follow the requests. Worked out in tenants.yaml.
TEST(NetworkReplay, CutsOffTheUsersOfTenantsOutAsStateFidelityDoes) {
  const auto scenario = network_scenario("tenants.yaml");
  const RunResult state = replay(*scenario);
  EXPECT_DOUBLE_EQ(state.overall.lost.in_user_hours(), 2300);
  for (const Duration step : {Duration::seconds(1), Duration::minutes(1)}) {
    const RunResult network = replay_network(*scenario, {step, Duration::hours(1)}).run;
    EXPECT_DOUBLE_EQ(network.overall.lost.in_user_hours(), 2300) << step.ms;
    EXPECT_EQ(network.overall.peak_affected, UserCount{1000});
    EXPECT_DOUBLE_EQ(network.steps[0].restored_loss.in_user_hours(), 1620) << "restore-sites";
    EXPECT_DOUBLE_EQ(network.steps[1].restored_loss.in_user_hours(), 680) << "rebuild-app";
    EXPECT_EQ(network.steps[0].users_back, UserCount{600});
    EXPECT_EQ(network.steps[1].users_back, UserCount{400});
    EXPECT_EQ(network.restored_loss_otherwise, UserTime{});
    EXPECT_EQ(network.tenants_out.size(), state.tenants_out.size());
  }
}

TEST(NetworkReplay, TenantsComeBackAtTheirOwnInstantsBetweenNetworkSteps) {
  const auto scenario = network_scenario("tenants.yaml");
  const RunResult network =
      replay_network(*scenario, {Duration::minutes(7), Duration::hours(1)}).run;
  EXPECT_DOUBLE_EQ(network.overall.lost.in_user_hours(), 2325);
}

// A change of tenants between network steps credits only what progressed
// at its own instant: a completion before it is still the next network
// step's. Worked out in tenants.yaml.
TEST(NetworkReplay, ACompletionBeforeATenantChangeIsCreditedAtTheNextNetworkStep) {
  const auto scenario = network_scenario("tenants.yaml");
  const NetworkOptions network{Duration::minutes(100), Duration::minutes(100)};
  const RunResult r = replay_network(*scenario, network).run;
  EXPECT_NEAR(r.overall.lost.in_user_hours(), 2816.67, 0.01);
  EXPECT_NEAR(r.steps[0].restored_loss.in_user_hours(), 150, 0.01) << "restore-sites";
  EXPECT_NEAR(r.steps[1].restored_loss.in_user_hours(), 2666.67, 0.01) << "rebuild-app";
  EXPECT_EQ(r.steps[0].users_back, UserCount{100});
  EXPECT_EQ(r.steps[1].users_back, UserCount{1000});
}

TEST(NetworkSimulate, CutsOffTheUsersOfTenantsOutAsTheReplayDoes) {
  const auto scenario = network_scenario("tenants.yaml");
  MonteCarloOptions options;
  options.runs = 2;
  options.network = NetworkOptions{Duration::minutes(1), Duration::hours(1)};
  const MonteCarloResult simulated = simulate(*scenario, options);
  // Nothing in tenants.yaml is drawn: every run is the replay.
  EXPECT_EQ(simulated.overall.user_seconds_lost.mean(), 2300 * 3600.0);
  EXPECT_EQ(simulated.overall.user_seconds_lost.standard_deviation(), 0);
  EXPECT_EQ(simulated.steps[0].restored_user_seconds.mean(), 1620 * 3600.0) << "restore-sites";
}

TEST(NetworkReplay, RefusesAWindowShorterThanAStep) {
  const auto scenario = network_scenario("thin_wan.yaml");
  EXPECT_THROW(replay_network(*scenario, {Duration::minutes(10), Duration::minutes(1)}),
               std::invalid_argument);
}

TEST(NetworkSimulate, RefusesAConfidenceTarget) {
  const auto scenario = network_scenario("thin_wan.yaml");
  MonteCarloOptions options;
  options.network = NetworkOptions{};
  options.until_ci = 0.05;
  EXPECT_THROW(simulate(*scenario, options), std::invalid_argument);
}

TEST(NetworkReplay, TheWebexOutageRunsAtNetworkFidelity) {
  auto load = load_scenario(testing::source_path("scenarios/webex-2018-09-25.yaml"));
  ASSERT_TRUE(load.scenario) << load.diagnostics.to_text();
  const Scenario& scenario = *load.scenario;
  const RunResult state = replay(scenario);
  const NetworkRunResult network = replay_network(scenario);
  // The estate's links and hosts carry its traffic, so only the faults take
  // services down, as at state fidelity.
  for (std::size_t s = 0; s < state.services.size(); ++s) {
    EXPECT_LE(std::abs((state.services[s].down - network.run.services[s].down).ms),
              Duration::minutes(1).ms)
        << scenario.topology->services()[s].id;
  }
  EXPECT_GT(network.requests.requests, 1e9);
  EXPECT_GT(network.requests.steps_repeated, 10 * network.requests.steps_simulated)
      << "steps in which nothing changed are copied, not run";
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
