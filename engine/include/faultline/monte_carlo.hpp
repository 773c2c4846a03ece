#pragma once
// Monte Carlo over a scenario: many runs with sampled durations, attempt
// outcomes and failures, streamed into statistics. Run i draws only from
// streams derived from (seed, i), and tallies merge exactly, so the result is
// the same whatever the thread count.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/network.hpp"
#include "faultline/slo.hpp"
#include "faultline/statistics.hpp"

namespace faultline {

struct MonteCarloProgress {
  std::uint64_t runs_done = 0;
  std::uint64_t runs_planned = 0;  // the cap when stopping on a confidence target
  double elapsed_seconds = 0;
};

// One run as simulate tallied it, for statistics of one's own: its index
// (its random numbers are streams of (seed, run)), what its users lost,
// when every service was back and when each observed milestone happened.
struct RunRecord {
  std::uint64_t run = 0;
  UserTime lost;  // by active users
  UserCount peak_affected;
  UserCount peak_active;
  UserCount cut_off_at_end;
  std::optional<SimTime> all_restored;  // see RunResult::all_restored
  SimTime end;
  // By position in scenario.observed: the simulated event (empty when it
  // never happened) and whether it met the milestone.
  std::vector<std::optional<SimTime>> milestone_times;
  std::vector<bool> milestones_met;
};

struct MonteCarloOptions {
  std::uint64_t runs = 1000;  // with until_ci, the most runs to make
  // The runs made are first_run, first_run + 1, ...: a shard of a study
  // whose other runs other processes make, their tallies merged exactly
  // afterwards (tally.hpp). A confidence target needs every run, from 0.
  std::uint64_t first_run = 0;
  unsigned threads = 1;
  std::uint64_t seed = 1;
  // Stop once the 95% confidence half-width of the mean user-hours lost is
  // below this fraction of the mean. Checked every kRunsPerCheck runs.
  std::optional<double> until_ci;
  // Spacing of the affected-users sampling grid; chosen from the horizon (or
  // the nominal run's length) when absent.
  std::optional<Duration> sample_every;
  // At network fidelity: each run's requests flow through a SimGrid platform
  // in a process of its own, at most `threads` at once, tallied in run order.
  std::optional<NetworkOptions> network;
  // Called now and then from the calling thread while runs are under way.
  std::function<void(const MonteCarloProgress&)> on_progress;
  // Once set (by a signal handler, say), no more runs start: those under
  // way finish and the result holds runs [0, N), exactly as `runs: N`
  // would, marked as interrupted.
  const std::atomic<bool>* stop = nullptr;
  // Each run made, in run order whatever the thread count, one call at a
  // time: runs finished ahead of an earlier one wait for it.
  std::function<void(const RunRecord&)> on_run;
  // Error budgets to judge each run against (slo.hpp); each must name a
  // service of the scenario's topology.
  std::vector<Slo> slos;
};

inline constexpr std::uint64_t kRunsPerCheck = 4096;

// Whether the user-seconds lost over the runs so far meet a confidence
// target (MonteCarloOptions::until_ci): their 95% half-width at most that
// share of their mean.
bool reached_ci_target(const Accumulator& lost, double until_ci);
inline constexpr std::uint64_t kMostRuns = 10'000'000;

struct ServiceStatistics {
  Accumulator downtime_ms;  // time in major outage, every run
  // When it last came back to serving everything, over the runs in which it
  // stopped serving everything; never() counts those that ended with it
  // still out (in partial or major outage).
  EventTimes restored_at;
  std::uint64_t runs_down = 0;  // runs with some major outage
  // Runs in which it stopped serving everyone, its state a partial or major
  // outage: those restored_at counts. A service that only ever served some
  // (a deployment lost, the rest at capacity) is out in them, never down.
  // Tenants out on a per-tenant service leave its state as it was: they
  // count in the users cut off, not here.
  std::uint64_t runs_out() const { return restored_at.runs(); }
};

struct StepStatistics {
  EventTimes completed_at;  // every run; never() when it did not complete
  Accumulator attempts;     // over the runs where it started
  std::uint64_t runs_failed = 0;
  std::uint64_t runs_skipped = 0;  // its condition did not hold
  // By position in Step::methods: the runs in which that method completed it.
  std::vector<std::uint64_t> runs_completed_by;
  // Runs in which it lay on a critical path, one of critical_paths where
  // steps tied for last (its criticality index, as a share of all runs).
  std::uint64_t runs_critical = 0;
  // Its time on the critical path (start to completion, or to the end),
  // every run, 0 where it was not on it: the mean is the time it adds to
  // the path, criticality times duration, by which to rank what to speed up.
  Accumulator critical_ms;
  // User-seconds the users it brought back had lost (its contribution to the
  // loss; see StepOutcome::restored_loss), every run.
  Accumulator restored_user_seconds;
};

// One SLO objective's budget over the runs.
struct ObjectiveStatistics {
  // The share of the budget each run spent, in millionths (1,000,000 is
  // all of it).
  Accumulator consumed_ppm;
  std::uint64_t runs_exhausted = 0;  // see ObjectiveBurn::exhausted

