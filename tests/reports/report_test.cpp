// The report directory: golden summary.md and timeline.csv for the Webex
// scenario, input text escaped in every file, and directories replaced whole
// or not at all.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "faultline/analysis.hpp"
#include "faultline/compare.hpp"
#include "faultline/forecast.hpp"
#include "faultline/loader.hpp"
#include "faultline/markov.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/atomic_file.hpp"
#include "faultline/reports/csv.hpp"
#include "faultline/reports/html.hpp"
#include "faultline/reports/json.hpp"
#include "faultline/reports/prometheus.hpp"
#include "faultline/reports/summary.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/run_event.hpp"
#include "format.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

namespace fs = std::filesystem;

// Scenarios are loaded by paths relative to the source tree, as a user in
// it would name them, so reports name the same files on every machine.
class Reports : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = fs::current_path();
    fs::current_path(FAULTLINE_SOURCE_DIR);
  }
  void TearDown() override { fs::current_path(previous_); }

  static std::shared_ptr<const Scenario> load(const std::string& path) {
    const auto load = load_scenario(path);
    if (!load.scenario)
      throw std::runtime_error(load.diagnostics.to_text());
    return load.scenario;
  }

  static MonteCarloResult simulate_small(const Scenario& scenario) {
    MonteCarloOptions options;
    options.runs = 200;
    options.seed = 7;
    return simulate(scenario, options);
  }

 private:
  fs::path previous_;
};

constexpr const char* kWebex = "scenarios/webex-2018-09-25.yaml";
constexpr const char* kHostile = "tests/reports/fixtures/hostile.yaml";

// Set FAULTLINE_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
TEST_F(Reports, NetworkReplaySummaryMatchesTheGolden) {
  const auto scenario = load("tests/network/fixtures/thin_wan.yaml");
  const NetworkRunResult result =
      replay_network(*scenario, {Duration::minutes(1), Duration::minutes(10)});
  EXPECT_TRUE(testing::matches_golden("golden/thin-wan-network-summary.md",
                                      reports::network_summary(*scenario, result)));
}

TEST_F(Reports, WebexReplaySummaryMatchesTheGolden) {
  const auto scenario = load(kWebex);
  EXPECT_TRUE(testing::matches_golden("golden/webex-2018-summary.md",
                                      reports::replay_summary(*scenario, replay(*scenario))));
}

TEST_F(Reports, WebexReplayTimelineCsvMatchesTheGolden) {
  const auto scenario = load(kWebex);
  EXPECT_TRUE(testing::matches_golden("golden/webex-2018-timeline.csv",
                                      reports::replay_timeline_csv(*scenario, replay(*scenario))));
}

TEST_F(Reports, WebexSimulationSummaryAndTimelineMatchTheGolden) {
  const auto scenario = load(kWebex);
  const MonteCarloResult result = simulate_small(*scenario);
  EXPECT_TRUE(testing::matches_golden("golden/webex-2018-simulate-summary.md",
                                      reports::simulation_summary(*scenario, result)));
  EXPECT_TRUE(testing::matches_golden("golden/webex-2018-simulate-timeline.csv",
                                      reports::simulation_timeline_csv(*scenario, result)));
}

// Two runs that lost 0 and 10^9 user-hours: mean 500 M, standard deviation
// 707.1 M, and a 95% interval of the mean of 12.706 x 707.1 M / sqrt(2) =
// 6,353 M either side, from -5,853.10 M to 6,853.10 M; its low end below
// minus a million is in millions too, not a bare -5853102368.
TEST_F(Reports, TheSimulationTextGivesANegativeBoundInMillions) {
  const auto scenario = load(kWebex);
  MonteCarloResult result = simulate_small(*scenario);
  result.overall.user_seconds_lost = Accumulator();
  result.overall.user_seconds_lost.add(0);
  result.overall.user_seconds_lost.add(std::int64_t{3'600'000'000'000});
  const std::string text = reports::simulation_text(*scenario, result);
  EXPECT_NE(text.find("user-hours lost     mean 500.00 M  (95% CI -5853.10 M .. 6853.10 M)"),
            std::string::npos)
      << text.substr(0, 300);
}

// quick_failover.yaml, worked in its comments: db is down 40s in every run.
// Rounded to the minute, the text said 1m and 09:01, and summary.md too.
TEST_F(Reports, ASpreadOfSecondsIsNotRoundedToAMinute) {
  const auto scenario = load("tests/reports/fixtures/quick_failover.yaml");
  const MonteCarloResult result = simulate_small(*scenario);
  const std::string text = reports::simulation_text(*scenario, result);
  EXPECT_NE(
      text.find(
          "db                         1.000   1.000        40s        40s        40s     0.000  "
          "2024-01-10 09:00:40 UTC"),
      std::string::npos)
      << text;
  const std::string summary = reports::simulation_summary(*scenario, result);
  EXPECT_NE(summary.find("| db | 100% | 100% | 40s | 40s |"), std::string::npos) << summary;
}

// partial_only.yaml, worked in its comments: s serves two thirds for 2h in
// every run, out in all of them and down in none. Every report says both.
TEST_F(Reports, AServiceOnlyPartlyOutIsShownOutThoughNeverDown) {
  const auto scenario = load("tests/reports/fixtures/partial_only.yaml");
  const MonteCarloResult result = simulate_small(*scenario);
  EXPECT_DOUBLE_EQ(result.overall.user_seconds_lost.mean(), 100.0 * 3600);
  EXPECT_EQ(result.services[0].runs_out(), result.runs);
  EXPECT_EQ(result.services[0].runs_down, 0u);
  const std::string text = reports::simulation_text(*scenario, result);
  EXPECT_NE(text.find("s                          1.000   0.000         0s         0s         0s  "
                      "   0.000  2024-01-10 11:00 UTC"),
            std::string::npos)
      << text;
  const std::string summary = reports::simulation_summary(*scenario, result);
  EXPECT_NE(summary.find("| s | 100% | 0% | 0s | 0s | 2024-01-10 11:00 UTC |"), std::string::npos)
      << summary;
  const auto json = reports::simulation_json(*scenario, result);
  EXPECT_EQ(json["services"][0]["probability_out"], 1.0);
  EXPECT_EQ(json["services"][0]["probability_down"], 0.0);
  const std::string html = reports::simulation_html(*scenario, result);
  EXPECT_NE(html.find("<td>s</td><td class=\"num\">100%</td><td class=\"num\">0%</td><td "
                      "class=\"num\">0s</td><td class=\"num\">0s</td><td class=\"num\">0%</td>"
                      "<td>2024-01-10 11:00 UTC</td>"),
            std::string::npos)
      << "P(out), P(down), down mean and p90, still out, restored p50";
}

// just_under_half.yaml, worked in its comments.
TEST_F(Reports, AStateLineReadsTheShareThatPutTheServiceInIt) {
  const auto scenario = load("tests/reports/fixtures/just_under_half.yaml");
  const std::string text = reports::replay_text(*scenario, replay(*scenario));
  EXPECT_NE(text.find("FAULT  capped: api serves at most 99.9%\n"), std::string::npos) << text;
  EXPECT_NE(text.find("STATE  api: partial_outage -> major_outage (49.95% served)\n"),
            std::string::npos)
      << text;
}

