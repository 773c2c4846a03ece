#pragma once
// ABC-SMC's parts: a generation's weighted particles, how the next one's
// proposals move from them, and running proposals over threads in
// proposal order whatever the thread count.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "calibrate/parameters.hpp"
#include "faultline/calibrate.hpp"
#include "faultline/run_event.hpp"

namespace faultline::detail {

// What runs are held against: observed milestones, by position in
// scenario.observed, and for a forecast the time `now` they were known by
// and the events forecast, whose times each kept run records; those marked
// `ahead` are known not to have happened by `now`.
struct Evidence {
  std::vector<std::size_t> milestones;
  std::vector<RunEvent> events;
  std::vector<char> ahead;  // by position in events
  std::optional<SimTime> now;

  static Evidence every_milestone(const Scenario& scenario);
};

// milestone_distance over the evidence's milestones; infinite too, with a
// `now`, when an event known to be ahead had happened by then.
double distance(const Scenario& scenario, const Evidence& evidence, const RunResult& run);

// A weighted sample of coordinates (parameters.hpp), with the distance of
// each particle's run from the observations.
struct Population {
  std::size_t dims = 0;
  std::vector<double> z;  // particle i's coordinates at [i * dims, (i + 1) * dims)
  std::vector<double> distance;
  std::vector<double> weight;  // summing to 1
  // Each particle's run: when each event forecast happened (after T0, or
  // kNeverMs), [particle x events].
  std::size_t events = 0;
  std::vector<std::int64_t> event_ms;

  std::size_t size() const { return distance.size(); }
  std::span<const double> at(std::size_t i) const { return {z.data() + i * dims, dims}; }
  // Weighs 0 the particles whose runs disagree with the evidence outright
  // (infinitely far), the others alike: the first generation, kept whatever
  // the distance, then holds only runs that could be what was observed.
  void drop_infinitely_far();
  // Kish's effective sample size: (sum w)^2 / sum w^2.
  double effective_size() const;
  // The largest distance of a particle that weighs (0 with none).
  double farthest() const;
  // The weighted quantile q of coordinate k.
  double quantile_of(std::size_t k, double q) const;
  // The importance weights of particles proposed from `last` with these
  // kernel widths: each one's prior density over the density of the
  // proposal mixture, sum_j w_j K(z | z_j).
  void weigh_against(const Population& last, std::span<const double> widths);
};

// Each thread's runs, made once.
class WorkerPool {
 public:
  WorkerPool(const Scenario& scenario, unsigned threads);
  std::size_t size() const { return workers_.size(); }
  ParameterizedRuns& operator[](std::size_t w) { return *workers_[w]; }

 private:
  std::vector<std::unique_ptr<ParameterizedRuns>> workers_;
};

// Each run's milestones: when the event happened (if it did) and whether
// it met the milestone, [run x milestones].
struct MilestoneRecord {
  std::size_t milestones = 0;
  std::vector<std::optional<std::int64_t>> times;
  std::vector<char> met;

  void resize(std::size_t runs, std::size_t milestone_count);
  void keep(std::size_t run, const RunResult& result);
  MilestoneSpread spread(std::size_t milestone) const;
};

// How a generation's proposals move from the last population: a particle
// drawn by weight, moved by a normal kernel whose variance is twice the
// population's weighted variance, coordinate by coordinate (Beaumont et
// al., 2009). Proposal i draws from its own stream.
class Proposer {
 public:
  Proposer(const Population& last, std::uint64_t seed, std::uint64_t first_run);
  void propose(std::uint64_t i, std::span<double> z) const;
  std::uint64_t run_of(std::uint64_t i) const { return first_run_ + i; }
  std::span<const double> widths() const { return widths_; }

 private:
  const Population& last_;
  std::vector<double> cumulative_;
  std::vector<double> widths_;
  std::uint64_t seed_;
  std::uint64_t first_run_;
};

struct GenerationRuns {
  Population population;  // weights not yet set after the first
  std::uint64_t proposals = 0;  // until enough were kept
  std::uint64_t runs = 0;       // every one run: the last round's too
  bool complete = false;
  bool interrupted = false;
};

// The first generation: `particles` draws from the priors, all kept, each
// run's milestones into `record`.
GenerationRuns first_generation(const Evidence& evidence, const CalibrationOptions& options,
                                WorkerPool& pool, MilestoneRecord& record);

// Proposals in order until `particles` of them land within the tolerance,
// or `most_proposals` were made (incomplete).
GenerationRuns next_generation(const Proposer& proposer, const Evidence& evidence, double tolerance,
                               std::uint64_t most_proposals, const CalibrationOptions& options,
                               WorkerPool& pool);

// check_runs runs from run `first_run` on, each with a particle drawn by
// weight, into `record`; false when stopped.
bool posterior_runs(const Population& population, const CalibrationOptions& options,
                    std::uint64_t first_run, WorkerPool& pool, MilestoneRecord& record);

}  // namespace faultline::detail
