// Shards of a Monte Carlo study, their tally files and the exact merge.

#include "faultline/tally.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "faultline/reports/json.hpp"
#include "faultline/slo.hpp"
#include "faultline/version.hpp"
#include "test_support.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

using testing::scenario_fixture;
using testing::test_path;

// A scratch folder of the test's own, removed with it.
class TallyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("faultline-tally-" +
               std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (folder_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path folder_;
};

TallyHeader header_for(const MonteCarloOptions& options, std::uint64_t study_runs) {
  TallyHeader h;
  h.faultline_version = kVersion;
  h.seed = options.seed;
  h.runs = study_runs;
  h.range = {options.first_run, options.first_run + options.runs};
  h.inputs = {{"scenario", test_path("tally/fixtures/random.yaml"),
               file_sha256(test_path("tally/fixtures/random.yaml"))}};
  return h;
}

MonteCarloOptions study_options() {
  MonteCarloOptions options;
  options.runs = 300;
  options.seed = 11;
  options.threads = 2;
  SloLoad slos = load_slos(test_path("tally/fixtures/slo.yaml"));
  if (!slos.diagnostics.all().empty())
    throw std::runtime_error(slos.diagnostics.to_text());
  options.slos = slos.slos;
  return options;
}

TEST(TallyStatistics, AnAccumulatorsStateGivesItBack) {
  Accumulator a;
  for (const std::int64_t v : {0, 5, 127, 128, 9'999, 3'600'000, 3'600'001})
    a.add(v);
  const Accumulator back(a.state());
  EXPECT_EQ(back.count(), a.count());
  for (const double q : {0.1, 0.5, 0.9, 1.0})
    EXPECT_EQ(back.quantile(q), a.quantile(q));
  EXPECT_EQ(back.mean(), a.mean());
  EXPECT_EQ(back.standard_deviation(), a.standard_deviation());
}

TEST(TallyStatistics, AStateNoValuesGiveIsRefused) {
  Accumulator a;
  a.add(200);
  a.add(300);
  AccumulatorState miscounted = a.state();
  miscounted.buckets.back() += 1;
  EXPECT_THROW(Accumulator{miscounted}, std::invalid_argument);
  AccumulatorState beyond = a.state();
  beyond.first_bucket = 4000;  // the last bucket a value can fill is 3711
  EXPECT_THROW(Accumulator{beyond}, std::invalid_argument);
  AccumulatorState outside = a.state();
  outside.moments.max = 1'000'000;  // above the buckets' last
  EXPECT_THROW(Accumulator{outside}, std::invalid_argument);
  MomentsState inverted = a.state().moments;
  std::swap(inverted.min, inverted.max);
  EXPECT_THROW(Moments{inverted}, std::invalid_argument);
  EXPECT_THROW((Moments{MomentsState{0, 5, 25, 0, 0}}), std::invalid_argument);
  Moments two;
  two.add(-3);
  EXPECT_THROW((SignedTimes{two, Accumulator{}, Accumulator{}, 0}), std::invalid_argument);
}

// Every run of fixed.yaml loses 3,600,000 user-seconds (the fixture's
// comment). bucket_of(3,600,000): 2^21 <= 3,600,000 < 2^22, so the shift
// is 22 - 1 - 6 = 15 and the sub-bucket 3,600,000 >> 15 = 109; the bucket
// is 128 + (15 - 1) x 64 + (109 - 64) = 1069, one bucket holding all 3.
TEST_F(TallyTest, WritesEachStatisticsExactSumsAsWorkedOutByHand) {
  const auto scenario = scenario_fixture("tally/fixtures/fixed.yaml");
  MonteCarloOptions options;
  options.runs = 3;
  const std::string text = tally_text(header_for(options, 3), simulate(*scenario, options));
  EXPECT_NE(text.find("\nruns 3\n"), std::string::npos);
  EXPECT_NE(text.find("\noverall/user_seconds_lost 3 a4cb80 235c7496c000 3600000 3600000 1069 "
                      "1 3\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(text.starts_with("faultline-tally 4\ncommand simulate\nfaultline-version "));
  EXPECT_TRUE(text.ends_with("\nend\n"));
}

// The layout, line by line: a change to it needs a new kTallyFormatVersion.
// Its inputs are named from the source folder, where `faultline merge
// tests/golden/fixed-3.tally` reads it (the CLI test does).
TEST(TallyFile, KeepsItsLayout) {
  const auto scenario = scenario_fixture("tally/fixtures/fixed.yaml");
  MonteCarloOptions options;
  options.runs = 3;
  TallyHeader header = header_for(options, 3);
  header.inputs.clear();
  for (const auto& [role, name] :
       {std::pair{"scenario", "fixed.yaml"}, {"topology", "estate.yaml"}})
    header.inputs.push_back({role, "tests/tally/fixtures/" + std::string(name),
                             file_sha256(test_path("tally/fixtures/" + std::string(name)))});
  EXPECT_TRUE(testing::matches_golden("golden/fixed-3.tally",
                                      tally_text(header, simulate(*scenario, options))));
}

// Progress counts the shard's own runs, not the study's run indices. Each
// run waits 1 ms as it is handed over, so the 400 take over 400 ms and
// progress is reported (every 200 ms) before the last.
TEST(TallyShard, ReportsProgressInItsOwnRuns) {
  const auto scenario = scenario_fixture("tally/fixtures/fixed.yaml");
  MonteCarloOptions options;
  options.first_run = 9'000'000;
  options.runs = 400;
  options.on_run = [](const RunRecord&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  std::vector<MonteCarloProgress> reports;
  options.on_progress = [&](const MonteCarloProgress& p) { reports.push_back(p); };
  simulate(*scenario, options);
  ASSERT_GE(reports.size(), 2U) << "no report before the last";
  for (const MonteCarloProgress& p : reports) {
    EXPECT_LE(p.runs_done, options.runs);
    EXPECT_EQ(p.runs_planned, options.runs);
  }
  EXPECT_EQ(reports.back().runs_done, options.runs);
}

// The shards, merged in the order given, as merge does.
MonteCarloResult merged(const Scenario& scenario, const MonteCarloOptions& study,
                        const std::vector<std::string>& paths) {
  MonteCarloResult total = empty_result(scenario, study);
  for (const std::string& path : paths) {
    const TallyRead read = read_tally(path, total);
    if (!read.result)
      throw std::runtime_error(read.diagnostics.to_text());
    merge_results(total, *read.result);
  }
  return total;
}

TEST_F(TallyTest, UnevenShardsInAnyOrderMergeIntoWhatOneProcessGives) {
  const auto scenario = scenario_fixture("tally/fixtures/random.yaml");
  const MonteCarloOptions study = study_options();
  const MonteCarloResult whole = simulate(*scenario, study);
  std::vector<std::string> paths;
  std::vector<TallyHeader> headers;
  for (const RunRange range : {RunRange{0, 7}, RunRange{7, 8}, RunRange{8, 300}}) {
    MonteCarloOptions shard = study;
    shard.first_run = range.first;
    shard.runs = range.end - range.first;
    shard.threads = range.first == 8 ? 1 : 2;
    headers.push_back(header_for(shard, study.runs));
    paths.push_back(write(fmt::format("{}-{}.tally", range.first, range.end),
                          tally_text(headers.back(), simulate(*scenario, shard))));
  }
  EXPECT_FALSE(check_shards(paths, headers).has_errors());
  const std::string expected = reports::simulation_json(*scenario, whole).dump(1);
  ASSERT_FALSE(whole.slo_statistics.empty());
  std::vector<std::string> order = paths;
  std::sort(order.begin(), order.end());
  do {
    EXPECT_EQ(reports::simulation_json(*scenario, merged(*scenario, study, order)).dump(1),
              expected);
  } while (std::next_permutation(order.begin(), order.end()));
  // The tallies themselves agree, statistic by statistic.
  const TallyHeader all = header_for(study, study.runs);
  EXPECT_EQ(tally_text(all, merged(*scenario, study, paths)), tally_text(all, whole));
}

// random.yaml under two strategies, 200 runs, and its tally's header. The
// restore gives up in a sixteenth of the runs, which end with the users
// still out at 2d, the first variant's horizon; the second's is 3d, so the
// first counted them short, when and against when the file says.
struct ComparisonStudy {
  std::vector<Variant> variants = testing::random_under_two_strategies();
  CompareOptions options;
  TallyHeader header = header_for(MonteCarloOptions{}, 200);
};

ComparisonStudy comparison_study() {
  ComparisonStudy study;
  study.options.runs = 200;
  study.options.seed = 3;
  study.options.threads = 2;
  study.options.slos = study_options().slos;
  study.header.command = StudyCommand::compare;
  study.header.strategies = {"as-written", "shortest-first"};
  study.header.range = {0, study.options.runs};
  return study;
}

TEST_F(TallyTest, AComparisonsShardsMergeIntoWhatOneProcessGives) {
  ComparisonStudy s = comparison_study();
  const std::vector<Variant>& variants = s.variants;
  const CompareOptions& study = s.options;
  TallyHeader& header = s.header;
  const Comparison whole = compare(variants, study);
  Comparison total = empty_comparison(variants, study);
  for (const RunRange range : {RunRange{150, 200}, RunRange{0, 150}}) {
    CompareOptions shard = study;
    shard.first_run = range.first;
    shard.runs = range.end - range.first;
    header.range = range;
    const std::string path = write(fmt::format("compare-{}.tally", range.first),
                                   tally_text(header, compare(variants, shard)));
    const ComparisonTallyRead read = read_tally(path, total);
    ASSERT_TRUE(read.result) << read.diagnostics.to_text();
    merge_comparisons(total, *read.result);
    // A comparison's tally is not a simulation's.
    EXPECT_TRUE(testing::has_error(read_tally(path, MonteCarloResult{}).diagnostics, 2, 9,
                                   "a tally of compare where one of simulate was expected"));
  }
  EXPECT_EQ(reports::compare_json(total).dump(1), reports::compare_json(whole).dump(1));
  EXPECT_GT(whole.pairs.front().differences.standard_deviation(), 0);
  // The JSON does not show the runs counted short; the tally does.
  header.range = {0, study.runs};
  EXPECT_EQ(tally_text(header, total), tally_text(header, whole));
  const Moments& ended = whole.counted_short[0].ended_ms;
  EXPECT_GT(ended.count(), 0u);
  EXPECT_EQ(ended.min(), Duration::days(2).ms);
  EXPECT_EQ(ended.max(), Duration::days(2).ms);
  EXPECT_EQ(whole.counted_short[0].others_ended_ms.max(), Duration::days(3).ms);
  EXPECT_EQ(whole.counted_short[1].ended_ms.count(), 0u);
  EXPECT_EQ(whole.counted_short[0].cut_off, ended.count());
  EXPECT_EQ(whole.counted_short[0].strikes_to_come, 0u) << "random.yaml's faults strike at T0";
}

// Edited into what no runs give, a comparison's line of runs counted
// short is refused at the word that shows it: its words are the name, the
// runs that ended cut off and before a strike, then two moments of five
// (count, sum, sum of squares, min, max), the runs' ends and the others'.
TEST_F(TallyTest, ARunsCountedShortLineNoRunsGiveIsRefusedWhereItStands) {
  const ComparisonStudy s = comparison_study();
  const std::vector<Variant>& variants = s.variants;
  const CompareOptions& study = s.options;
  const std::string text = tally_text(s.header, compare(variants, study));
  const std::size_t at = text.find("\nvariants/0/counted_short ") + 1;
  const std::size_t end = text.find('\n', at);
  std::vector<std::string> words;
  for (std::size_t from = at; from < end;) {
    const std::size_t space = std::min(text.find(' ', from), end);
    words.push_back(text.substr(from, space - from));
    from = space + 1;
  }
  ASSERT_EQ(words.size(), 13u);
  const int line = static_cast<int>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
  const auto refused = [&](const std::vector<std::string>& edited, std::size_t word,
                           const std::string& message) {
    std::string row = edited[0];
    int column = 0;
    for (std::size_t w = 1; w < edited.size(); ++w) {
      if (w == word)
        column = static_cast<int>(row.size()) + 2;
      row += " " + edited[w];
    }
    const std::string path = write("edited.tally", text.substr(0, at) + row + text.substr(end));
    return testing::has_error(read_tally(path, empty_comparison(variants, study)).diagnostics, line,
                              column, message);
  };
  std::vector<std::string> swapped = words;  // ending after the others'
  std::swap_ranges(swapped.begin() + 3, swapped.begin() + 8, swapped.begin() + 8);
  EXPECT_TRUE(refused(swapped, 8, "the others' same runs end after the runs counted short"));
  std::vector<std::string> one_more = words;  // an end of the others' without its run
  one_more[8] = std::to_string(std::stoull(words[8]) + 1);
  EXPECT_TRUE(refused(
      one_more, 8,
      fmt::format("{} runs counted short, and the others' ends of {}", words[3], one_more[8])));
  std::vector<std::string> before_t0 = words;  // the earliest end before T0
  before_t0[6] = "-1";
  EXPECT_TRUE(refused(before_t0, 6, "a run ended 1 ms before T0"));
  // Each run counted short ended one way or both, and no way counts more
  // runs than that.
  std::vector<std::string> neither = words;
  neither[1] = "0";
  EXPECT_TRUE(refused(
      neither, 1,
      fmt::format("{} runs counted short, but 0 ended cut off and 0 before a strike", words[3])));
  std::vector<std::string> too_many = words;
  too_many[2] = std::to_string(std::stoull(words[3]) + 1);
  EXPECT_TRUE(refused(
      too_many, 2,
      fmt::format("{} runs ended before a strike, of {} counted short", too_many[2], words[3])));
}

// The tally of three runs of fixed.yaml, and the empty result it is read
// into.
std::pair<MonteCarloResult, std::string> three_fixed_runs() {
  const auto scenario = scenario_fixture("tally/fixtures/fixed.yaml");
  MonteCarloOptions options;
  options.runs = 3;
  return {empty_result(*scenario, options),
          tally_text(header_for(options, 3), simulate(*scenario, options))};
}

// A crafted tally must not reach arithmetic that overflows: counts above
// the runs, negative sums, values past 2^62, inputs no command reads, and
// files that are not files are refused where they are.
TEST_F(TallyTest, ValuesNoRunGivesAreRefusedAtTheirColumn) {
  // Named, not bound: clang 14's lambdas cannot capture structured bindings.
  const auto fixed = three_fixed_runs();
  const MonteCarloResult& empty = fixed.first;
  const std::string& text = fixed.second;
  const auto edited = [&](const std::string& name, const std::string& from, const std::string& to) {
    std::string out = text;
    out.replace(out.find(from), from.size(), to);
    return read_tally(write(name, out), empty).diagnostics;
  };
  const auto line_of = [&](const std::string& start) {
    const std::size_t at = text.find("\n" + start);
    return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) +
           2;
  };
  EXPECT_TRUE(
      testing::has_error(edited("count", "services/0/runs_down 3", "services/0/runs_down 4"),
                         line_of("services/0/runs_down"), 22, "a count of 4 runs, of 3"));
  // The largest loss, at column 57 of its line, set to 2^62.
  const std::string lost = "overall/user_seconds_lost 3 a4cb80 235c7496c000 3600000 ";
  EXPECT_TRUE(testing::has_error(edited("extreme", lost + "3600000", lost + "4611686018427387904"),
                                 line_of("overall/user_seconds_lost"), 57,
                                 "a value of 4611686018427387904, past the 2^62"));
  const std::string busy = text.substr(text.find("samples/busy_sum"));
  const std::string busy_line = busy.substr(0, busy.find('\n'));
  std::string negative = busy_line;
  negative.replace(negative.rfind(' ') + 1, std::string::npos, "-1");
  EXPECT_TRUE(testing::has_error(
      edited("negative", busy_line, negative), line_of("samples/busy_sum"),
      static_cast<int>(negative.rfind(' ')) + 2, "a sum of values of 0 or more is not below 0"));
  EXPECT_TRUE(
      testing::has_error(edited("two", "\nbody\n", "\ninput scenario 00 other.yaml\nbody\n"), 12, 1,
                         "a tally of simulate with 2 scenarios"));
  EXPECT_TRUE(testing::has_error(read_tally(folder_.string(), empty).diagnostics, 0, 0,
                                 "a tally is a file that simulate or compare wrote"));
}

TEST(TallySums, APassing2To63IsRefusedNotWrapped) {
  MonteCarloResult a;
  a.sampled_busy_sum = {std::numeric_limits<std::int64_t>::max() - 1};
  MonteCarloResult b = a;
  EXPECT_THROW(merge_results(a, b), std::invalid_argument);
}

// The last bucket's range ends at 2^63 - 1, computed without forming 2^63.
TEST(TallyStatistics, TheLargestValueHasAQuantile) {
  Accumulator a;
  a.add(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(a.quantile(1.0), static_cast<double>(std::numeric_limits<std::int64_t>::max()));
}

TEST_F(TallyTest, ShardsThatDoNotTileTheStudyOrDifferAreRefusedWhereTheySaySo) {
  MonteCarloOptions options;
  options.runs = 100;
  const TallyHeader a = header_for(options, 300);
  TallyHeader b = a;
  b.range = {150, 300};
  EXPECT_TRUE(testing::has_error(
      check_shards(std::vector<std::string>{"a", "b"}, std::vector<TallyHeader>{a, b}), 6, 1,
      "runs 100 to 149 are in no shard; make a shard of "
      "--run-range 100:150"));
  b.range = {50, 300};
  EXPECT_TRUE(testing::has_error(
      check_shards(std::vector<std::string>{"a", "b"}, std::vector<TallyHeader>{a, b}), 6, 1,
      "runs 50 to 99 are also in a"));
  b.range = {100, 200};
  EXPECT_TRUE(testing::has_error(
      check_shards(std::vector<std::string>{"a", "b"}, std::vector<TallyHeader>{a, b}), 6, 1,
      "runs 200 to 299 are in no shard"));
  b.range = {100, 300};
  EXPECT_FALSE(check_shards(std::vector<std::string>{"a", "b"}, std::vector<TallyHeader>{a, b})
                   .has_errors());
  b.seed = 2;
  b.strategies = {"priority"};
  const Diagnostics differ =
      check_shards(std::vector<std::string>{"a", "b"}, std::vector<TallyHeader>{a, b});
  EXPECT_TRUE(testing::has_error(differ, 4, 1, "the seed: 2 here, 1 in a"));
  EXPECT_TRUE(testing::has_error(differ, 9, 1, "the strategies: priority here"));
  TallyHeader old = a;
  old.faultline_version = "0.0.1";
  old.range = {0, 300};
  EXPECT_TRUE(testing::has_error(
      check_shards(std::vector<std::string>{"old"}, std::vector<TallyHeader>{old}), 3, 1,
      "the shards were made by faultline 0.0.1"));
  TallyHeader changed = old;
  changed.faultline_version = kVersion;
  changed.inputs.front().sha256 = std::string(64, '0');
  EXPECT_TRUE(testing::has_error(
      check_shards(std::vector<std::string>{"changed"}, std::vector<TallyHeader>{changed}), 10, 1,
      "has changed since the shards were made"));
}

TEST_F(TallyTest, AFileCutShortEditedOrOfAnotherKindIsRefusedAtItsLineAndColumn) {
  // Named, not bound: clang 14's lambdas cannot capture structured bindings.
  const auto fixed = three_fixed_runs();
  const MonteCarloResult& empty = fixed.first;
  const std::string& text = fixed.second;
  const auto error_of = [&](const std::string& name, const std::string& edited) {
    const TallyRead read = read_tally(write(name, edited), empty);
    EXPECT_FALSE(read.result);
    return read.diagnostics;
  };
  std::string wrong_magic = text;
  wrong_magic.replace(0, 15, "faultline-tallx");
  EXPECT_TRUE(testing::has_error(error_of("magic", wrong_magic), 1, 1, "not a Faultline tally"));
  std::string v1 = text;
  v1.replace(16, 1, "1");
  EXPECT_TRUE(testing::has_error(error_of("v1", v1), 1, 17,
                                 "the tally is in format 1; this faultline reads format 4 only"));
  // Nine fixed header lines and one input: "body" is line 11, "runs" 12.
  const std::size_t body = text.find("\nbody\n") + 6;
  EXPECT_TRUE(testing::has_error(error_of("cut", text.substr(0, body)), 12, 1,
                                 "the tally ends early: 'runs' should follow"));
  std::string more_runs = text;
  more_runs.replace(body, 6, "runs 4");
  EXPECT_TRUE(
      testing::has_error(error_of("runs", more_runs), 6, 1, "the range holds 3 runs, the tally 4"));
  std::string bad_number = text;
  bad_number.replace(body, 6, "runs x");
  EXPECT_TRUE(
      testing::has_error(error_of("nan", bad_number), 12, 6, "expected a whole number, found 'x'"));
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  EXPECT_TRUE(testing::has_error(error_of("after", text + "more\n"), lines, 1,
                                 "the tally goes on after its end"));
  const std::size_t line = text.find("\noverall/user_seconds_lost ") + 1;
  std::string miscounted = text;
  miscounted.replace(text.find('\n', line) - 1, 1, "4");
  const Diagnostics d = error_of("miscounted", miscounted);
  ASSERT_EQ(d.all().size(), 1U);
  EXPECT_NE(d.all().front().message.find("not a tally any runs give: the buckets do not count"),
            std::string::npos)
      << d.to_text();
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
