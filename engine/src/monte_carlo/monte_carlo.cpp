#include "faultline/monte_carlo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>

#include "faultline/activity.hpp"
#include "monte_carlo/parallel_runs.hpp"
#include "monte_carlo/run_records.hpp"
#include "monte_carlo/sampling.hpp"
#include "monte_carlo/service_rows.hpp"
#include "network/network_run.hpp"
#include "replay/run.hpp"

namespace faultline {

namespace {

MonteCarloResult empty_tally(const Scenario& scenario, std::span<const SimTime> times,
                             std::span<const Slo> slos) {
  MonteCarloResult t;
  t.slo_statistics = empty_slo_statistics(slos);
  t.services.resize(scenario.topology->services().size());
  t.steps.resize(scenario.steps.size());
  for (std::size_t s = 0; s < t.steps.size(); ++s)
    t.steps[s].runs_completed_by.assign(scenario.steps[s].methods.size(), 0);
  t.user_groups.resize(scenario.topology->user_groups().size());
  t.milestones_met.resize(scenario.observed.size());
  t.milestone_times.resize(scenario.observed.size());
  t.milestone_differences.resize(scenario.observed.size());
  t.sample_times.assign(times.begin(), times.end());
  t.sampled_active.resize(times.size());
  if (scenario.takes_tenants_out())
    t.sampled_tenant_users_back.resize(times.size());
  t.sampled_busy_sum.resize(times.size() * scenario.crews.size());
  return t;
}

void add_impact(ImpactStatistics& stats, const UserImpact& impact) {
  stats.peak_affected.add(impact.peak_affected.value);
  stats.peak_active.add(impact.peak_active.value);
  stats.user_seconds_lost.add((impact.lost.user_ms + 500) / 1000);
  stats.cut_off_at_end.add(impact.cut_off_at_end.value);
  if (impact.cut_off_at_end.value > 0)
    ++stats.runs_ending_cut_off;
}

// The share of tenants' users back at each sample time: the last change
// at or before it says.
void add_tenant_samples(const RunResult& run, MonteCarloResult& t) {
  std::size_t seen = 0;   // entries at or before the sample time
  std::int64_t back = 0;  // in ten-thousandths, rounded once per change
  for (std::size_t i = 0; i < t.sample_times.size(); ++i) {
    const std::size_t before = seen;
    while (seen < run.tenants_out.size() && run.tenants_out[seen].at <= t.sample_times[i])
      ++seen;
    if (seen != before)
      back = std::llround(run.tenants_out[seen - 1].users_back * 10'000);
    t.sampled_tenant_users_back[i].add(back);
  }
}

// The services' statistics take the run from `rows` when they next flush;
// `last` and `path` are scratch for the run's critical steps.
void tally_run(const Scenario& scenario, const RunResult& run, MonteCarloResult& t,
               detail::ServiceRows& rows, std::vector<std::uint32_t>& last,
               std::vector<StepId>& path) {
  ++t.runs;
  rows.add(run, t.services);
  for (std::size_t s = 0; s < run.steps.size(); ++s) {
    const StepOutcome& outcome = run.steps[s];
    StepStatistics& stats = t.steps[s];
    if (outcome.completed) {
      stats.completed_at.add(outcome.completed->since_t0().ms);
      ++stats.runs_completed_by[outcome.method];
    } else {
      stats.completed_at.add_never();
    }
    if (outcome.started)
      stats.attempts.add(outcome.attempts);
    if (outcome.failed)
      ++stats.runs_failed;
    if (outcome.skipped)
      ++stats.runs_skipped;
    stats.restored_user_seconds.add((outcome.restored_loss.user_ms + 500) / 1000);
  }
  // Every step adds its time on the path, 0 when it is not on it; where
  // steps tied for last, each of their paths counts (found by a helper: of
  // two steps done at the same instant only the first was critical).
  critical_steps(scenario, run, last, path);
  for (std::uint32_t s = 0; s < run.steps.size(); ++s) {
    StepStatistics& stats = t.steps[s];
    if (std::find(path.begin(), path.end(), StepId{s}) == path.end()) {
      stats.critical_ms.add(0);
      continue;
    }
    ++stats.runs_critical;
    stats.critical_ms.add(step_span(run, StepId{s}).value_or(Duration{}).ms);
  }
  for (std::size_t g = 0; g < run.user_groups.size(); ++g)
    add_impact(t.user_groups[g], run.user_groups[g]);
  add_impact(t.overall, run.overall);
  for (std::size_t m = 0; m < run.observed.size(); ++m) {
    const auto& simulated = run.observed[m].simulated;
    if (simulated && milestone_met(scenario.observed[m], *simulated))
      ++t.milestones_met[m];
    if (simulated) {
      t.milestone_times[m].add(simulated->since_t0().ms);
      t.milestone_differences[m].add((*simulated - scenario.observed[m].time).ms);
    } else {
      t.milestone_times[m].add_never();
      t.milestone_differences[m].add_never();
    }
  }
  if (!t.sampled_tenant_users_back.empty())
    add_tenant_samples(run, t);
}

// The runs' active users cut off at each sample time. Most samples of most
// runs find nobody cut off (a Webex run's outage ends in days of its two
// weeks): those are counted here, the ones after a run's last sample with
// someone cut off as one stretch, and added to their statistics at once
// when the tally is read, the same to the bit. Reaching each of the 169
// accumulators of the Webex study every run, their buckets apart, was a
// twentieth of its time; the zeros were half of that.
class SampledActive {
 public:
  explicit SampledActive(std::size_t samples) : zeros_(samples), stretches_from_(samples + 1) {}

  // Throws std::logic_error for a run sampled at other times.
  void add(std::span<const UserCount> active, std::span<Accumulator> into) {
    if (active.size() != zeros_.size() || into.size() != zeros_.size())
      throw std::logic_error("a run sampled at other times than the study's");
    std::size_t end = active.size();
    while (end > 0 && active[end - 1] == UserCount{})
      --end;
    ++stretches_from_[end];
    for (std::size_t i = 0; i < end; ++i) {
      if (active[i] == UserCount{})
        ++zeros_[i];
      else
        into[i].add(active[i].value);
    }
  }
  // Adds the samples counted to `into`, and forgets them.
  void flush(std::span<Accumulator> into) {
    std::uint64_t in_stretches = 0;  // the runs whose last stretch of zeros holds sample i
    for (std::size_t i = 0; i < zeros_.size(); ++i) {
      in_stretches += std::exchange(stretches_from_[i], 0);
      into[i].add_zeros(std::exchange(zeros_[i], 0) + in_stretches);
    }
    stretches_from_.back() = 0;
  }

 private:
  std::vector<std::uint64_t> zeros_;           // by sample time, before a run's last stretch
  std::vector<std::uint64_t> stretches_from_;  // the runs whose last stretch starts there
};

// The runs' busy crew members at each sampling time, summed over the runs
// through their changes: a run adds each change at the time it first
// shows, and a reading adds them up time by time. A run's changes are few
// and its times many: 169 times for each of 6 crews in the Webex study,
// where writing and adding them all took a twentieth of a run's time.
class BusySums {
 public:
  BusySums(std::size_t samples, std::size_t crews)
      : crews_(crews), changes_(samples * crews), running_(crews) {}

  // Throws std::logic_error for a change of a crew or time that is not the
  // study's.
  void add(std::span<const CrewBusyChange> changes) {
    for (const CrewBusyChange& c : changes) {
      const std::size_t at = c.sample * crews_ + c.crew.value;
      if (c.crew.value >= crews_ || at >= changes_.size())
        throw std::logic_error("a run's busy crew changes are not the study's crews and times");
      changes_[at] += c.change;
    }
  }
  // Adds the busy members at each time, [time x crews + crew], to `sums`,
  // and forgets the runs added since the last flush.
  void flush(std::span<std::int64_t> sums) {
    std::fill(running_.begin(), running_.end(), 0);
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      std::int64_t& busy = running_[i % crews_];
      busy += std::exchange(changes_[i], 0);
      sums[i] += busy;
    }
  }

 private:
  std::size_t crews_;
  std::vector<std::int64_t> changes_;  // [time x crews + crew]
  std::vector<std::int64_t> running_;  // by crew, scratch
};

void merge_impact(ImpactStatistics& into, const ImpactStatistics& from) {
  into.peak_affected.merge(from.peak_affected);
  into.peak_active.merge(from.peak_active);
  into.user_seconds_lost.merge(from.user_seconds_lost);
  into.cut_off_at_end.merge(from.cut_off_at_end);
  into.runs_ending_cut_off += from.runs_ending_cut_off;
}

void merge(MonteCarloResult& into, const MonteCarloResult& from) {
  into.runs += from.runs;
  into.step_resolution.merge(from.step_resolution);
  for (std::size_t s = 0; s < into.services.size(); ++s) {
    ServiceStatistics& a = into.services[s];
    const ServiceStatistics& b = from.services[s];
    a.downtime_ms.merge(b.downtime_ms);
    a.restored_at.merge(b.restored_at);
    a.runs_down += b.runs_down;
  }
  for (std::size_t s = 0; s < into.steps.size(); ++s) {
    into.steps[s].completed_at.merge(from.steps[s].completed_at);
    into.steps[s].attempts.merge(from.steps[s].attempts);
    into.steps[s].runs_failed += from.steps[s].runs_failed;
    into.steps[s].runs_skipped += from.steps[s].runs_skipped;
    for (std::size_t m = 0; m < into.steps[s].runs_completed_by.size(); ++m)
      into.steps[s].runs_completed_by[m] += from.steps[s].runs_completed_by[m];
    into.steps[s].runs_critical += from.steps[s].runs_critical;
    into.steps[s].critical_ms.merge(from.steps[s].critical_ms);
    into.steps[s].restored_user_seconds.merge(from.steps[s].restored_user_seconds);
  }
  for (std::size_t g = 0; g < into.user_groups.size(); ++g)
    merge_impact(into.user_groups[g], from.user_groups[g]);
  merge_impact(into.overall, from.overall);
  for (std::size_t m = 0; m < into.milestones_met.size(); ++m) {
    into.milestones_met[m] += from.milestones_met[m];
    into.milestone_times[m].merge(from.milestone_times[m]);
    into.milestone_differences[m].merge(from.milestone_differences[m]);
  }
  for (std::size_t i = 0; i < into.sampled_active.size(); ++i)
    into.sampled_active[i].merge(from.sampled_active[i]);
  for (std::size_t i = 0; i < into.sampled_tenant_users_back.size(); ++i)
    into.sampled_tenant_users_back[i].merge(from.sampled_tenant_users_back[i]);
  for (std::size_t i = 0; i < into.sampled_busy_sum.size(); ++i)
    add_sum(into.sampled_busy_sum[i], from.sampled_busy_sum[i]);
  merge_burns(into.slo_statistics, from.slo_statistics);
}

// Runs tallied one after another. The services' outcomes wait in rows,
// and the busy crews in their changes, until the tally is read, which adds
// them first: every reading sees every run in every figure.
class Tally {
 public:
  // `empty`: the study's result with no run tallied, which the tally
  // starts as.
  Tally(const Scenario& scenario, const MonteCarloResult& empty)
      : scenario_(scenario),
        result_(empty),
        rows_(empty.services.size()),
        sampled_(empty.sample_times.size()),
        busy_(empty.sample_times.size(), scenario.crews.size()) {}

