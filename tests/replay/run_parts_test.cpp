// The parts of a run (engine/src/replay) each reset their own state: a Run
// that made other runs before gives a run the same result as a fresh Run.
// A part that forgot some of its state would make Monte Carlo results
// depend on which runs a worker happened to make before. And the user
// accounting's two ways, span by span and segment by segment, agree.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/loader.hpp"
#include "faultline/reports/json.hpp"
#include "replay/outcomes.hpp"
#include "replay/run.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

namespace fs = std::filesystem;

bool runs_to_its_end(const Scenario& scenario) {
  try {
    replay(scenario);
    return true;
  } catch (const UnfinishedRun&) {
    return false;
  }
}

// Every scenario that loads and runs to its end: the shipped ones and the
// test fixtures, but those whose run stops with UnfinishedRun (Replay
// tests): countable/slow_rebuild.yaml, calendar/fixed_after_800_days.yaml
// and calendar/shifts_after_800_days.yaml.
std::vector<std::shared_ptr<const Scenario>> every_scenario() {
  std::vector<fs::path> paths = {testing::source_path("scenarios/webex-2018-09-25.yaml"),
                                 testing::source_path("scenarios/webex-dc-us-loss.yaml")};
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("tests"))) {
    if (entry.path().extension() == ".yaml")
      paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::shared_ptr<const Scenario>> out;
  for (const fs::path& path : paths) {
    if (const auto loaded = load_scenario(path.string());
        loaded.scenario && runs_to_its_end(*loaded.scenario))
      out.push_back(loaded.scenario);
  }
  return out;
}

std::string json_of(const Scenario& scenario, const RunResult& r) {
  std::string out = reports::replay_json(scenario, r).dump();
  for (const UserCount active : r.sampled_active)
    out += " " + std::to_string(active.value);
  for (const CrewBusyChange& c : r.sampled_busy_changes)
    out += fmt::format(" {}:{}:{}", c.sample, c.crew.value, c.change);
  return out;
}

// Runs out of order, some recording their timeline and health trace, all
// into one reused result as a Monte Carlo worker does. replay/fixtures/
// leftovers.yaml ends runs with a failover stuck and a step given up after
// four failures, which a part that forgot them would carry into the next.
TEST(RunParts, AReusedRunGivesEachRunTheSameResultAsAFreshOne) {
  const std::vector<SimTime> times = {SimTime{} + Duration::minutes(37),
                                      SimTime{} + Duration::hours(5),
                                      SimTime{} + Duration::hours(30)};
  const auto scenarios = every_scenario();
  EXPECT_GE(scenarios.size(), 40u);
  for (const auto& scenario : scenarios) {
    detail::Run reused(*scenario);
    RunResult result;
    // Sampled runs, and the nominal run (no sampling) in between.
    for (const std::optional<std::uint64_t> run :
         {std::optional<std::uint64_t>{7}, {}, {3}, {0}, {}, {9}, {1}, {5}}) {
      SCOPED_TRACE(scenario->topology->services().front().id + " run " +
                   (run ? std::to_string(*run) : "nominal"));
      std::vector<HealthChange> trace_reused;
      std::vector<HealthChange> trace_fresh;
      detail::RunOptions options;
      if (run)
        options.sampling = detail::RunSampling{5, *run, nullptr};
      options.record_timeline = !run || *run % 2 == 1;
      options.sample_times = times;
      options.health_trace = options.record_timeline ? &trace_reused : nullptr;
      reused.execute(options, result);
      RunResult fresh;
      options.health_trace = options.record_timeline ? &trace_fresh : nullptr;
      detail::Run(*scenario).execute(options, fresh);
      EXPECT_EQ(json_of(*scenario, result), json_of(*scenario, fresh));
      ASSERT_EQ(trace_reused.size(), trace_fresh.size());
      for (std::size_t i = 0; i < trace_fresh.size(); ++i) {
        EXPECT_EQ(trace_reused[i].at, trace_fresh[i].at);
        EXPECT_TRUE(trace_reused[i].inputs == trace_fresh[i].inputs);
      }
    }
  }
}

