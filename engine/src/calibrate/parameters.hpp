#pragma once
// The unknown parameters in calibrate's working coordinates: each is a
// standard normal z under its prior (the prior's quantile at Phi(z)), so
// every prior, bounded or not, has the same density and a proposal can
// move anywhere without leaving the prior's support.

#include <cstdint>
#include <span>

#include "faultline/model.hpp"
#include "faultline/random.hpp"
#include "replay/run.hpp"

namespace faultline::detail {

// The parameter's value at z: a duration in milliseconds (at least 1) or
// a probability.
double value_at(const UnknownParameter& p, double z);

// A standard normal draw, by inversion so that it depends on the stream
// alone.
double standard_normal(RandomStream& random);

// Runs of the scenario with its unknown parameters at given coordinates;
// one per thread. It keeps its own copy of the scenario and one run over
// it: a run reads durations, probabilities and arrivals from the scenario
// as it goes, so the values are written into the copy before each run, and
// the strategy's order (which may rank steps by duration) made again.
class ParameterizedRuns {
 public:
  explicit ParameterizedRuns(const Scenario& scenario)
      : original_(scenario), copy_(scenario), run_(copy_) {}
  ParameterizedRuns(const ParameterizedRuns&) = delete;
  ParameterizedRuns& operator=(const ParameterizedRuns&) = delete;

  // Run `run` of the seed, with parameter k at z[k].
  const RunResult& execute(std::span<const double> z, std::uint64_t seed, std::uint64_t run);
  const Scenario& scenario() const { return original_; }

 private:
  void write_in(const UnknownParameter& p, double value);

  const Scenario& original_;
  Scenario copy_;
  Run run_;
  RunResult result_;
};

}  // namespace faultline::detail