  // `burns`: the run's error budgets, when the study has SLOs.
  void add(const RunResult& run, std::span<const SloBurn> burns) {
    tally_run(scenario_, run, result_, rows_, last_, path_);
    sampled_.add(run.sampled_active, result_.sampled_active);
    busy_.add(run.sampled_busy_changes);
    if (!burns.empty())
      add_burns(result_.slo_statistics, burns);
  }
  void add_resolution(const StepResolution& r) { result_.step_resolution.add(r); }
  std::uint64_t runs() const { return result_.runs; }
  MonteCarloResult& whole() {
    rows_.flush(result_.services);
    sampled_.flush(result_.sampled_active);
    busy_.flush(result_.sampled_busy_sum);
    return result_;
  }

 private:
  const Scenario& scenario_;
  MonteCarloResult result_;
  detail::ServiceRows rows_;
  SampledActive sampled_;
  BusySums busy_;
  std::vector<std::uint32_t> last_;  // scratch
  std::vector<StepId> path_;         // scratch
};

struct Worker {
  Worker(const Scenario& scenario, std::shared_ptr<const detail::RunTables> tables,
         const MonteCarloResult& empty)
      : run(std::move(tables)), tally(scenario, empty) {}
  detail::Run run;
  RunResult result;
  Tally tally;
};

// Makes runs [from, to) on the worker and tallies them, with their error
// budgets when there is a meter; with on_run, hands their records to the
// sequencer.
void run_block(const Scenario& scenario, const MonteCarloOptions& options,
               const detail::RunOptions& run_options, const SloMeter* meter, Worker& worker,
               std::uint64_t from, std::uint64_t to, detail::InRunOrder<RunRecord>& sequencer) {
  detail::RunOptions mine = run_options;
  std::vector<RunRecord> records;
  for (std::uint64_t i = from; i < to; ++i) {
    mine.sampling = detail::RunSampling{options.seed, i, nullptr};
    worker.run.execute(mine, worker.result);
    worker.tally.add(worker.result, meter ? meter->burn(worker.result) : std::vector<SloBurn>{});
    if (options.on_run)
      records.push_back(detail::record_of(scenario, worker.result, i));
  }
  if (options.on_run)
    sequencer.add(from, std::move(records));
}

// Tells options.on_progress, if any, how far the runs are: at most once a
// kProgressEvery, and once at the end. A confidence target makes rounds of
// a few thousand runs, each shorter than that: the report that ends each
// round counts toward the same interval.
class ProgressReport {
 public:
  explicit ProgressReport(const MonteCarloOptions& options) : options_(options) {}