// A study builds the tables once and its workers share them: runs made in
// turn on two Runs over one RunTables give what a Run with tables of its
// own gives, so nothing a run writes lives in what they share.
TEST(RunParts, RunsSharingTheirTablesGiveWhatRunsOfTheirOwnGive) {
  const std::vector<SimTime> times = {SimTime{} + Duration::hours(2),
                                      SimTime{} + Duration::hours(26)};
  for (const auto& scenario : every_scenario()) {
    const auto tables = std::make_shared<const detail::RunTables>(*scenario);
    detail::Run first(tables);
    detail::Run second(tables);
    RunResult shared;
    for (std::uint64_t run = 0; run < 6; ++run) {
      SCOPED_TRACE(scenario->topology->services().front().id + " run " + std::to_string(run));
      detail::RunOptions options;
      options.sampling = detail::RunSampling{11, run, nullptr};
      options.sample_times = times;
      (run % 2 == 0 ? first : second).execute(options, shared);
      RunResult own;
      detail::Run(*scenario).execute(options, own);
      EXPECT_EQ(json_of(*scenario, shared), json_of(*scenario, own));
    }
  }
}

std::string users_of(const RunResult& r) {
  std::string out;
  const auto add = [&out](const UserImpact& i) {
    out += fmt::format("{}@{} {}@{} {} {}\n", i.peak_affected.value, i.peak_at.ms,
                       i.peak_active.value, i.peak_active_at.ms, i.lost.user_ms,
                       i.cut_off_at_end.value);
  };
  for (const UserImpact& impact : r.user_groups)
    add(impact);
  add(r.overall);
  for (const StepOutcome& step : r.steps)
    out += fmt::format("{} ", step.restored_loss.user_ms);
  out += fmt::format("{}\n", r.restored_loss_otherwise.user_ms);
  for (const UserCount active : r.sampled_active)
    out += fmt::format("{} ", active.value);
  return out;
}

// A run that records its timeline walks the calendar segment by segment,
// each segment start an instant with its users line; Monte Carlo runs count
// each group's span at one count of cut-off users at once, from the
// calendar's sums, and look for the overall peak only where it could be
// beaten. Every user figure must come out the same, samples included: taken
// every 7 minutes for three days, then daily, or in every other run hourly
// for two days, which a Run that kept the last runs' sample segments would
// get wrong.
TEST(RunParts, CountingSpansAtOnceGivesTheFiguresOfTheSegmentBySegmentWalk) {
  std::vector<SimTime> fine;
  for (Duration t; t <= Duration::days(3); t += Duration::minutes(7))
    fine.push_back(SimTime{} + t);
  for (Duration t = Duration::days(4); t <= Duration::days(30); t += Duration::days(1))
    fine.push_back(SimTime{} + t);
  std::vector<SimTime> hourly;
  for (Duration t = Duration::minutes(30); t <= Duration::days(2); t += Duration::hours(1))
    hourly.push_back(SimTime{} + t);
  for (const auto& scenario : every_scenario()) {
    detail::Run run(*scenario);
    for (const std::optional<std::uint64_t> sample : {std::optional<std::uint64_t>{}, {0}, {1}, {2},
                                                      {3}, {4}, {5}}) {
      SCOPED_TRACE(scenario->topology->services().front().id + " run " +
                   (sample ? std::to_string(*sample) : "nominal"));
      detail::RunOptions options;
      if (sample)
        options.sampling = detail::RunSampling{17, *sample, nullptr};
      options.sample_times = sample.value_or(0) % 2 == 0 ? fine : hourly;
      RunResult walked;
      options.record_timeline = true;
      run.execute(options, walked);
      RunResult at_once;
      options.record_timeline = false;
      run.execute(options, at_once);
      EXPECT_EQ(users_of(walked), users_of(at_once));
    }
  }
}

// The segments at whose start a capacity-limited service's demand is
// looked at again, as CapacityDemand finds them (from its tables, a max
// tree and each service's peak and last segment without demand), against
// their definition read off the demand segment by segment: the first later
// start where the demand changes from nothing, from at least the limit, or
// to at least it. For every fixture with capacities and a calendar of at
// most 2,000 segments, every segment, and limits at, between and beyond
// the demands it takes (capacity/hours.yaml has nights without demand,
// days under and over what api fits; hours_to_noon.yaml a change from
// nothing after its last night).
std::optional<std::size_t> evaluated_by_definition(const detail::CapacityDemand& demand,
                                                   std::size_t i, std::size_t segment,
                                                   std::size_t segments, double limit) {
  for (std::size_t m = segment + 1; m < segments; ++m) {
    const auto before = static_cast<double>(demand.demand(i, m - 1).value);
    const auto now = static_cast<double>(demand.demand(i, m).value);
    if (now != before && (before == 0 || before >= limit || now >= limit))
      return m;
  }
  return std::nullopt;
}