// crew_gone.yaml, worked in its comments: the replay said the runbook
// "finished" at 12:00 though fix-b never started (found by a helper).
TEST_F(Reports, ARunbookWithAStepNeverStartedIsNotSaidToHaveFinished) {
  const auto scenario = load("tests/reports/fixtures/crew_gone.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_EQ(steps_never_started(r), (std::vector<StepId>{StepId{1}}));
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(text.find("Critical path (what set when the last step to run ended, at 2024-01-10 "
                      "12:00 UTC; the runbook did not finish: fix-b never started)\n  fix-a\n"),
            std::string::npos)
      << text;
  EXPECT_NE(reports::replay_summary(*scenario, r)
                .find("The runbook did not finish. Never ran: "
                      "**fix-b**."),
            std::string::npos);
}

// crew_gone.yaml again: the restored column adds up to the 25,500
// user-hours lost, with what no step restored and what was still cut off
// (found by a helper: only the steps' shares were shown).
TEST_F(Reports, TheReplaysRestoredColumnAddsUpToTheLoss) {
  const auto scenario = load("tests/reports/fixtures/crew_gone.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 25'500);
  EXPECT_DOUBLE_EQ(r.steps[0].restored_loss.in_user_hours(), 1'200);
  EXPECT_DOUBLE_EQ(r.restored_loss_otherwise.in_user_hours(), 300);
  EXPECT_DOUBLE_EQ(loss_still_cut_off(r).in_user_hours(), 24'000);
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(text.find("  (not steps: faults that healed, failovers, repairs, restarts, demand "
                      "falling)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("             300\n  (still cut off at the end) "), std::string::npos)
      << text;
  EXPECT_NE(text.find("          24,000\n"), std::string::npos) << text;
  const auto json = reports::replay_json(*scenario, r);
  EXPECT_EQ(json["lost_user_hours_still_cut_off"], 24'000.0);
  EXPECT_EQ(json["restored_user_hours_otherwise"], 300.0);
}

// runbook/fixtures/tied_ends.yaml: the replay names both paths.
TEST_F(Reports, TheReplayNamesEachPathOfStepsThatTieForLast) {
  const auto scenario = load("tests/runbook/fixtures/tied_ends.yaml");
  const std::string text = reports::replay_text(*scenario, replay(*scenario));
  EXPECT_NE(text.find("Critical paths (what set when the runbook finished, at 2024-01-10 11:00 "
                      "UTC; 2 steps ended then, each on a path of its own: speeding up one alone "
                      "ends it no sooner)\n  fix-a\n  fix-b\n"),
            std::string::npos)
      << text;
  const std::string summary = reports::replay_summary(*scenario, replay(*scenario));
  EXPECT_NE(summary.find("with its critical path fix-a. **fix-b** ended at the same instant, each "
                         "on a path of its own: speeding up one alone ends the runbook no sooner."),
            std::string::npos)
      << summary;
  const auto json = reports::replay_json(*scenario, replay(*scenario));
  EXPECT_EQ(json["critical_path"], nlohmann::ordered_json::parse(R"(["fix-a"])"));
  EXPECT_EQ(json["critical_paths"], nlohmann::ordered_json::parse(R"([["fix-a"], ["fix-b"]])"));
  const MonteCarloResult simulated = simulate_small(*scenario);
  EXPECT_NE(reports::simulation_summary(*scenario, simulated)
                .find("The stages that add the most time to the critical path add as much as "
                      "one another: **fix-a**, **fix-b**, 2h on average each"),
            std::string::npos)
      << reports::simulation_summary(*scenario, simulated);
  const auto simulated_json = reports::simulation_json(*scenario, simulated);
  EXPECT_EQ(simulated_json["speed_up_first"], "fix-a");
  EXPECT_EQ(simulated_json["speed_up_first_tied"], nlohmann::ordered_json::parse(R"(["fix-b"])"));
}

// Found in review: a time to the second with its zone, 23 characters,
// filled the 22 of its column, and the rest of the row slid one to the
// right (quick_failover.yaml: db back at 09:00:40, tell-staff done at
// 09:01:30, the milestone at 09:00:40). Each column of times is as wide
// as its widest; a scenario without a name is called by its file.
TEST_F(Reports, TimesToTheSecondKeepTheirColumnsAligned) {
  const auto scenario = load("tests/reports/fixtures/quick_failover.yaml");
  const MonteCarloResult result = simulate_small(*scenario);
  const std::string text = reports::simulation_text(*scenario, result);
  EXPECT_TRUE(text.starts_with(scenario->file + ": ")) << text.substr(0, 80);
  const auto line_with = [&](const std::string& start) {
    const auto at = text.find("\n" + start);
    EXPECT_NE(at, std::string::npos) << start;
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  // Left-aligned, the last time (p90) starts where its heading does.
  const auto starts_under = [&](const std::string& header, const std::string& heading,
                                const std::string& row, const std::string& time) {
    const std::string head = line_with(header);
    const std::string line = line_with(row);
    EXPECT_EQ(head.find(heading), line.rfind(time)) << head << "\n" << line;
  };
  const std::string db_back = "2024-01-10 09:00:40 UTC";
  starts_under("service ", "restored p90", "db ", db_back);
  starts_under("observed milestone ", "simulated p90", "db-back ", db_back);
  // Right-aligned, the first time (p10) ends where its heading does.
  const std::string head = line_with("step ");
  const std::string line = line_with("tell-staff ");
  const std::string done = "2024-01-10 09:01:30 UTC";
  EXPECT_EQ(head.find("completed p10") + 13, line.find(done) + done.size()) << head << "\n" << line;
  const std::string summary = reports::simulation_summary(*scenario, result);
  EXPECT_NE(summary.find("- **Scenario:** file " + scenario->file + "\n"), std::string::npos)
      << summary.substr(0, 300);
}

// The replay's tables too: quick_failover.yaml's timeline has times to the
// second (09:00:10, 09:00:40, 09:01:30) beside times to the minute, and
// each table's columns after them start where their headings do.
TEST_F(Reports, ReplayTimesToTheSecondKeepTheirColumnsAligned) {
  const auto scenario = load("tests/reports/fixtures/quick_failover.yaml");
  const std::string text = reports::replay_text(*scenario, replay(*scenario));
  const auto line_with = [&](const std::string& start) {
    const auto at = text.find("\n" + start);
    EXPECT_NE(at, std::string::npos) << start;
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  // The offsets after the times, in the timeline.
  const std::string struck = line_with("  2024-01-10 09:00 UTC ");
  const std::string switched = line_with("  2024-01-10 09:00:10 UTC ");
  EXPECT_EQ(struck.find("T+0s"), switched.find("T+10s")) << struck << "\n" << switched;
  const auto under = [&](const std::string& header, const std::string& heading,
                         const std::string& row, const std::string& value) {
    const std::string head = line_with(header);
    const std::string line = line_with(row);
    EXPECT_EQ(head.find(heading), line.rfind(value)) << head << "\n" << line;
  };
  under("  step ", "outcome", "  tell-staff ", "done");
  under("  service ", "final state", "  db ", "operational");
  under("  milestone ", "difference", "  db-back ", "on time");
}

// A report's line: the one that starts with `start`, after a line break.
std::string line_starting(const std::string& text, const std::string& start) {
  const auto at = text.find("\n" + start);
  EXPECT_NE(at, std::string::npos) << start << " in\n" << text;
  if (at == std::string::npos)
    return "";
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

// Where a text starts in a line, in characters as a terminal shows them.
std::size_t column_of(const std::string& line, const std::string& text) {
  return reports::text_width(line.substr(0, line.find(text)));
}

// In the table of `text` whose header line starts with `header`, `value`
// in the row starting with `row` starts where `heading` does.
void under(const std::string& text, const std::string& header, const std::string& heading,
           const std::string& row, const std::string& value) {
  const std::string head = line_starting(text, header);
  const std::string line = line_starting(text, row);
  EXPECT_EQ(column_of(head, heading), column_of(line, value)) << head << "\n" << line;
}

// Found in review: ids longer than their column (28 characters, 24 for
// simulate's services) slid the rest of their row to the right, and the
// network tables' headings stood 5 and 8 characters right of their rows
// whatever the ids. long_ids.yaml's ids are 31 to 41 characters, one with
// a character of two bytes: each table's columns after them start where
// their headings do.
TEST_F(Reports, LongIdsKeepTheirTablesAligned) {
  const auto scenario = load("tests/reports/fixtures/long_ids.yaml");
  const std::string step = "  tell-the-staff-what-happened-and-why ";
  const std::string service = "the-customer-records-database-of-the-east ";
  const std::string group = "  the-staff-of-the-east-coast-back-offé ";
  const std::string milestone = "the-records-database-serves-again ";
  const std::string crew = "the-on-call-communications-crew ";
  const std::string back = "2024-01-10 09:00:40 UTC";
  const std::string replayed = reports::replay_text(*scenario, replay(*scenario));
  under(replayed, "  step ", "started", step, "2024-01-10 09:00 UTC");
  under(replayed, "  service ", "restored at", "  " + service, back);
  under(replayed, "  group ", "active peak at", group, "2024-01-10 09:00 UTC");
  under(replayed, "  milestone ", "simulated", "  " + milestone, back);
  // Right-aligned to the end, a crew's row is as long as its heading.
  EXPECT_EQ(reports::text_width(line_starting(replayed, "  crew ")),
            reports::text_width(line_starting(replayed, "  " + crew)));
  const std::string simulated = reports::simulation_text(*scenario, simulate_small(*scenario));
  under(simulated, "service ", "restored p10", service, back);
  under(simulated, "observed milestone ", "simulated p10", milestone, back);
  const std::string head = line_starting(simulated, "step ");
  const std::string row = line_starting(simulated, step.substr(2));
  EXPECT_EQ(head.find("completed p10") + 13, row.find("09:01:30 UTC") + 12) << head << "\n" << row;
  EXPECT_EQ(line_starting(simulated, "crew ").find("peak mean busy") + 14,
            line_starting(simulated, crew).find("1.00") + 4);
  // The milestone's second table, of its differences.
  const std::string differences = simulated.substr(simulated.find("\nsimulated - observed "));
  EXPECT_EQ(line_starting(differences, "simulated - observed ").find("p10") + 3,
            line_starting(differences, milestone).find("-4m20s") + 6);
}

// Found in review: a column counted a character each, and fmt pads East
// Asian wide characters as two, so wide_ids.yaml's ids (40 columns for
// the service, 34 for the group, 38 for the step, each fewer characters
// than its column's 28) slid the rest of their rows right.
TEST_F(Reports, WideCharactersKeepTheirTablesAligned) {
  const auto scenario = load("tests/reports/fixtures/wide_ids.yaml");
  const std::string step = "  職員に何が起きたのかとその理由を伝える ";
  const std::string service = "東京にある顧客記録のデータベースの主系統 ";
  const std::string group = "  東京本社オフィスで働く職員たち全員 ";
  const std::string back = "2024-01-10 09:00:40 UTC";
  const std::string replayed = reports::replay_text(*scenario, replay(*scenario));
  under(replayed, "  step ", "started", step, "2024-01-10 09:00 UTC");
  under(replayed, "  service ", "restored at", "  " + service, back);
  under(replayed, "  group ", "active peak at", group, "2024-01-10 09:00 UTC");
  const std::string simulated = reports::simulation_text(*scenario, simulate_small(*scenario));
  under(simulated, "service ", "restored p10", service, back);
  // The blast radius's counts are right-aligned: each ends where its heading does.
  const std::string analysed =
      reports::analysis_text(*scenario->topology, analyze(*scenario->topology));
  const std::string head = line_starting(analysed, "  service ");
  const std::string row = line_starting(analysed, "  " + service);
  EXPECT_EQ(column_of(head, "services") + 8, column_of(row, "0") + 1) << head << "\n" << row;
}

// A batch that brought nobody back says so (heals_mid_batch.yaml: the
// outage healed while e's batch was under way).
TEST_F(Reports, ABatchWhoseTenantsCameBackMeanwhileSaysSo) {
  const auto scenario = load("tests/replay/fixtures/tenants/heals_mid_batch.yaml");
  const std::string text = reports::replay_text(*scenario, replay(*scenario));
  EXPECT_NE(text.find("BATCH  restore-sites batch 1/6 (1 tenant, 600 users): back"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("BATCH  restore-sites batch 2/6: done, its tenants were back already"),
            std::string::npos)
      << text;
}

// Found in review: summary.md said "No service lost anything" above the
// tenants out, and drew a table of services with no row.
TEST_F(Reports, ASummaryOfTenantsOutDoesNotSayNothingWasLost) {
  const auto scenario = load("tests/replay/fixtures/tenants/condition_on_tenants.yaml");
  const std::string md = reports::replay_summary(*scenario, replay(*scenario));
  EXPECT_EQ(md.find("No service lost anything"), std::string::npos) << md;
  EXPECT_NE(md.find("No service's own state changed: users were cut off only as tenants out on "
                    "per-tenant services."),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("major outage"), std::string::npos) << "no table of services: " << md;
}

// Found in review: a shard's outputs (--run-range 10:20, here) read "10
// runs, seed 1", as do those of --runs 10, which makes runs 0 to 9.
TEST_F(Reports, AShardsOutputsNameItsRuns) {
  const auto scenario = load("tests/reports/fixtures/long_ids.yaml");
  MonteCarloOptions options;
  options.runs = 10;
  options.first_run = 10;
  const MonteCarloResult shard = simulate(*scenario, options);
  EXPECT_NE(reports::simulation_text(*scenario, shard).find("long_ids.yaml: runs 10 to 19, seed 1"),
            std::string::npos)
      << reports::simulation_text(*scenario, shard);
  EXPECT_EQ(reports::simulation_json(*scenario, shard)["first_run"], 10);
  EXPECT_NE(
      reports::simulation_summary(*scenario, shard).find("Monte Carlo, runs 10 to 19, seed 1"),
      std::string::npos);
  EXPECT_NE(
      reports::simulation_html(*scenario, shard).find("Monte Carlo over runs 10 to 19, seed 1"),
      std::string::npos);
  const std::vector<Variant> variants = {{"a", scenario}, {"b", scenario}};
  CompareOptions compared;
  compared.runs = 10;
  compared.first_run = 10;
  const Comparison c = compare(variants, compared);
  EXPECT_NE(reports::compare_text(c).find("over runs 10 to 19, seed 1"), std::string::npos);
  EXPECT_NE(reports::compare_summary(variants, c).find("over runs 10 to 19, seed 1"),
            std::string::npos);
  EXPECT_NE(reports::compare_html(variants, c).find("over runs 10 to 19, seed 1"),
            std::string::npos);
  EXPECT_EQ(reports::compare_json(c)["first_run"], 10);
  EXPECT_NE(reports::simulation_metrics(*scenario, shard).find("faultline_simulation_first_run{"),
            std::string::npos);
  options.first_run = 0;
  const MonteCarloResult whole = simulate(*scenario, options);
  EXPECT_FALSE(reports::simulation_json(*scenario, whole).contains("first_run"));
  EXPECT_NE(reports::simulation_text(*scenario, whole).find(": 10 runs, seed 1"),
            std::string::npos);
}

// The network tables' rows, made up: a window from T0 of 1,000 requests
// with 900 served, for the service and for the group. The headings stood
// right of their columns: "Service" and "User group" took the width of a
// placeholder, "{}", and 22 spaces more.
TEST_F(Reports, NetworkTablesStartTheirColumnsUnderTheirHeadings) {
  const auto scenario = load("tests/reports/fixtures/long_ids.yaml");
  NetworkRunResult result;
  RequestMetrics& metrics = result.requests;
  metrics.window = Duration::hours(1);
  const RequestWindow window{SimTime{}, 1000, 900, Duration::milliseconds(20),
                             Duration::milliseconds(80)};
  metrics.services = {{window}};
  metrics.groups = {{window}};
  metrics.requests = 2000;
  const std::string text = reports::network_text(*scenario, result);
  for (const auto& [heading, row] :
       {std::pair{"  Service ", "  the-customer-records-database-of-the-east "},
        std::pair{"  User group ", "  the-staff-of-the-east-coast-back-offé "}}) {
    const std::string head = line_starting(text, heading);
    const std::string line = line_starting(text, row);
    EXPECT_EQ(column_of(head, "Requests") + 8, column_of(line, "1000") + 4) << head << "\n" << line;
    EXPECT_EQ(column_of(head, "Lowest success"), column_of(line, "90% from")) << head << "\n"
                                                                              << line;
  }
}

// Found in review: forecast's columns of times were 22 wide, and a time
// to the second with its zone, 23 characters, slid the rest of its row
// right (within_the_hour.yaml: every point is within the hour after T0,
// so to the second).
TEST_F(Reports, ForecastTimesToTheSecondKeepTheirColumnsAligned) {
  const auto scenario = load("tests/forecast/fixtures/within_the_hour.yaml");
  ForecastOptions options;
  options.events = {parse_run_event(*scenario, "completed:rebuild-db")};
  options.smc.particles = 200;
  const Forecast f = forecast(*scenario, options);
  const std::string text = reports::forecast_text(*scenario, f);
  const std::string head = line_starting(text, "  Forecast ");
  const std::string row = line_starting(text, "  step rebuild-db completed ");
  const EventForecast& e = f.latest.events[0];
  const std::string p50 = reports::at_local(scenario->clock, e.at.median);
  const std::string p90 = reports::at_local(scenario->clock, e.at.high);
  ASSERT_EQ(p50.size(), 23u) << p50;
  EXPECT_EQ(head.find("p90"), row.find(p90)) << head << "\n" << row;
  EXPECT_EQ(head.find("by now"), row.find(p90) + p90.size() + 1) << head << "\n" << row;
}

// compare names its variants by their files, often longer than 28
// characters, and its pairs "B vs A", longer than 40; markov's ids are
// services' and groups'. Right-aligned, the rows are as long as their
// headings (compare's pairs but for the verdict after them).
TEST_F(Reports, LongNamesKeepCompareAndMarkovAligned) {
  const auto scenario = load("tests/reports/fixtures/long_ids.yaml");
  const std::vector<Variant> variants = {{"the-first-variant-of-the-runbook-here", scenario},
                                         {"the-second-variant-of-the-runbook", scenario}};
  CompareOptions options;
  options.runs = 3;
  const std::string compared = reports::compare_text(compare(variants, options));
  EXPECT_EQ(line_starting(compared, "  rank ").size(),
            line_starting(compared, "  1    the-first-variant-of-the-runbook-here ").size());
  const std::string pair = line_starting(compared, "  user-hours lost ");
  EXPECT_EQ(line_starting(compared, "  metric ").size() - std::string("significant").size(),
            pair.size() - std::string("no").size())
      << compared;
  EXPECT_NE(pair.find("the-second-variant-of-the-runbook vs the-first-variant-of-the-runbook-here"),
            std::string::npos);
  const auto topology = load_topology("tests/reports/fixtures/long_ids_failing.yaml");
  ASSERT_TRUE(topology.topology) << topology.diagnostics.to_text();
  const MarkovSolution solved = solve_markov(*topology.topology);
  ASSERT_TRUE(solved.result) << solved.diagnostics.to_text();
  const std::string text = reports::markov_text(*topology.topology, *solved.result);
  EXPECT_EQ(line_starting(text, "service ").size(),
            line_starting(text, "the-customer-records-database-of-the-east ").size())
      << text;
  EXPECT_EQ(reports::text_width(line_starting(text, "user group ")),
            reports::text_width(line_starting(text, "the-staff-of-the-east-coast-back-offé ")))
      << text;
}

// Found in review: rehearse shows its events a block at a time, and each
// block sized its columns to its own entries. After quick_failover.yaml's
// times to the second (09:00:10 to 09:01:30), a block of a users line at
// 09:02 alone (added here) stood a character narrower. Blocks never narrow
// now.
TEST_F(Reports, RehearsedBlocksOfEventsNeverNarrow) {
  const auto scenario = load("tests/reports/fixtures/quick_failover.yaml");
  RunResult r = replay(*scenario);
  const auto users = std::find_if(r.timeline.rbegin(), r.timeline.rend(),
                                  [](const auto& e) { return e.kind == TimelineKind::users; });
  ASSERT_NE(users, r.timeline.rend());
  TimelineEntry later = *users;
  later.at = SimTime{} + Duration::minutes(2);
  r.timeline.push_back(later);
  const auto block = [&](Duration from, Duration to) {
    return reports::events_text(*scenario, r, SimTime{} + from, SimTime{} + to);
  };
  const std::string before = block(Duration::seconds(40), Duration::seconds(90));
  const std::string after = block(Duration::seconds(90), Duration::minutes(2));
  ASSERT_TRUE(after.starts_with("  2024-01-10 09:02 UTC ")) << after;
  EXPECT_EQ(before.find("T+1m30s"), after.find("T+2m")) << before << after;
}

// Found in review: the replay's text gave a deadline met 4m20s early as a
// difference of "0s", where summary.md says "on time" (quick_failover.yaml:
// db back at 09:00:40, wanted by 09:05); both now read the one wording.
TEST_F(Reports, ADeadlineMetReadsOnTimeInEveryText) {
  const auto scenario = load("tests/reports/fixtures/quick_failover.yaml");
  const RunResult r = replay(*scenario);
  const std::string text = reports::replay_text(*scenario, r);
  const auto row = text.find("\n  db-back ");
  ASSERT_NE(row, std::string::npos) << text;
  EXPECT_NE(text.substr(row, text.find('\n', row + 1) - row).find(" on time "), std::string::npos)
      << text.substr(row);
  EXPECT_NE(reports::replay_summary(*scenario, r).find("on time"), std::string::npos);
}

// Three runs in 20,000 meeting a milestone are not none of them, nor is
// one given up in 10,000 (see the fixture's hand figures): the text's
// shares at three places say "<0.001" and ">0.999", as summary.md's
// percentages say "<1%" and ">99%".
TEST_F(Reports, RareOutcomesDoNotRoundToNeverOrAlways) {
  const auto scenario = load("tests/reports/fixtures/rare_outcomes.yaml");
  MonteCarloOptions options;
  options.runs = 20'000;
  options.seed = 1;
  const MonteCarloResult result = simulate(*scenario, options);
  ASSERT_EQ(result.milestones_met[0], 3u);
  ASSERT_EQ(result.milestones_met[1], 19'998u);
  ASSERT_EQ(result.services[0].restored_at.never(), 2u);
  const std::string text = reports::simulation_text(*scenario, result);
  for (const char* line : {"early ", "late "}) {
    const auto at = text.find(std::string("\n") + line);
    ASSERT_NE(at, std::string::npos) << line;
    const std::string row = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    EXPECT_NE(row.find(line[0] == 'e' ? " <0.001 " : " >0.999 "), std::string::npos) << row;
  }
  const auto db = text.find("\ndb ");
  ASSERT_NE(db, std::string::npos);
  EXPECT_NE(text.substr(db, text.find('\n', db + 1) - db).find(" <0.001 "), std::string::npos)
      << text.substr(db, 120);
  const std::string summary = reports::simulation_summary(*scenario, result);
  EXPECT_NE(summary.find("<1%"), std::string::npos);
  EXPECT_NE(summary.find(">99%"), std::string::npos);
}

// RFC 4180 rows, quoted fields unquoted.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back().front().empty())
    rows.pop_back();
  return rows;
}

// Markup any report could let through if it wrote input text as it is.
const std::vector<std::string> kRawMarkup = {"<script", "<img", "<iframe", "<em>",
                                             "<b>",     "<u>",  "<a ",     "<svg onload"};

TEST_F(Reports, HtmlShowsInputTextAsText) {
  const auto scenario = load(kHostile);
  const RunResult run = replay(*scenario);
  const MonteCarloResult mc = simulate_small(*scenario);
  const std::vector<Variant> variants = {{"<i>first</i>", scenario}, {"second & co", scenario}};
  CompareOptions options;
  options.runs = 50;
  const Comparison comparison = compare(variants, options);
  for (const std::string& html :
       {reports::replay_html(*scenario, run), reports::simulation_html(*scenario, mc),
        reports::compare_html(variants, comparison)}) {
    for (const std::string& markup : kRawMarkup)
      EXPECT_EQ(html.find(markup), std::string::npos) << markup;
    EXPECT_EQ(html.find("<i>first"), std::string::npos);
  }
  const std::string html = reports::replay_html(*scenario, run);
  EXPECT_NE(html.find("&lt;script&gt;window.pwned=1&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Restore &lt;em&gt;it&lt;/em&gt;"), std::string::npos);
  EXPECT_NE(html.find("web|pipe, &quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(reports::compare_html(variants, comparison).find("&lt;i&gt;first&lt;/i&gt;"),
            std::string::npos);
}

TEST_F(Reports, MarkdownShowsInputTextAsText) {
  const auto scenario = load(kHostile);
  const std::string md = reports::replay_summary(*scenario, replay(*scenario));
  for (const std::string& markup : kRawMarkup)
    EXPECT_EQ(md.find(markup), std::string::npos) << markup;
  EXPECT_NE(md.find("&lt;script>window.pwned=1&lt;/script>"), std::string::npos);
  // Pipes would split table cells; emphasis and links would be formatting.
  EXPECT_NE(md.find("web\\|pipe"), std::string::npos);
  EXPECT_NE(md.find("\\*bold\\* \\_group\\_ \\[link\\](x)"), std::string::npos);
  for (std::istringstream lines(md); !lines.eof();) {
    std::string line;
    std::getline(lines, line);
    if (line.find(" | T+") == std::string::npos)  // a timeline row: time, offset, what
      continue;
    const auto pipes = std::count(line.begin(), line.end(), '|');
    const auto escaped = std::count(line.begin(), line.end(), '\\');
    EXPECT_EQ(pipes - escaped, 4) << line;
  }
}

TEST_F(Reports, CsvQuotesInputTextAndDisarmsFormulas) {
  const auto scenario = load(kHostile);
  const auto rows = parse_csv(reports::replay_timeline_csv(*scenario, replay(*scenario)));
  ASSERT_GT(rows.size(), 5u);
  bool saw_quoted = false;
  bool saw_formula = false;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 7u) << row.front();
    saw_quoted = saw_quoted || row[3] == "web|pipe, \"quoted\"";
    saw_formula = saw_formula || row[3] == "'=HYPERLINK(\"http://example.invalid\",\"click\")";
    EXPECT_FALSE(row[3].starts_with("=") || row[3].starts_with("+") || row[3].starts_with("-"))
        << row[3];
  }
  EXPECT_TRUE(saw_quoted);
  EXPECT_TRUE(saw_formula);
  const auto crews =
      parse_csv(reports::simulation_timeline_csv(*scenario, simulate_small(*scenario)));
  EXPECT_EQ(crews.front().back(), "busy_mean:-crew2");
}

TEST_F(Reports, TheReportsShowTheSameFiguresAsTheResult) {
  const auto scenario = load(kWebex);
  const RunResult run = replay(*scenario);
  const std::string md = reports::replay_summary(*scenario, run);
  EXPECT_NE(md.find("**2,154,373 active users** were cut off at worst, at 2018-09-26 09:00 EDT"),
            std::string::npos);
  // The services are back long before the last tenants are.
  EXPECT_EQ(run.tenants_peak.tenants, 3200);
  EXPECT_NE(md.find("Tenants out on some per-tenant service: at worst 3,200, and at worst 264,373 "
                    "of their users; the last came back at 2018-10-06 05:22 EDT, 10d8h after T0."),
            std::string::npos);
  const std::string html = reports::replay_html(*scenario, run);
  EXPECT_NE(html.find(">2,154,373<"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"label\">Every tenant back</div><div class=\"value\">10d8h</div>"
                      "<div class=\"detail\">3,200 out at worst; the last at 2018-10-06 05:22 "
                      "EDT</div>"),
            std::string::npos);
  EXPECT_NE(html.find("local time, America/New_York (EDT)"), std::string::npos);
}

// portal's 40 users come back over four waves, an hour apart, with a users
// line at each wave and nothing between: each wave's drop counts once.
TEST_F(Reports, UsersBackAddsEachWaveOnce) {
  const auto scenario = load("tests/replay/fixtures/waves.yaml");
  const std::string md = reports::replay_summary(*scenario, replay(*scenario));
  EXPECT_NE(md.find("| 2024-01-10 13:00 UTC | enable | 40 | 104 |"), std::string::npos) << md;
}

// A folder of its own under the system's temporary directory.
fs::path fresh_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("faultline-" + name + "-" +
                        std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// unlikely.yaml with success 0.1 and 3 retries gives up after its fourth
// attempt (see step_semantics_test): db, and so app, stay down and 600
// users stay cut off until the 6h horizon. The summary must not say that
// the runbook finished.
TEST_F(Reports, TheSummaryAfterAGiveUpSaysWhatNeverRanAndWhoIsStillOut) {
  auto scenario =
      std::make_shared<Scenario>(*load("tests/runbook/fixtures/semantics/unlikely.yaml"));
  scenario->steps[0].methods[0].success = 0.1;
  scenario->steps[0].methods[0].retries = 3;
  Step after;
  after.id = "announce";
  after.action = ActionKind::none;
  after.after = {StepId{0}};
  scenario->steps.push_back(after);
  scenario->successors.emplace_back();
  scenario->successors[0].push_back(StepId{1});
  const RunResult r = replay(*scenario);
  ASSERT_TRUE(r.steps[0].failed);
  const std::string summary = reports::replay_summary(*scenario, r);
  EXPECT_EQ(summary.find("The runbook finished"), std::string::npos) << summary;
  EXPECT_NE(summary.find("The runbook did not finish. Gave up: **fix-db** after 4 attempt(s). "
                         "Never ran: **announce**. When the run ended at 2024-01-10 15:00 UTC, "
                         "600 users were still cut off and these services still out: db, app."),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("**600 users were still cut off when the run ended** at 2024-01-10 "
                         "15:00 UTC, the scenario's horizon"),
            std::string::npos)
      << summary;
  EXPECT_NE(reports::replay_text(*scenario, r)
                .find("Still cut off at the end: 600 users; their loss goes on past it"),
            std::string::npos);
}

// recovery_only_raises.yaml: metrics is left serving 80% at the end, 2h;
// api and portal, slowed by it, serve everyone. Only metrics is still out,
// and the two are named as slowed: the summary reads services_restored and
// the same test of a state as compare and the HTML report.
TEST_F(Reports, TheSummaryTellsServicesStillOutFromServicesStillSlowed) {
  const auto scenario = load("tests/replay/fixtures/recovery_only_raises.yaml");
  const RunResult r = replay(*scenario);
  ASSERT_FALSE(r.services_restored);
  ASSERT_FALSE(r.all_restored);
  const std::string summary = reports::replay_summary(*scenario, r);
  EXPECT_NE(summary.find("- 3 services were disrupted; still out when the run ended at "
                         "2024-01-10 11:00 UTC: metrics; still slowed at the end: api, portal.\n"),
            std::string::npos)
      << summary;
}

// milder_outage.yaml, worked in its comments.
TEST_F(Reports, AMilderOutageSaysWhatItCapsNotWhatIsServed) {
  const auto scenario = load("tests/reports/fixtures/milder_outage.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_DOUBLE_EQ(r.overall.lost.in_user_hours(), 1'500);
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(text.find("T+1h        FAULT  B: db serves at most 80%\n"), std::string::npos) << text;
  EXPECT_NE(text.find("T+0s        FAULT  A: db serves at most 50%\n"), std::string::npos) << text;
}

// unlikely.yaml: fix-db's first attempt fails at 1h and is retried at
// 1h10m (see step_semantics_test). Every output shows it.
TEST_F(Reports, FailedAttemptsAndRetriesAreShownInEveryOutput) {
  const auto scenario = load("tests/runbook/fixtures/semantics/unlikely.yaml");
  const RunResult r = replay(*scenario);
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(text.find("T+1h        MISS   fix-db: attempt 1 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("T+1h10m     RETRY  fix-db: attempt 2 starts, a retry (5 allowed)"),
            std::string::npos)
      << text;
  const std::string summary = reports::replay_summary(*scenario, r);
  EXPECT_NE(summary.find("## What failed\n\n- 2024-01-10 10:00 UTC (T+1h): fix-db: attempt 1 "
                         "failed\n- 2024-01-10 10:10 UTC (T+1h10m): fix-db: attempt 2 starts"),
            std::string::npos)
      << summary;
  const std::string csv = reports::replay_timeline_csv(*scenario, r);
  EXPECT_NE(csv.find("step_attempt_failed"), std::string::npos);
  EXPECT_NE(csv.find("step_retry"), std::string::npos);
  const std::string json = reports::replay_json(*scenario, r).dump();
  EXPECT_NE(json.find(R"("kind":"step_attempt_failed")"), std::string::npos) << json;
  const std::string html = reports::replay_html(*scenario, r);
  EXPECT_NE(html.find("fix-db: attempt 1 failed at 2024-01-10 10:00 UTC"), std::string::npos);
  EXPECT_NE(html.find("fix-db: waiting to retry from 2024-01-10 10:00 UTC to 2024-01-10 10:10 UTC"),
            std::string::npos);
}

// stalls.yaml: the waits worked out in its comments (see stalls_test), as
// each output names them.
TEST_F(Reports, EveryOutputNamesWhereTheRunbookStalled) {
  const auto scenario = load("tests/runbook/fixtures/semantics/stalls.yaml");
  const RunResult r = replay(*scenario);
  const std::string text = reports::replay_text(*scenario, r);
  const auto gate = text.find(
      "fix-app                      2024-01-08 21:30 UTC      12h30m  gate waiting for app until "
      "2024-01-09 10:00 UTC");
  const auto shift = text.find(
      "fix-db                       2024-01-08 20:30 UTC      11h30m  storage off shift until "
      "2024-01-09 08:00 UTC");
  EXPECT_NE(gate, std::string::npos) << text;
  EXPECT_LT(gate, shift) << "largest first";
  EXPECT_NE(text.find("ops busy with triage until 2024-01-08 20:30 UTC"), std::string::npos);
  EXPECT_NE(text.find("held by its not_before until 2024-01-08 21:00 UTC"), std::string::npos);

  const std::string summary = reports::replay_summary(*scenario, r);
  EXPECT_NE(summary.find("## Where the runbook stalled"), std::string::npos);
  EXPECT_NE(summary.find("| fix-db | 2024-01-08 20:30 UTC | 11h30m | storage off shift until "
                         "2024-01-09 08:00 UTC |"),
            std::string::npos)
      << summary;

  const auto json = reports::replay_json(*scenario, r);
  const auto& fix_db = json["steps"][2];
  EXPECT_EQ(fix_db["stalled_s"], 11.5 * 3600);
  EXPECT_EQ(fix_db["waits"][0]["cause"], "predecessors");
  EXPECT_EQ(fix_db["waits"][0]["last_predecessor"], "triage");
  EXPECT_EQ(fix_db["waits"][1]["cause"], "off_shift");
  EXPECT_EQ(fix_db["waits"][1]["crew"], "storage");
  EXPECT_EQ(json["steps"][1]["waits"][0]["held_by"][0], "triage");
  EXPECT_EQ(json["steps"][1]["waits"][1]["services"][0], "app");

  const std::string html = reports::replay_html(*scenario, r);
  EXPECT_NE(html.find("class=\"data wait-off-shift\""), std::string::npos);
  EXPECT_NE(html.find("fix-db: from 2024-01-08 20:30 UTC, storage off shift until 2024-01-09 "
                      "08:00 UTC"),
            std::string::npos);
}

// paused_off_shift.yaml: fix-db's work pauses from 18:00 to Tuesday 08:00
// (see stalls_test); each output says so, and the chart marks the pause
// over the step's bar, after it in the drawing.
TEST_F(Reports, EveryOutputNamesWorkPausedOffShift) {
  const auto scenario = load("tests/runbook/fixtures/semantics/paused_off_shift.yaml");
  const RunResult r = replay(*scenario);
  const std::string why = "storage off shift, its work paused until 2024-01-09 08:00 UTC";
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(text.find("fix-db                       2024-01-08 18:00 UTC         14h  " + why),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("work paused off shift"), std::string::npos) << "the table's heading";
  const std::string summary = reports::replay_summary(*scenario, r);
  EXPECT_NE(summary.find("| fix-db | 2024-01-08 18:00 UTC | 14h | " + why + " |"),
            std::string::npos)
      << summary;

  const auto json = reports::replay_json(*scenario, r);
  const auto& fix_db = json["steps"][0];
  EXPECT_EQ(fix_db["stalled_s"], 14 * 3600);
  EXPECT_EQ(fix_db["waits"][0]["cause"], "off_shift");
  EXPECT_EQ(fix_db["waits"][0]["work_paused"], true);

  const std::string html = reports::replay_html(*scenario, r);
  const auto bar = html.find("fix-db: done; started 2024-01-08 16:00 UTC");
  const auto pause = html.find("fix-db: from 2024-01-08 18:00 UTC, " + why);
  ASSERT_NE(bar, std::string::npos);
  ASSERT_NE(pause, std::string::npos);
  EXPECT_LT(bar, pause) << "drawn over the bar";
}

// members_short_at_start.yaml: r's first batch waits a day for two of
// ops's members (see stalls_test); it read "ops has no members".
TEST_F(Reports, ABatchStepThatCannotStartNamesTheMembersItWaitsFor) {
  const auto scenario = load("tests/replay/fixtures/tenants/members_short_at_start.yaml");
  const RunResult r = replay(*scenario);
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(
      text.find("r                            2024-01-10 09:00 UTC          1d  a batch needs 2 "
                "of ops's members, which has 1 until 2024-01-11 09:00 UTC"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("has no members"), std::string::npos) << text;
}

// members_none_never_starts.yaml: r never starts, and its row in the
// chart shows why (found in review: it was empty).
TEST_F(Reports, TheChartShowsTheWaitOfABatchStepThatNeverStarted) {
  const auto scenario = load("tests/replay/fixtures/tenants/members_none_never_starts.yaml");
  const std::string html = reports::replay_html(*scenario, replay(*scenario));
  EXPECT_NE(html.find("r: from 2024-01-10 09:00 UTC, a batch needs 2 of ops&#39;s members, which "
                      "has none, still at the end"),
            std::string::npos);
}

// members_cut.yaml: r's second batch waits 23h for two of ops's members
// (see stalls_test).
TEST_F(Reports, EveryOutputNamesABatchWaitingForCrewMembers) {
  const auto scenario = load("tests/replay/fixtures/tenants/members_cut.yaml");
  const RunResult r = replay(*scenario);
  const std::string why =
      "a batch needs 2 of ops's members, which has 1 until 2024-01-11 09:00 UTC";
  const std::string text = reports::replay_text(*scenario, r);
  EXPECT_NE(text.find("r                            2024-01-10 10:00 UTC         23h  " + why),
            std::string::npos)
      << text;
  const std::string summary = reports::replay_summary(*scenario, r);
  EXPECT_NE(summary.find("| r | 2024-01-10 10:00 UTC | 23h | " + why + " |"), std::string::npos)
      << summary;

  const auto json = reports::replay_json(*scenario, r);
  const auto& step = json["steps"][0];
  EXPECT_EQ(step["stalled_s"], 23 * 3600);
  EXPECT_EQ(step["waits"][0]["cause"], "batch_members");
  EXPECT_EQ(step["waits"][0]["crew"], "ops");
  EXPECT_EQ(step["waits"][0]["members"], 2);
  EXPECT_EQ(step["waits"][0]["crew_size"], 1);
  EXPECT_TRUE(step["waits"][0]["held_by"].empty());

  const std::string html = reports::replay_html(*scenario, r);
  const auto bar = html.find("r: done; started 2024-01-10 09:00 UTC");
  const auto wait = html.find("r: from 2024-01-10 10:00 UTC, a batch needs 2 of ops&#39;s members");
  ASSERT_NE(bar, std::string::npos);
  ASSERT_NE(wait, std::string::npos);
  EXPECT_LT(bar, wait) << "drawn over the bar, as the step was under way";
  EXPECT_NE(html.find("crew busy elsewhere, or short of a batch&#39;s members"), std::string::npos)
      << "the legend";
}

// requires.yaml: restore-app awaits db from T0 to 3h (see step_semantics_test).
TEST_F(Reports, EveryOutputNamesTheServicesAStepAwaited) {
  const auto scenario = load("tests/runbook/fixtures/semantics/requires.yaml");
  const RunResult r = replay(*scenario);
  EXPECT_NE(reports::replay_text(*scenario, r)
                .find("restore-app                  2024-01-10 09:00 UTC          3h  requires db "
                      "until 2024-01-10 12:00 UTC"),
            std::string::npos);
  const auto json = reports::replay_json(*scenario, r);
  EXPECT_EQ(json["steps"][0]["waits"][0]["cause"], "requires");
  EXPECT_EQ(json["steps"][0]["waits"][0]["services"], nlohmann::ordered_json::array({"db"}));
  const std::string html = reports::replay_html(*scenario, r);
  EXPECT_NE(html.find("class=\"data wait-requires\""), std::string::npos);
  EXPECT_NE(html.find("a service it requires not yet as it needs"), std::string::npos)
      << "the legend names the wait";
}

TEST(ReportDirectory, ReplacesAnEarlierReportWhole) {
  const fs::path parent = fresh_folder("replace");
  const std::string dir = (parent / "report").string();
  reports::write_directory_atomically(dir, {{"index.html", "old"}, {"summary.md", "old"}});
  reports::write_directory_atomically(
      dir, {{"index.html", "new"}, {"summary.md", "new"}, {"timeline.csv", "new"}});
  for (const char* name : {"index.html", "summary.md", "timeline.csv"})
    EXPECT_EQ(read(parent / "report" / name), "new") << name;
  EXPECT_EQ(std::distance(fs::directory_iterator(parent), fs::directory_iterator{}), 1)
      << "no temporary directory is left beside it";
  fs::remove_all(parent);
}

TEST(ReportDirectory, AFailedWriteLeavesTheOldReport) {
  const fs::path parent = fresh_folder("failed");
  const std::string dir = (parent / "report").string();
  reports::write_directory_atomically(dir, {{"index.html", "old"}});
  // A name in a folder that does not exist cannot be written.
  EXPECT_THROW(reports::write_directory_atomically(
                   dir, {{"index.html", "new"}, {"missing/summary.md", "new"}}),
               std::runtime_error);
  EXPECT_EQ(read(parent / "report" / "index.html"), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(parent), fs::directory_iterator{}), 1);
  fs::remove_all(parent);
}

TEST(ReportDirectory, NeverReplacesAFolderOfOtherFilesOrAFile) {
  const fs::path parent = fresh_folder("refuse");
  fs::create_directories(parent / "home");
  std::ofstream(parent / "home" / "thesis.tex") << "precious";
  std::ofstream(parent / "notes.txt") << "precious";
  EXPECT_THROW(
      reports::write_directory_atomically((parent / "home").string(), {{"index.html", "new"}}),
      std::runtime_error);
  EXPECT_THROW(
      reports::write_directory_atomically((parent / "notes.txt").string(), {{"index.html", "new"}}),
      std::runtime_error);
  EXPECT_EQ(read(parent / "home" / "thesis.tex"), "precious");
  EXPECT_EQ(read(parent / "notes.txt"), "precious");
  EXPECT_FALSE(fs::exists(parent / "home" / "index.html"));
  fs::remove_all(parent);
}

TEST(ReportDirectory, FillsAnEmptyFolderAndNamesWithATrailingSlash) {
  const fs::path parent = fresh_folder("empty");
  fs::create_directories(parent / "out");
  reports::write_directory_atomically((parent / "out").string() + "/", {{"index.html", "x"}});
  EXPECT_EQ(read(parent / "out" / "index.html"), "x");
  fs::remove_all(parent);
}

TEST(ReportDirectory, ReplacesTheFolderALinkLeadsToAndKeepsTheLink) {
  const fs::path parent = fresh_folder("link");
  reports::write_directory_atomically((parent / "real").string(), {{"index.html", "old"}});
  fs::create_directory_symlink("real", parent / "latest");
  reports::write_directory_atomically((parent / "latest").string(), {{"index.html", "new"}});
  EXPECT_EQ(read(parent / "real" / "index.html"), "new");
  ASSERT_TRUE(fs::is_symlink(fs::symlink_status(parent / "latest")));
  EXPECT_EQ(fs::read_symlink(parent / "latest"), fs::path("real"));
  // Through a link, a folder of other files is refused as it is by name.
  std::ofstream(parent / "real" / "thesis.tex") << "precious";
  const std::string_view names[] = {"index.html"};
  EXPECT_TRUE(reports::directory_refusal((parent / "latest").string(), names));
  EXPECT_THROW(
      reports::write_directory_atomically((parent / "latest").string(), {{"index.html", "x"}}),
      std::runtime_error);
  EXPECT_EQ(read(parent / "real" / "index.html"), "new");
  fs::remove_all(parent);
}

// Found in review: a link to "real/" put the report inside real and then
// failed to swap it in; a loop of links aborted the program.
TEST(ReportDirectory, ALinksTargetMayEndInASlashAndALoopIsRefused) {
  const fs::path parent = fresh_folder("link-slash");
  fs::create_directory(parent / "real");
  fs::create_directory_symlink("real/", parent / "slash");
  fs::create_directory_symlink("real/.", parent / "dot");
  fs::create_directory_symlink(parent / "slash", parent / "chain");
  // A link in the middle of the chain named with a slash: "slash/" is
  // itself a link, to real.
  fs::create_directory_symlink("slash/", parent / "through");
  for (const char* link : {"slash", "dot", "chain", "through"}) {
    SCOPED_TRACE(link);
    reports::write_directory_atomically((parent / link).string(), {{"index.html", link}});
    EXPECT_EQ(read(parent / "real" / "index.html"), link);
    EXPECT_TRUE(fs::is_symlink(fs::symlink_status(parent / link)));
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(parent / "real"), fs::directory_iterator{}), 1)
      << "nothing but the report in it";
  fs::create_directory_symlink("loop-b", parent / "loop-a");
  fs::create_directory_symlink("loop-a", parent / "loop-b");
  const std::string_view names[] = {"index.html"};
  const auto refusal = reports::directory_refusal((parent / "loop-a").string(), names);
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("too many levels of links"), std::string::npos) << *refusal;
  EXPECT_THROW(
      reports::write_directory_atomically((parent / "loop-a").string(), {{"index.html", "x"}}),
      std::runtime_error);
  fs::remove_all(parent);
}

TEST(AtomicFile, ShowsNothingNewUntilCommittedAndNothingAtAllIfNeverCommitted) {
  const fs::path parent = fresh_folder("stream");
  const fs::path path = parent / "rows.csv";
  std::ofstream(path) << "old";
  {
    reports::AtomicFile file(path.string());
    file.write("a,");
    file.write(std::string(3 << 20, 'b'));  // past the buffer, so written out meanwhile
    EXPECT_EQ(read(path), "old") << "readers see the old file while it is written";
    file.commit();
  }
  EXPECT_EQ(read(path), "a," + std::string(3 << 20, 'b'));
  {
    reports::AtomicFile abandoned(path.string());
    abandoned.write(std::string(2 << 20, 'c'));
  }
  EXPECT_EQ(read(path).size(), 2 + (3u << 20)) << "an uncommitted file replaces nothing";
  EXPECT_EQ(std::distance(fs::directory_iterator(parent), fs::directory_iterator{}), 1)
      << "and leaves no temporary file";
  fs::remove_all(parent);
}

TEST(AtomicFile, FollowsALinkInsteadOfReplacingIt) {
  const fs::path parent = fresh_folder("link");
  std::ofstream(parent / "real.json") << "old";
  fs::create_symlink("real.json", parent / "link.json");
  reports::write_file_atomically((parent / "link.json").string(), "new");
  EXPECT_TRUE(fs::is_symlink(parent / "link.json")) << "the link is still a link";
  EXPECT_EQ(read(parent / "real.json"), "new") << "written where it leads";
  EXPECT_EQ(std::distance(fs::directory_iterator(parent), fs::directory_iterator{}), 2)
      << "no temporary file is left";
  fs::remove_all(parent);
}

TEST(AtomicFile, WritesThroughAPipeInsteadOfReplacingIt) {
  const fs::path parent = fresh_folder("fifo");
  const fs::path fifo = parent / "results.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read(fifo); });
  reports::write_file_atomically(fifo.string(), "through the pipe");
  reader.join();
  EXPECT_EQ(received, "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo)) << "still a pipe, not a plain file";
  fs::remove_all(parent);
}

TEST(AtomicFile, WritesThroughADeviceAndRefusesADirectory) {
  EXPECT_NO_THROW(reports::write_file_atomically("/dev/null", "discarded"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  const fs::path parent = fresh_folder("dir");
  EXPECT_THROW(reports::write_file_atomically(parent.string(), "x"), std::runtime_error);
  EXPECT_THROW(reports::write_file_atomically("/dev/full", "x"), std::runtime_error)
      << "a device that refuses the write is an error, not a success";
  fs::remove_all(parent);
}

TEST(AtomicFile, KeepsTheModeOfTheFileItReplaces) {
  const fs::path parent = fresh_folder("mode");
  std::ofstream(parent / "result.json") << "old";
  fs::permissions(parent / "result.json", fs::perms::owner_read | fs::perms::owner_write);
  reports::write_file_atomically((parent / "result.json").string(), "new");
  EXPECT_EQ(read(parent / "result.json"), "new");
  EXPECT_EQ(fs::status(parent / "result.json").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  fs::remove_all(parent);
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
