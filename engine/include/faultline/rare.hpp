#pragma once
// Rare events: the probability of an outage far longer than usual, too
// small for plain Monte Carlo (a probability of 10^-6 wants some 10^8 plain
// runs for a 10% relative error). Importance sampling draws the durations
// and attempt outcomes of a run (failure models' times and batch orders
// aside, drawn as the scenario says) from a law stretched toward long
// durations and failures, and weighs each run by its likelihood ratio, so
// that the weighted share of runs past the threshold is an unbiased
// estimate of the probability under the scenario's own law. The stretches
// are chosen by the cross-entropy method (Rubinstein and Kroese, 2004) over
// a few levels of pilot runs. Deterministic by seed, whatever the thread
// count.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/run_event.hpp"
#include "faultline/time.hpp"

namespace faultline {

// "EVENT later than DURATION": the event happens more than `later_than`
// after T0, or never (see event_time).
struct RareEvent {
  RunEvent what;
  Duration later_than;
  std::string text;  // as the user wrote it
};

// Reads "all-restored later than 5d", "restored:SERVICE later than 36h",
// "completed:STEP later than 2d" or "milestone:ID later than 1d12h" (ID an
// observed entry's).
// Throws std::invalid_argument saying what is wrong and what would be right.
RareEvent parse_rare_event(const Scenario& scenario, std::string_view text);

// A draw site: a parameter of the model that runs draw from, a duration's
// distribution (a step method's, its retry delay, a wave's, a rollback's, a
// fault's lasting, a failover's, an overload's restart) or an attempt's
// success probability. Importance sampling stretches each site on its own
// (stretched_draws.hpp): a duration toward long ones, an outcome toward
// failure; a stretch of 1 draws as the scenario says.
enum class DrawKind { duration, outcome };

struct StretchedSite {
  std::string name;  // "rebuild-core duration", "restore-org-config attempts"
  DrawKind kind = DrawKind::duration;
  double stretch = 1.0;
};

// One stretch for every site of each kind, as a user may give it.
struct Stretch {
  double durations = 1.0;
  double outcomes = 1.0;
  friend bool operator==(const Stretch&, const Stretch&) = default;
};

struct RareEventOptions {
  std::uint64_t runs = 100'000;  // the estimate's own runs, [0, runs)
  // Runs of each level of the search for the stretches.
  std::uint64_t search_runs = 10'000;
  unsigned threads = 1;
  std::uint64_t seed = 1;
  // Given: no search; {1, 1} is plain Monte Carlo (every weight 1).
  std::optional<Stretch> stretch;
  // Once set (by a signal handler, say), no more runs start and the
  // estimate comes back marked interrupted, with no figures.
  const std::atomic<bool>* stop = nullptr;
};

// One level of the cross-entropy search: its runs drew at the stretches
// the last level chose (`most`: the largest of each kind), the top tenth of
// them (by when the event happened) began at `level`, and those runs,
// weighed back, gave the next stretches. A level at the threshold counts
// the runs past it, as the estimate does; one below, those at or past it.
struct StretchLevel {
  Stretch most;
  Duration level;
  bool at_threshold = false;
  std::uint64_t runs_counted = 0;
};

// The greatest stretch the search may choose: far past what any tail in a
// scenario needs, and short of weights too small for a double.
inline constexpr double kMostStretch = 1000.0;
inline constexpr int kMostSearchLevels = 25;

struct RareEventEstimate {
  RareEvent event;
  std::uint64_t seed = 0;
  // The estimate's runs draw from a mixture: site_by_site_percent of them
  // at the stretch of each draw site (in the scenario's order), the rest at
  // one stretch per kind, `shared`; a given stretch is that, for every run.
  std::vector<StretchedSite> sites;
  Stretch shared;
  int site_by_site_percent = 0;
  std::vector<StretchLevel> search;
  bool interrupted = false;  // see RareEventOptions::stop
  // Whether the search's last level reached the threshold itself; when not,
  // the stretch is the last it found, and the estimate, still unbiased, may
  // have a large error.
  bool search_reached = true;
  std::uint64_t search_runs = 0;  // over all levels
  std::uint64_t runs = 0;
  std::uint64_t hits = 0;  // runs past the threshold
  double probability = 0;
  // Standard error over the probability (0 when no run hit it), and the
  // 95% interval probability * (1 -+ 1.96 relative_error), floored at 0.
  double relative_error = 0;
  double low = 0;
  double high = 0;
  // The hits' Kish effective sample size, (sum w)^2 / sum w^2: a few weights
  // dominating (a small one) is a warning that the error may be understated.
  double effective_hits = 0;
  // Draws the estimate's runs made through the run's draws from parameters
  // no site names, as the scenario says: 0, unless the catalogue of sites
  // misses one. (Failure models and batch orders draw apart, never
  // stretched, and are not counted.)
  std::uint64_t unplanned_draws = 0;

  // Plain runs that would give the same relative error, (1 - p) / (p re^2),
  // and how many times the runs made (estimate and search) that is; none
  // when no run hit, when the event is certain (p = 1, where plain runs
  // have no error either), or when the estimate has no spread to match
  // (its hits weigh alike, as one run's does).
  std::optional<double> plain_runs_for_same_error() const;
  std::optional<double> speedup() const;
};

// Throws std::invalid_argument for runs or threads out of range, or a
// stretch below 1 or above kMostStretch.
RareEventEstimate estimate_rare_event(const Scenario& scenario, const RareEvent& event,
                                      const RareEventOptions& options);

}  // namespace faultline