TEST(RunParts, DemandIsLookedAtAgainWhereItsDefinitionSays) {
  std::size_t services_checked = 0;
  for (const auto& scenario : every_scenario()) {
    const ActivityCalendar calendar(*scenario->topology, scenario->clock,
                                    activity_until(*scenario));
    if (calendar.segments() > 2000)
      continue;
    const detail::CapacityDemand demand(*scenario->topology, calendar);
    for (std::size_t i = 0; i < demand.services().size(); ++i) {
      SCOPED_TRACE(scenario->topology->service(demand.services()[i]).id);
      std::vector<double> limits = {0, 0.5, std::numeric_limits<double>::infinity()};
      for (std::size_t m = 0; m < calendar.segments(); ++m) {
        const auto value = static_cast<double>(demand.demand(i, m).value);
        limits.insert(limits.end(), {value, value + 0.5, value - 0.5});
      }
      std::sort(limits.begin(), limits.end());
      limits.erase(std::unique(limits.begin(), limits.end()), limits.end());
      for (const double limit : limits) {
        for (std::size_t segment = 0; segment < calendar.segments(); ++segment) {
          ASSERT_EQ(demand.next_evaluated(i, segment, limit),
                    evaluated_by_definition(demand, i, segment, calendar.segments(), limit))
              << "segment " << segment << ", limit " << limit;
        }
      }
      ++services_checked;
    }
  }
  EXPECT_GE(services_checked, 10u);
}

// The one demand event a run's DemandSchedule keeps on the queue is at the
// earliest segment, after the one it last looked at, that any
// capacity-limited service's demand must be evaluated at: the least of
// evaluated_by_definition over the services, with each service's limit
// as health has it. Walked through every fixture with capacities, looking
// by turns at the segment of the event (as a run does), at a segment past
// it (a run that looks next in a later segment skips the lists of the ones
// between), and now and then after a capacity-limited service's limit
// moved, before a look in a later segment or again in the same one.
TEST(RunParts, TheDemandEventIsAtTheEarliestSegmentAnyDemandMustBeEvaluated) {
  std::size_t looks = 0;
  for (const auto& scenario : every_scenario()) {
    const Topology& topology = *scenario->topology;
    const ActivityCalendar calendar(topology, scenario->clock, activity_until(*scenario));
    const detail::CapacityDemand demand(topology, calendar);
    if (demand.services().empty() || calendar.segments() > 2000)
      continue;
    SCOPED_TRACE(scenario->name);
    EventQueue<detail::Event> queue;
    HealthPropagator health(topology);
    detail::DemandSchedule schedule(demand, calendar, queue, health);
    schedule.reset();
    const auto look = [&](std::size_t segment) {
      schedule.sync(segment);
      health.propagate();
      schedule.schedule(segment);
      ++looks;
    };
    const auto expected = [&](std::size_t segment) {
      std::optional<std::size_t> earliest;
      for (std::size_t i = 0; i < demand.services().size(); ++i) {
        const auto next = evaluated_by_definition(demand, i, segment, calendar.segments(),
                                                  health.fits_below(demand.services()[i]));
        if (next && (!earliest || *next < *earliest))
          earliest = next;
      }
      return earliest;
    };
    const auto scheduled = [&]() -> std::optional<std::size_t> {
      const auto* fired = queue.pop();
      if (!fired)
        return std::nullopt;
      schedule.fired();
      return std::get<detail::events::DemandChanges>(fired->payload).segment;
    };
    // A deployment of a capacity-limited service drops to one instance, or
    // is back to all of them: the service's limit moves, by enough to move
    // its next segment in some fixtures.
    const auto move_a_limit = [&](int turn) {
      const std::size_t i = static_cast<std::size_t>(turn) % demand.services().size();
      const DeploymentId d = health.deployments(demand.services()[i]).front();
      const int all = topology.deployment(d).instances;
      health.set_healthy_instances(d, health.healthy_instances(d) == all ? 1 : all);
    };
    // Each service starts at one instance of its first deployment, which
    // puts most at their limits for much of the calendar: more looks.
    for (std::size_t i = 0; i < demand.services().size(); ++i)
      move_a_limit(static_cast<int>(i));
    std::size_t segment = 0;
    look(segment);
    for (int turn = 0;; ++turn) {
      const std::optional<std::size_t> next = scheduled();
      ASSERT_EQ(next, expected(segment)) << "after a look at segment " << segment;
      if (!next)
        break;
      segment = turn % 3 == 1 ? std::min(*next + 2, calendar.segments() - 1) : *next;
      if (turn % 3 == 1)
        move_a_limit(turn);
      // Every limit moves before a look at the event's segment, where only
      // the checks due then come off the lists: the others must be found
      // by their moved limits.
      if (turn % 3 == 0) {
        for (std::size_t i = 0; i < demand.services().size(); ++i)
          move_a_limit(static_cast<int>(i));
      }
      look(segment);
      if (turn % 3 == 2) {
        move_a_limit(turn);
        look(segment);
      }
    }
  }
  EXPECT_GE(looks, 20u);
}

