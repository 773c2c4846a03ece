#pragma once
// calibrate: fits the parameters a scenario marks unknown (UnknownParameter
// in model.hpp) to its observed milestones, by approximate Bayesian
// computation with sequential Monte Carlo (ABC-SMC, the population Monte
// Carlo of Beaumont, Cornuet, Marin and Robert, 2009). The simulator's
// likelihood has no closed form (crews, retries, batches), so the method
// only runs it: a particle (a value for each parameter) is kept when its
// run lands close to what was observed, each generation closer than the
// last. Every proposal draws from streams of (seed, generation, proposal),
// so the result is the same for any thread count.

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/replay.hpp"

namespace faultline {

struct CalibrationOptions {
  // Particles per generation: the posterior is a weighted sample of them.
  std::size_t particles = 1000;
  int most_generations = 12;
  // Runs of the fitted scenario that show how well it matches (the fit).
  std::uint64_t check_runs = 2000;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  // Once set, the proposals under way finish and calibrate returns with
  // `interrupted`.
  const std::atomic<bool>* stop = nullptr;
};

// A median between a low and a high point: for a parameter, its 5% and 95%
// points (its 90% interval); for a time, its 10% and 90% points.
struct Spread {
  double low = 0;
  double median = 0;
  double high = 0;
};

// Values are a duration's median or an arrival after T0 in milliseconds,
// and a success probability as itself.
struct ParameterFit {
  Spread prior;
  Spread posterior;
  // The posterior median as calibrate writes it into the scenario: to the
  // second for durations (to the millisecond below a minute), to three
  // decimals for a probability.
  double fitted = 0;
};

// An observed milestone's simulated event over runs: before fitting (the
// runs of the first generation, drawn from the priors) and after (runs of
// the fitted posterior).
struct MilestoneSpread {
  // Quantiles 10%, 50% and 90% of the simulated time after T0, in
  // milliseconds, over the runs in which the event happened; empty when
  // none did.
  std::optional<Spread> simulated;
  double met = 0;    // the share of runs that met the milestone (milestone_met)
  double never = 0;  // the share in which the event never happened
};

struct MilestoneFit {
  MilestoneSpread before;
  MilestoneSpread after;
};

struct CalibrationGeneration {
  // The largest distance a kept particle's run may have; infinite for the
  // first generation, drawn from the priors, and at least 1 (every
  // milestone missed by no more than its tolerance) for the others.
  double tolerance = 0;
  std::uint64_t proposals = 0;     // runs made to keep `particles` of them
  double effective_particles = 0;  // Kish's effective sample size of the weights
  // The largest distance of a kept particle's run: how near the kept runs
  // came, which a first generation's tolerance does not say.
  double farthest = 0;
};

enum class CalibrationEnd {
  within_tolerance,  // every kept run is within distance 1 of the observations
  settled,           // no particle was closer than the tolerance: none can do better
  acceptance_low,    // a generation kept too few of its proposals to go on
  most_generations,  // CalibrationOptions::most_generations reached
  interrupted,       // stopped; nothing more is known
};

std::string_view to_string(CalibrationEnd e);

// The last generation's weights make fewer than 5 effective particles, or
// under a tenth of the `particles` asked for: what rests on its runs (a
// posterior, a forecast) is rough. Reports say so; JSON carries it as
// thin_sample.
bool thin_sample(std::span<const CalibrationGeneration> generations, std::size_t particles);

struct Calibration {
  std::vector<ParameterFit> parameters;  // by position in scenario.unknowns
  std::vector<MilestoneFit> milestones;  // by position in scenario.observed
  std::vector<CalibrationGeneration> generations;
  CalibrationEnd ended = CalibrationEnd::within_tolerance;
  std::uint64_t seed = 0;
  std::size_t particles = 0;
  std::uint64_t check_runs = 0;
  std::uint64_t runs = 0;  // every run made, the check runs included
};

// The tolerance a milestone without `within` is fitted to.
inline constexpr Duration kUnstatedTolerance = Duration::hours(1);

// The distance of a run's milestones from the observed ones: the root sum
// of squares of each milestone's miss in units of its tolerance (`within`,
// or kUnstatedTolerance when it gives none). An `at` milestone misses by how far the
// event landed from its time; a `by` one by how late it was past its
// deadline. A distance of at most 1 thus meets a single milestone
// (milestone_met); with several, it is stricter than meeting each.
// Infinite when some event never happened.
double milestone_distance(const Scenario& scenario, const RunResult& run);

// Throws std::invalid_argument when the scenario marks nothing unknown,
// observes nothing, or options are out of range, and when no run drawn
// from the priors saw every observed event happen.
Calibration calibrate(const Scenario& scenario, const CalibrationOptions& options);

// The scenario's text (as read from `source`) with each parameter's fitted
// value written in and its `unknown` entries gone, for a file at
// `destination`: its topology path made relative to there. validate
// accepts it; replay and simulate then use the fitted values.
std::string fitted_scenario_yaml(const Scenario& scenario, const Calibration& calibration,
                                 const std::string& text, const std::string& source,
                                 const std::string& destination);

}  // namespace faultline
