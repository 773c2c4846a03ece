#include "faultline/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "faultline/monte_carlo.hpp"
#include "monte_carlo/parallel_runs.hpp"
#include "monte_carlo/run_records.hpp"
#include "monte_carlo/sampling.hpp"
#include "replay/run.hpp"

namespace faultline {

namespace {

constexpr std::size_t kMetrics = kComparedMetrics.size();
using Values = std::array<std::int64_t, kMetrics>;

Values values_of(const RunResult& r, Duration restoration_cap) {
  const Duration restored = r.all_restored ? r.all_restored->since_t0() : restoration_cap;
  return {(r.overall.lost.user_ms + 500) / 1000, r.overall.peak_active.value,
          std::min(restored, restoration_cap).ms};
}

Duration restoration_cap(std::span<const Variant> variants) {
  std::optional<Duration> cap;
  for (const Variant& v : variants) {
    const Duration horizon =
        v.scenario->horizon ? v.scenario->horizon->since_t0() : kDefaultHorizon;
    cap = std::min(cap.value_or(horizon), horizon);
  }
  return cap.value_or(kDefaultHorizon);
}

// Every metric, then every pair a < b: the order of Comparison::pairs.
std::vector<PairedDifference> empty_pairs(std::size_t variants) {
  std::vector<PairedDifference> out;
  for (const ComparedMetric m : kComparedMetrics) {
    for (std::size_t a = 0; a < variants; ++a) {
      for (std::size_t b = a + 1; b < variants; ++b) {
        PairedDifference& pair = out.emplace_back();
        pair.a = a;
        pair.b = b;
        pair.metric = m;
      }
    }
  }
  return out;
}

// Built by the thread that uses it, for the reason parallel_runs gives;
// `tables`: each variant's, for its workers (see SharedRunTables).
struct Worker {
  Worker(std::deque<detail::SharedRunTables>& tables,
         const std::vector<std::vector<SimTime>>& times, std::span<const Slo> slos,
         Duration restoration_cap) {
    tally.restoration_cap = restoration_cap;
    for (detail::SharedRunTables& variant_tables : tables) {
      runs.push_back(std::make_unique<detail::Run>(variant_tables.for_worker()));
      tally.slo_statistics.push_back(empty_slo_statistics(slos));
    }
    tally.metrics.resize(tables.size());
    tally.counted_short.resize(tables.size());
    tally.pairs = empty_pairs(tables.size());
    for (const auto& t : times)
      tally.sampled_active_sum.emplace_back(t.size());
    values.resize(tables.size());
    ends.resize(tables.size());
    ended_cut_off.resize(tables.size());
    strikes_to_come.resize(tables.size());
  }
  std::vector<std::unique_ptr<detail::Run>> runs;  // by variant
  RunResult result;
  Comparison tally;
  std::vector<Values> values;  // of the run under way, by variant
  // Of the run under way, by variant: when it ended, and whether with users
  // still cut off or before a strike still to come.
  std::vector<SimTime> ends;
  std::vector<char> ended_cut_off;
  std::vector<char> strikes_to_come;
};

// A variant whose run ended with users still cut off, or before a fault
// or failure still to strike, before another variant's same run ended
// counted that run over less time. (One that ended with every user back
// and nothing to strike counted all it would lose.)
void count_short(Comparison& tally, const Worker& worker) {
  const SimTime last = *std::max_element(worker.ends.begin(), worker.ends.end());
  for (std::size_t v = 0; v < worker.ends.size(); ++v) {
    const bool cut_off = worker.ended_cut_off[v] != 0;
    const bool to_strike = worker.strikes_to_come[v] != 0;
    if ((!cut_off && !to_strike) || worker.ends[v] == last)
      continue;
    CountedShort& counted = tally.counted_short[v];
    counted.cut_off += cut_off ? 1 : 0;
    counted.strikes_to_come += to_strike ? 1 : 0;
    counted.ended_ms.add(worker.ends[v].since_t0().ms);
    counted.others_ended_ms.add(last.since_t0().ms);
  }
}

// Makes run i of every variant and tallies it, with its error budgets
// when there are meters (by variant); with `records`, adds the run's
// records to them.
void run_variants(Worker& worker, std::span<const Variant> variants,
                  std::vector<detail::RunOptions>& run_options, std::span<const SloMeter> meters,
                  std::uint64_t seed, std::uint64_t i, std::vector<ComparedRun>* records) {
  ++worker.tally.runs;
  if (records)
    records->push_back({i, {}});
  for (std::size_t v = 0; v < worker.runs.size(); ++v) {
    run_options[v].sampling = detail::RunSampling{seed, i, nullptr};
    worker.runs[v]->execute(run_options[v], worker.result);
    if (!meters.empty())
      add_burns(worker.tally.slo_statistics[v], meters[v].burn(worker.result));
    if (records)
      records->back().variants.push_back(
          detail::record_of(*variants[v].scenario, worker.result, i));
    auto& active = worker.tally.sampled_active_sum[v];
    for (std::size_t t = 0; t < active.size(); ++t)
      active[t] += worker.result.sampled_active[t].value;
    worker.ends[v] = worker.result.end;
    worker.ended_cut_off[v] = worker.result.overall.cut_off_at_end > UserCount{} ? 1 : 0;
    worker.strikes_to_come[v] = worker.result.strikes_to_come ? 1 : 0;
    worker.values[v] = values_of(worker.result, worker.tally.restoration_cap);
    for (std::size_t m = 0; m < kMetrics; ++m)
      worker.tally.metrics[v][m].add(worker.values[v][m]);
  }
  count_short(worker.tally, worker);
  for (PairedDifference& pair : worker.tally.pairs) {
    const auto m = static_cast<std::size_t>(pair.metric);
    pair.differences.add(worker.values[pair.b][m] - worker.values[pair.a][m]);
  }
}

// The figures of each pair from its differences, and Holm's adjustment
// over the pairs of each metric.
void judge(Comparison& c) {
  for (PairedDifference& pair : c.pairs) {
    const Moments& d = pair.differences;
    pair.mean = d.mean();
    const auto half = d.ci95_half_width();
    pair.ci_low = half ? std::optional(pair.mean - *half) : std::nullopt;
    pair.ci_high = half ? std::optional(pair.mean + *half) : std::nullopt;
    const double base = c.metrics[pair.a][static_cast<std::size_t>(pair.metric)].mean();
    pair.relative = base != 0 ? std::optional(pair.mean / base) : std::nullopt;
    const double sd = d.standard_deviation();
    pair.effect_size = sd > 0 ? std::optional(pair.mean / sd) : std::nullopt;
    pair.p_value = d.p_value_mean_zero();
  }
  const std::size_t per_metric = c.pairs.size() / kMetrics;
  for (std::size_t m = 0; m < kMetrics; ++m) {
    const std::span<PairedDifference> family(c.pairs.data() + m * per_metric, per_metric);
    // Every pair has as many runs: with fewer than two, none has a p-value.
    if (std::any_of(family.begin(), family.end(),
                    [](const PairedDifference& pair) { return !pair.p_value; })) {
      for (PairedDifference& pair : family) {
        pair.p_holm.reset();
        pair.significant = false;
      }
      continue;
    }
    std::vector<double> p;
    for (const PairedDifference& pair : family)
      p.push_back(*pair.p_value);
    const std::vector<double> adjusted = holm_adjusted(p);
    for (std::size_t i = 0; i < family.size(); ++i) {
      family[i].p_holm = adjusted[i];
      family[i].significant = adjusted[i] < 0.05;
    }
  }
}

}  // namespace

std::string_view to_string(ComparedMetric m) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return "user-hours lost";
    case ComparedMetric::peak_active:
      return "peak active users cut off";
    case ComparedMetric::restored_ms:
      return "time to full restoration";
  }
  return "user-hours lost";
}

