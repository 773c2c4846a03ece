#pragma once
// The one duration-distribution type: every duration in a scenario or a
// topology (step durations, retry delays, times to failure and to repair) is a
// Distribution. A single replay uses each one's median; Monte Carlo samples.

#include <string>
#include <string_view>
#include <vector>

#include "faultline/random.hpp"
#include "faultline/time.hpp"

namespace faultline {

enum class DistributionKind {
  fixed,
  uniform,      // min, max
  triangular,   // min, mode, max
  normal,       // mean, standard deviation; truncated at 0
  lognormal,    // mu, sigma of the natural log of the duration in hours
  exponential,  // mean
  weibull,      // shape, scale
  pert,         // min, mode, max (a beta scaled to the range)
  empirical,    // observed durations, each equally likely
};

std::string_view to_string(DistributionKind k);

class Distribution {
 public:
  // A fixed zero duration.
  Distribution() = default;

  // The factories check their parameters and throw std::invalid_argument
  // saying what is wrong and what would be right.
  static Distribution fixed(Duration value);
  static Distribution uniform(Duration min, Duration max);
  static Distribution triangular(Duration min, Duration mode, Duration max);
  static Distribution normal(Duration mean, Duration sd);
  static Distribution lognormal(double mu, double sigma);
  static Distribution lognormal_from_median_p95(Duration median, Duration p95);
  static Distribution exponential(Duration mean);
  static Distribution weibull(double shape, Duration scale);
  static Distribution pert(Duration min, Duration mode, Duration max);
  static Distribution empirical(std::vector<Duration> samples);

  DistributionKind kind() const { return kind_; }
  bool is_fixed() const { return kind_ == DistributionKind::fixed; }
  // Every draw is 0 ms: a fixed 0, or observed durations that are all 0.
  // Any other law draws above 0 at times, save one squeezed below half a
  // millisecond (a lognormal of mu -20), which a run's guard against time
  // standing still stops should it loop.
  bool always_zero() const;

  // Rounded to whole milliseconds; never negative, and never longer than
  // kLongestDuration: a longer draw is taken as that.
  Duration sample(RandomStream& random) const;
  Duration median() const;
  // The duration exceeded with probability e^-s (s, its surprisal, >= 0): the
  // inverse of the upper tail, so that a draw of s from an exponential of
  // mean 1 is a draw of the distribution. Importance sampling (rare.hpp)
  // draws s from a stretched exponential instead; fixed gives its value.
  Duration at_surprisal(double s) const;
  // The probability that a draw, before samples are bounded to
  // kLongestDuration, is longer than d.
  double probability_beyond(Duration d) const;
  // The same law scaled to have this median (its spread in proportion):
  // what calibrate fits. Throws std::invalid_argument when the median or
  // the target is 0, as nothing scales from or to 0.
  Distribution with_median(Duration target) const;
  // Both bounded to kLongestDuration, as samples are.
  Duration mean() const;
  // Unbounded, for closed forms such as failure rates.
  double mean_hours() const;

  // "lognormal(median 4h, p95 12h)"
  std::string describe() const;

 private:
  Distribution(DistributionKind kind, double a, double b = 0, double c = 0)
      : kind_(kind), a_(a), b_(b), c_(c) {}

  double mean_ms() const;

  DistributionKind kind_ = DistributionKind::fixed;
  // Parameters in milliseconds (mu and sigma of ln(ms) for lognormal; shape
  // in a_ and scale in b_ for Weibull).
  double a_ = 0;
  double b_ = 0;
  double c_ = 0;
  std::vector<Duration> samples_;  // empirical, sorted
};

}  // namespace faultline
