#pragma once
// ABC-SMC over evidence (population.hpp): what calibrate runs on every
// observed milestone, and forecast on those known by its time, with the
// events still ahead recorded.

#include <cstdint>
#include <vector>

#include "calibrate/population.hpp"
#include "faultline/calibrate.hpp"

namespace faultline::detail {

struct SmcResult {
  Population population;  // the last generation
  std::vector<CalibrationGeneration> generations;
  CalibrationEnd ended = CalibrationEnd::most_generations;
  std::uint64_t runs = 0;
  MilestoneRecord prior_runs;  // the first generation's, drawn from the priors
};

// A success probability as written into a scenario (see abc_smc.cpp).
double written_probability(double median, double low, double high);

// Throws std::invalid_argument, saying why, for options out of range or a
// strategy that is a search (optimize).
void check_options(const Scenario& scenario, const CalibrationOptions& options);

// Throws std::invalid_argument when no run of the first generation agrees
// with the evidence at all.
SmcResult abc_smc(const Evidence& evidence, const CalibrationOptions& options, WorkerPool& pool);

// Each unknown parameter's prior and the population's posterior.
std::vector<ParameterFit> parameter_fits(const Scenario& scenario, const Population& final);

}  // namespace faultline::detail