  // `runs` made (or handed out) so far, if an interval has passed.
  void operator()(std::uint64_t runs) {
    if (!options_.on_progress)
      return;
    const double now = elapsed();
    if (now - last_ < std::chrono::duration<double>(detail::kProgressEvery).count())
      return;
    last_ = now;
    options_.on_progress({runs, options_.runs, now});
  }
  // For parallel_runs, which counts from the first run of the study, not
  // of these runs; empty without on_progress.
  std::function<void(std::uint64_t)> every_interval() {
    if (!options_.on_progress)
      return {};
    return [this](std::uint64_t handed_out) { (*this)(handed_out - options_.first_run); };
  }
  void done(std::uint64_t made) const {
    if (options_.on_progress)
      options_.on_progress({made, options_.runs, elapsed()});
  }

 private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

  const MonteCarloOptions& options_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  double last_ = 0;
};

// One run after another in this process, each run's flows in a child
// process, at most `threads` of them at once. Runs are tallied in run order,
// whichever child finishes first, so the result does not depend on how many
// ran at once.
MonteCarloResult simulate_network(const Scenario& scenario, const MonteCarloOptions& options,
                                  std::span<const SimTime> times, const SloMeter* meter) {
  const NetworkOptions& network = *options.network;
  const auto tables = std::make_shared<const detail::RunTables>(scenario);
  const ActivityCalendar& calendar = tables->calendar();
  detail::Run run(tables);
  detail::RunOptions run_options;
  run_options.sample_times = times;
  struct Pending {
    detail::TracedRun traced;
    std::optional<detail::IsolatedWork> flows;  // until its answer is in
    std::string answer;
  };
  // Runs started and not yet tallied, oldest first. Finished runs wait here
  // for the older ones; a few times the thread count bounds how many.
  std::deque<Pending> pending;
  const std::size_t most_pending = 4 * static_cast<std::size_t>(options.threads);
  std::size_t running = 0;
  Tally tally(scenario, empty_tally(scenario, times, options.slos));
  bool interrupted = false;
  ProgressReport progress(options);
  std::vector<detail::IsolatedWork*> works;
  std::vector<Pending*> owners;
  const auto collect_one = [&] {
    works.clear();
    owners.clear();
    for (Pending& p : pending) {
      if (p.flows) {
        works.push_back(&*p.flows);
        owners.push_back(&p);
      }
    }
    Pending& done = *owners[detail::IsolatedWork::wait_for_any(works)];
    done.answer = done.flows->result();
    done.flows.reset();
    --running;
    while (!pending.empty() && !pending.front().flows) {
      const NetworkRunResult r = detail::network_result(scenario, calendar, pending.front().traced,
                                                        pending.front().answer, network, times);
      tally.add(r.run, meter ? meter->burn(r.run, r.requests) : std::vector<SloBurn>{});
      tally.add_resolution(r.resolution);
      if (options.on_run)
        options.on_run(detail::record_of(scenario, r.run, options.first_run + tally.runs() - 1));
      pending.pop_front();
    }
    progress(tally.runs());
  };
  for (std::uint64_t i = options.first_run; i < options.first_run + options.runs; ++i) {
    while (running == options.threads || pending.size() == most_pending)
      collect_one();
    if (options.stop && options.stop->load()) {
      interrupted = true;
      break;
    }
    Pending& next = pending.emplace_back();
    run_options.sampling = detail::RunSampling{options.seed, i, nullptr};
    detail::run_traced(scenario, run, run_options, network, next.traced);
    next.flows.emplace(detail::start_flows(*scenario.topology, calendar, next.traced, network));
    ++running;
  }
  while (!pending.empty())
    collect_one();
  MonteCarloResult& result = tally.whole();
  result.interrupted = interrupted;
  return std::move(result);
}

}  // namespace

namespace {

void check_options(const Scenario& scenario, const MonteCarloOptions& options) {
  detail::check_runs_and_threads(options.runs, options.threads);
  if (options.first_run > kMostRuns - options.runs) {
    throw std::invalid_argument(fmt::format("runs {} to {} go past the last a study can make, {}",
                                            options.first_run, options.first_run + options.runs - 1,
                                            kMostRuns - 1));
  }
  if (options.until_ci && options.first_run > 0) {
    throw std::invalid_argument(
        "a confidence target judges every run from the first: a shard of runs cannot stop "
        "on one");
  }
  if (options.until_ci && !(*options.until_ci > 0 && *options.until_ci < 1)) {
    throw std::invalid_argument(fmt::format(
        "the confidence target must be a fraction between 0 and 1 (0.01 is 1% of the mean), "
        "found {}",
        *options.until_ci));
  }
  if (options.network && options.until_ci) {
    throw std::invalid_argument(
        "a confidence target needs state fidelity, whose runs are cheap; at network fidelity "
        "give the number of runs");
  }
  if (options.network)
    detail::check(scenario, *options.network);
}

}  // namespace

MonteCarloResult empty_result(const Scenario& scenario, const MonteCarloOptions& options) {
  check_options(scenario, options);
  const std::vector<SimTime> times = detail::sampling_times(scenario, options.sample_every);
  MonteCarloResult result = empty_tally(scenario, times, options.slos);
  result.slos = options.slos;
  result.seed = options.seed;
  result.first_run = options.first_run;
  if (options.network) {
    result.network_fidelity = true;
    result.step_resolution.step = options.network->step;
    result.network_baseline = check_network_baseline(
        scenario, scenario.horizon.value_or(SimTime{} + kLongestBaseline), *options.network);
  }
  return result;
}

void StepResolutionStatistics::add(const StepResolution& r) {
  step = r.step;
  latest_ms.add(r.latest.ms);
  unseen_ms.add(r.unseen_time.ms);
  runs_with_unseen += r.unseen > 0;
  shortest_state_ms.add(r.shortest_state.ms);
}

void StepResolutionStatistics::merge(const StepResolutionStatistics& other) {
  if (step == Duration{})
    step = other.step;
  latest_ms.merge(other.latest_ms);
  unseen_ms.merge(other.unseen_ms);
  runs_with_unseen += other.runs_with_unseen;
  shortest_state_ms.merge(other.shortest_state_ms);
}

Duration StepResolutionStatistics::mean_unseen_where_any() const {
  if (runs_with_unseen == 0)
    return Duration{};
  return Duration{std::llround(unseen_ms.sum() / static_cast<double>(runs_with_unseen))};
}

void merge_results(MonteCarloResult& into, const MonteCarloResult& from) {
  merge(into, from);
}

bool reached_ci_target(const Accumulator& lost, double until_ci) {
  const auto half = lost.ci95_half_width();
  return half && *half <= until_ci * lost.mean();
}

namespace {

// The first worker's tally, which started as a copy of the empty result,
// becomes the result, and each worker is freed once merged: at 10^5 services
// a third copy of the services' statistics, made by merging all into the
// empty result, was the study's peak memory. `result`: the empty result,
// with how the runs ended.
MonteCarloResult merged(MonteCarloResult result, std::vector<std::unique_ptr<Worker>>& workers) {
  bool first = true;
  for (auto& worker : workers) {
    if (!worker)  // a thread that got no block built none
      continue;
    if (first) {
      MonteCarloResult& whole = worker->tally.whole();
      whole.interrupted = result.interrupted;
      whole.reached_ci_target = result.reached_ci_target;
      result = std::move(whole);
      first = false;
    } else {
      merge(result, worker->tally.whole());
    }
    worker.reset();
  }
  return result;
}

}  // namespace

MonteCarloResult simulate(const Scenario& scenario, const MonteCarloOptions& options) {
  MonteCarloResult result = empty_result(scenario, options);
  const std::span<const SimTime> times = result.sample_times;
  std::optional<SloMeter> meter;
  if (!options.slos.empty())
    meter.emplace(scenario, options.slos, options.network);
  const SloMeter* judge = meter ? &*meter : nullptr;
  if (options.network) {
    const MonteCarloResult made = simulate_network(scenario, options, times, judge);
    merge(result, made);
    result.interrupted = made.interrupted;
    return result;
  }
  // Each worker is built by the thread that uses it, so that what it writes
  // run after run sits in that thread's memory, not on cache lines shared
  // with another worker's; the tables they only read, when large, are
  // built once and shared (see SharedRunTables).
  std::vector<std::unique_ptr<Worker>> workers(options.threads);
  detail::SharedRunTables tables(scenario);

  ProgressReport progress(options);
  detail::RunOptions run_options;
  run_options.sample_times = times;
  run_options.record_served = judge != nullptr;
  detail::InRunOrder<RunRecord> sequencer(options.on_run, options.first_run);

  const std::uint64_t end = options.first_run + options.runs;
  const std::uint64_t round_size = options.until_ci ? kRunsPerCheck : options.runs;
  std::uint64_t made = options.first_run;
  while (made < end) {
    const std::uint64_t round_end = std::min(made + round_size, end);
    made = detail::parallel_runs(
        made, round_end, workers.size(),
        [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
          if (!workers[w])
            workers[w] = std::make_unique<Worker>(scenario, tables.for_worker(), result);
          run_block(scenario, options, run_options, judge, *workers[w], from, to, sequencer);
        },
        options.stop, progress.every_interval());
    if (made < round_end) {
      result.interrupted = true;
      break;
    }
    if (options.until_ci) {
      Accumulator lost;
      for (const auto& worker : workers) {
        if (worker)
          lost.merge(worker->tally.whole().overall.user_seconds_lost);
      }
      result.reached_ci_target = reached_ci_target(lost, *options.until_ci);
      if (*result.reached_ci_target)
        break;
    }
  }
  progress.done(made - options.first_run);
  return merged(std::move(result), workers);
}

std::optional<Duration> milestone_difference(const MonteCarloResult& result, std::size_t milestone,
                                             double q) {
  const auto d = result.milestone_differences[milestone].quantile(q);
  return d ? std::optional<Duration>(Duration{std::llround(*d)}) : std::nullopt;
}

std::optional<Duration> mean_milestone_difference(const MonteCarloResult& result,
                                                  std::size_t milestone) {
  const auto d = result.milestone_differences[milestone].mean();
  return d ? std::optional<Duration>(Duration{std::llround(*d)}) : std::nullopt;
}

std::vector<StepId> steps_to_speed_up_first(const MonteCarloResult& result) {
  std::vector<StepId> best;
  double most = 0;
  for (std::uint32_t s = 0; s < result.steps.size(); ++s) {
    const double on_path = result.steps[s].critical_ms.mean();
    if (on_path > most)
      best.clear();
    if (on_path > 0 && on_path >= most) {
      most = on_path;
      best.push_back(StepId{s});
    }
  }
  return best;
}

}  // namespace faultline
