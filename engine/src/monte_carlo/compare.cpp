#include "faultline/compare.hpp"

#include <algorithm>
#include <stdexcept>

#include "faultline/monte_carlo.hpp"
#include "monte_carlo/parallel_runs.hpp"
#include "monte_carlo/sampling.hpp"
#include "replay/run.hpp"

namespace faultline {

namespace {

constexpr std::size_t kMetrics = kComparedMetrics.size();
using Values = std::array<std::int64_t, kMetrics>;

Values values_of(const RunResult& r) {
  return {(r.overall.lost.user_ms + 500) / 1000, r.overall.peak_active.value,
          r.all_restored.value_or(r.end).since_t0().ms};
}

// Built by the thread that uses it, for the reason parallel_runs gives.
struct Worker {
  Worker(std::span<const Variant> variants, const std::vector<std::vector<SimTime>>& times) {
    for (const Variant& v : variants)
      runs.push_back(std::make_unique<detail::Run>(*v.scenario));
    tally.metrics.resize(variants.size());
    tally.differences.resize(variants.size());
    for (const auto& t : times)
      tally.sampled_active_sum.emplace_back(t.size());
  }
  std::vector<std::unique_ptr<detail::Run>> runs;  // by variant
  RunResult result;
  Comparison tally;
};

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

Comparison compare(std::span<const Variant> variants, const CompareOptions& options) {
  if (variants.size() < 2)
    throw std::invalid_argument("a comparison needs two variants or more");
  detail::check_runs_and_threads(options.runs, options.threads);
  const std::size_t n = variants.size();
  std::vector<std::vector<SimTime>> times;
  for (const Variant& v : variants)
    times.push_back(detail::sampling_times(*v.scenario, std::nullopt));
  std::vector<std::unique_ptr<Worker>> workers(options.threads);
  const std::uint64_t made = detail::parallel_runs(0, options.runs, workers.size(),
                        [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
                          if (!workers[w])
                            workers[w] = std::make_unique<Worker>(variants, times);
                          Worker& worker = *workers[w];
                          std::vector<detail::RunOptions> run_options(n);
                          for (std::size_t v = 0; v < n; ++v)
                            run_options[v].sample_times = times[v];
                          for (std::uint64_t i = from; i < to; ++i) {
                            Values first{};
                            for (std::size_t v = 0; v < n; ++v) {
                              run_options[v].sampling = detail::RunSampling{options.seed, i};
                              worker.runs[v]->execute(run_options[v], worker.result);
                              auto& active = worker.tally.sampled_active_sum[v];
                              for (std::size_t t = 0; t < active.size(); ++t)
                                active[t] += worker.result.sampled_active[t].value;
                              const Values values = values_of(worker.result);
                              if (v == 0)
                                first = values;
                              for (std::size_t m = 0; m < kMetrics; ++m) {
                                worker.tally.metrics[v][m].add(values[m]);
                                worker.tally.differences[v][m].add(values[m] - first[m]);
                              }
                            }
                          }
                        }, options.stop);
  Comparison result;
  result.runs = made;
  result.interrupted = made < options.runs;
  result.seed = options.seed;
  result.metrics.resize(n);
  result.differences.resize(n);
  for (const Variant& v : variants)
    result.names.push_back(v.name);
  result.sample_times = times;
  for (const auto& t : times)
    result.sampled_active_sum.emplace_back(t.size());
  for (const auto& worker : workers) {
    if (!worker)  // a thread that got no block built none
      continue;
    for (std::size_t v = 0; v < n; ++v) {
      for (std::size_t m = 0; m < kMetrics; ++m) {
        result.metrics[v][m].merge(worker->tally.metrics[v][m]);
        result.differences[v][m].merge(worker->tally.differences[v][m]);
      }
      for (std::size_t t = 0; t < times[v].size(); ++t)
        result.sampled_active_sum[v][t] += worker->tally.sampled_active_sum[v][t];
    }
  }
  return result;
}

}  // namespace faultline