namespace {

void check_options(std::span<const Variant> variants, const CompareOptions& options) {
  if (variants.size() < 2)
    throw std::invalid_argument("a comparison needs two variants or more");
  for (std::size_t v = 1; v < variants.size(); ++v) {
    // Reports and metrics tell the variants apart by name.
    for (std::size_t w = 0; w < v; ++w) {
      if (variants[v].name == variants[w].name)
        throw std::invalid_argument("'" + variants[v].name +
                                    "' is given twice; a comparison needs distinct variants");
    }
  }
  detail::check_runs_and_threads(options.runs, options.threads);
  if (options.first_run > kMostRuns - options.runs) {
    throw std::invalid_argument(fmt::format("runs {} to {} go past the last a study can make, {}",
                                            options.first_run, options.first_run + options.runs - 1,
                                            kMostRuns - 1));
  }
}

// Adds the raw tallies only: the pairs' figures are judged once all are in.
void add_tallies(Comparison& into, const Comparison& from) {
  into.runs += from.runs;
  for (std::size_t v = 0; v < into.metrics.size(); ++v) {
    for (std::size_t m = 0; m < kMetrics; ++m)
      into.metrics[v][m].merge(from.metrics[v][m]);
    into.counted_short[v].cut_off += from.counted_short[v].cut_off;
    into.counted_short[v].strikes_to_come += from.counted_short[v].strikes_to_come;
    into.counted_short[v].ended_ms.merge(from.counted_short[v].ended_ms);
    into.counted_short[v].others_ended_ms.merge(from.counted_short[v].others_ended_ms);
    for (std::size_t t = 0; t < into.sampled_active_sum[v].size(); ++t)
      add_sum(into.sampled_active_sum[v][t], from.sampled_active_sum[v][t]);
    merge_burns(into.slo_statistics[v], from.slo_statistics[v]);
  }
  for (std::size_t p = 0; p < into.pairs.size(); ++p)
    into.pairs[p].differences.merge(from.pairs[p].differences);
}

}  // namespace