  std::uint64_t runs() const { return consumed_ppm.count(); }
  // The share of the runs that exhausted the budget (0 without runs), and
  // its 95% interval.
  double exhausted_share() const;
  ProportionInterval exhausted_interval() const { return wilson_interval(runs_exhausted, runs()); }
};

struct SloStatistics {
  std::vector<ObjectiveStatistics> objectives;  // by position in Slo::objectives
  std::uint64_t runs_outlasting_window = 0;
  std::uint64_t runs_short_at_end = 0;  // see SloBurn::short_at_end
};

// A share of a budget in millionths, as ObjectiveStatistics counts it;
// an infinite share counts as a billion budgets.
std::int64_t consumed_ppm(const ObjectiveBurn& burn);

struct ImpactStatistics {
  Accumulator peak_affected;      // registered users cut off
  Accumulator peak_active;        // active users cut off
  Accumulator user_seconds_lost;  // of active users
  // Registered users still cut off when each run ended, and the runs in
  // which some were: their loss goes on past what the runs count.
  Accumulator cut_off_at_end;
  std::uint64_t runs_ending_cut_off = 0;
};

// At network fidelity, what the runs' steps saw of their state runs (see
// StepResolution), every run: the latest a change was seen late (0 where
// none was), the time in states no step saw, and the shortest state (a
// step this long or shorter sees every state of every run).
struct StepResolutionStatistics {
  Duration step;
  Accumulator latest_ms;
  Accumulator unseen_ms;
  std::uint64_t runs_with_unseen = 0;
  Accumulator shortest_state_ms;

  void add(const StepResolution& r);
  void merge(const StepResolutionStatistics& other);
  // The time no step saw, on average over the runs with some.
  Duration mean_unseen_where_any() const;
};

struct MonteCarloResult {
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  bool network_fidelity = false;
  StepResolutionStatistics step_resolution;  // at network fidelity
  // At network fidelity: whether the platform carries the load with nothing
  // failed, from T0 to the horizon (or kLongestBaseline).
  std::optional<NetworkBaseline> network_baseline;
  // With until_ci: whether the target was reached before the cap.
  std::optional<bool> reached_ci_target;
  // Stopped (MonteCarloOptions::stop) before the runs asked for were made.
  bool interrupted = false;
  std::uint64_t first_run = 0;              // the runs are [first_run, first_run + runs)
  std::vector<ServiceStatistics> services;  // by ServiceId
  std::vector<StepStatistics> steps;        // by StepId
  std::vector<ImpactStatistics> user_groups;
  ImpactStatistics overall;
  // Runs in which each observed milestone was met (see milestone_met), and
  // when its simulated event happened (never() in the runs where it did
  // not), by position in scenario.observed.
  std::vector<std::uint64_t> milestones_met;
  std::vector<EventTimes> milestone_times;
  // The simulated event less the observed time (see milestone_difference).
  std::vector<SignedTimes> milestone_differences;
  std::vector<SimTime> sample_times;
  std::vector<Accumulator> sampled_active;  // active users cut off, by sample time
  // By sample time, when some fault takes tenants out: of the most users of
  // tenants out at once in the run, the share back, in ten-thousandths (see
  // TenantsOut::users_back; none before any went out).
  std::vector<Accumulator> sampled_tenant_users_back;
  // Busy members of each crew summed over the runs (only the mean is
  // wanted, and plain sums keep the runs cheap): [sample time x crews + crew].
  std::vector<std::int64_t> sampled_busy_sum;
  // The SLOs judged (MonteCarloOptions::slos) and their budgets, by
  // position.
  std::vector<Slo> slos;
  std::vector<SloStatistics> slo_statistics;
};

// The result of no runs yet of the scenario under the options (with their
// sampling grid and SLOs), into which merge_results adds the tallies of
// runs made elsewhere: simulate's workers, or shards (tally.hpp). Throws
// std::invalid_argument as simulate does for options out of range.
MonteCarloResult empty_result(const Scenario& scenario, const MonteCarloOptions& options);
// Adds `from`'s runs to `into`, exactly; both of one scenario and options.
void merge_results(MonteCarloResult& into, const MonteCarloResult& from);

// Adds a run's budgets to the statistics, SLO by SLO.
void add_burns(std::vector<SloStatistics>& statistics, std::span<const SloBurn> burns);
void merge_burns(std::vector<SloStatistics>& into, const std::vector<SloStatistics>& from);
// Empty statistics for the SLOs.
std::vector<SloStatistics> empty_slo_statistics(std::span<const Slo> slos);

// Throws std::invalid_argument for options out of range, or for an SLO
// naming a service the topology lacks.
MonteCarloResult simulate(const Scenario& scenario, const MonteCarloOptions& options);

// An observed milestone's simulated event less its observed time
// (negative: earlier), by position in scenario.observed: at quantile q over
// all runs, nothing where q falls among the runs in which it never
// happened; and its mean over the runs in which it happened, nothing
// without any. To the millisecond, the quantiles within 0.8% of their size.
std::optional<Duration> milestone_difference(const MonteCarloResult& result, std::size_t milestone,
                                             double q);
std::optional<Duration> mean_milestone_difference(const MonteCarloResult& result,
                                                  std::size_t milestone);

// The steps that add the most time to the critical path on average
// (criticality times its time on the path): one, or every step adding
// exactly as much, in runbook order (two crews done together in every run
// tie); none when no step was ever on the path.
std::vector<StepId> steps_to_speed_up_first(const MonteCarloResult& result);

}  // namespace faultline
