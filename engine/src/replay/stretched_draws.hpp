#pragma once
// Importance sampling's side of a run (rare.hpp). Every duration a sampled
// run draws through its context is drawn at a surprisal s
// (Distribution::at_surprisal) taken from an exponential of mean k, the
// durations' stretch, instead of 1, so long durations come more often; and
// an attempt that succeeds with probability p = 1 - e^-a fails with
// probability e^-(a / k'), k' the outcomes' stretch, instead of e^-a. The
// run keeps the log of its likelihood ratio, the product over its draws of
// what the scenario's law gives the draw over what the stretched one does
// (k e^-(1 - 1/k) s for a duration), which weighs the run back to the
// scenario's law; and what the cross-entropy search picks the next
// stretches from.

#include <cstdint>
#include <optional>

#include "faultline/distribution.hpp"
#include "faultline/random.hpp"
#include "faultline/rare.hpp"

namespace faultline::detail {

class StretchedDraws {
 public:
  // For a new run: inactive without a stretch, when plain sampling draws.
  void reset(const std::optional<Stretch>& stretch);
  bool active() const { return active_; }

  Duration duration(const Distribution& d, RandomStream& random);
  // Whether an attempt that succeeds with probability p (0 <= p < 1) does.
  bool succeeds(double p, RandomStream& random);

  double log_likelihood_ratio() const { return log_ratio_; }
  // Of the durations drawn: how many, and their surprisals summed.
  std::uint64_t durations() const { return durations_; }
  double surprisal_sum() const { return surprisal_sum_; }
  // Of the outcomes drawn: how many, how many failed, and their a summed.
  std::uint64_t outcomes() const { return outcomes_; }
  std::uint64_t failures() const { return failures_; }
  double failure_surprisal_sum() const { return failure_surprisal_sum_; }

 private:
  bool active_ = false;
  Stretch stretch_;
  double log_duration_stretch_ = 0.0;
  double log_ratio_ = 0.0;
  std::uint64_t durations_ = 0;
  double surprisal_sum_ = 0.0;
  std::uint64_t outcomes_ = 0;
  std::uint64_t failures_ = 0;
  double failure_surprisal_sum_ = 0.0;
};

}  // namespace faultline::detail