Comparison empty_comparison(std::span<const Variant> variants, const CompareOptions& options) {
  check_options(variants, options);
  Comparison result;
  result.first_run = options.first_run;
  result.seed = options.seed;
  result.restoration_cap = restoration_cap(variants);
  result.metrics.resize(variants.size());
  result.counted_short.resize(variants.size());
  result.pairs = empty_pairs(variants.size());
  for (const Variant& v : variants) {
    result.names.push_back(v.name);
    result.sample_times.push_back(detail::sampling_times(*v.scenario, std::nullopt));
    result.sampled_active_sum.emplace_back(result.sample_times.back().size());
  }
  result.slos = options.slos;
  result.slo_statistics.assign(variants.size(), empty_slo_statistics(options.slos));
  judge(result);
  return result;
}

void merge_comparisons(Comparison& into, const Comparison& from) {
  add_tallies(into, from);
  judge(into);
}

Comparison compare(std::span<const Variant> variants, const CompareOptions& options) {
  Comparison result = empty_comparison(variants, options);
  const std::size_t n = variants.size();
  const auto& times = result.sample_times;
  std::vector<SloMeter> meters;
  if (!options.slos.empty()) {
    for (const Variant& v : variants)
      meters.emplace_back(*v.scenario, options.slos);
  }
  std::deque<detail::SharedRunTables> tables;  // by variant; not movable
  for (const Variant& v : variants)
    tables.emplace_back(*v.scenario);
  std::vector<std::unique_ptr<Worker>> workers(options.threads);
  detail::InRunOrder<ComparedRun> in_order(options.on_run, options.first_run);
  const std::uint64_t end = options.first_run + options.runs;
  const std::uint64_t made = detail::parallel_runs(
      options.first_run, end, workers.size(),
      [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
        if (!workers[w])
          workers[w] =
              std::make_unique<Worker>(tables, times, options.slos, result.restoration_cap);
        std::vector<detail::RunOptions> run_options(n);
        for (std::size_t v = 0; v < n; ++v) {
          run_options[v].sample_times = times[v];
          run_options[v].record_served = !meters.empty();
        }
        std::vector<ComparedRun> records;
        for (std::uint64_t i = from; i < to; ++i)
          run_variants(*workers[w], variants, run_options, meters, options.seed, i,
                       options.on_run ? &records : nullptr);
        if (options.on_run)
          in_order.add(from, std::move(records));
      },
      options.stop);
  result.interrupted = made < end;
  for (const auto& worker : workers) {
    if (worker)  // a thread that got no block built none
      add_tallies(result, worker->tally);
  }
  judge(result);
  return result;
}

namespace {

// What follows "ended N of its R runs at T": " with users still cut off",
// " before a fault, failure or rollback still to strike", or both with
// their counts (a run can end both ways).
std::string how_ended_short(const CountedShort& c) {
  constexpr std::string_view kCutOff = "with users still cut off";
  constexpr std::string_view kToStrike = "before a fault, failure or rollback still to strike";
  if (c.strikes_to_come == 0)
    return fmt::format(" {}", kCutOff);
  if (c.cut_off == 0)
    return fmt::format(" {}", kToStrike);
  return fmt::format(", {} {} and {} {}", c.cut_off, kCutOff, c.strikes_to_come, kToStrike);
}

}  // namespace

std::optional<std::string> unequal_windows(std::span<const Variant> variants,
                                           const Comparison& comparison) {
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const CountedShort& short_runs = comparison.counted_short[v];
    const Moments& ended = short_runs.ended_ms;
    if (ended.count() == 0)
      continue;
    const std::string when = ended.min() == ended.max()
                                 ? t0_relative(SimTime{ended.min()})
                                 : fmt::format("{} to {}", t0_relative(SimTime{ended.min()}),
                                               t0_relative(SimTime{ended.max()}));
    return fmt::format(
        "'{}' ended {} of its {} runs at {}{}, while the same runs of another variant count on "
        "up to {}: their user-hours lost are counted over different times, and the ranking "
        "would say nothing; give every variant's scenario the same horizon",
        variants[v].name, ended.count(), comparison.runs, when, how_ended_short(short_runs),
        t0_relative(SimTime{short_runs.others_ended_ms.max()}));
  }
  return std::nullopt;
}

const PairedDifference& pair_of(const Comparison& c, std::size_t a, std::size_t b,
                                ComparedMetric m) {
  const auto it = std::find_if(c.pairs.begin(), c.pairs.end(), [&](const PairedDifference& p) {
    return p.a == a && p.b == b && p.metric == m;
  });
  if (it == c.pairs.end())
    throw std::out_of_range("no such pair of variants");
  return *it;
}

}  // namespace faultline