// The active share of a group's users rounds to the nearest person, a half
// up: by hand, 1 user at 500 thousandths is 1, at 499 is 0, 3 at 500 are
// 1.5 and so 2, 7 at 357 are 2.499 and so 2; 10^15 users at 999 are
// 999 * 10^12, with the product (about 2^60) in range.
TEST(RunParts, AnActiveShareRoundsToTheNearestPerson) {
  const auto share = [](std::int64_t users, std::uint16_t permille) {
    return active_share(UserCount{users}, permille).value;
  };
  EXPECT_EQ(share(1, 500), 1);
  EXPECT_EQ(share(1, 499), 0);
  EXPECT_EQ(share(3, 500), 2);
  EXPECT_EQ(share(7, 357), 2);
  EXPECT_EQ(share(0, 1000), 0);
  EXPECT_EQ(share(1'000'000'000'000'000, 999), 999'000'000'000'000);
  static_assert(active_share(UserCount{5}, 300).value == 2, "1.5 rounds up, at compile time too");
}

// A group's users coming back take their share of its loss not yet put
// down to anything, rounded half away from zero: worked by hand, and the
// same as long double's answer wherever the product fits 2^63, which is
// when whole numbers work it out.
TEST(RunParts, UsersComingBackTakeTheirShareOfTheLossRoundedAsBefore) {
  const auto share = [](std::int64_t lost, std::int64_t attributed, std::int64_t before,
                        std::int64_t after) {
    return detail::restored_share(UserTime{lost}, UserTime{attributed}, UserCount{before},
                                  UserCount{after})
        .user_ms;
  };
  EXPECT_EQ(share(1'000, 0, 4, 1), 750);    // three users of four: 3/4 of 1,000
  EXPECT_EQ(share(1'000, 400, 3, 2), 200);  // one of three of the 600 left
  EXPECT_EQ(share(5, 0, 2, 1), 3);          // 2.5 rounds away from zero
  EXPECT_EQ(share(7, 0, 3, 2), 2);          // 2.33
  EXPECT_EQ(share(8, 0, 3, 2), 3);          // 2.67
  EXPECT_EQ(share(0, 0, 9, 0), 0);
  // A product past 2^63: 2^62 user-ms, a million of three million users
  // back, a third of it, 1,537,228,672,809,129,301.33.
  EXPECT_EQ(share(std::int64_t{1} << 62, 0, 3'000'000, 2'000'000), 1'537'228'672'809'129'301);
  const auto long_double = [](std::int64_t unattributed, std::int64_t before, std::int64_t after) {
    return static_cast<std::int64_t>(std::llround(static_cast<long double>(unattributed) *
                                                  static_cast<long double>(before - after) /
                                                  static_cast<long double>(before)));
  };
  std::mt19937_64 random(7);
  for (int i = 0; i < 200'000; ++i) {
    const int lost_bits = 1 + static_cast<int>(random() % 62);
    const int user_bits = 1 + static_cast<int>(random() % 33);
    const std::int64_t lost = static_cast<std::int64_t>(random() >> (64 - lost_bits));
    const std::int64_t before = 1 + static_cast<std::int64_t>(random() >> (64 - user_bits));
    const std::int64_t after =
        static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(before));
    ASSERT_EQ(share(lost, 0, before, after), long_double(lost, before, after))
        << lost << " user-ms, " << before << " users to " << after;
  }
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
