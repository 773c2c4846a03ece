#include "replay/stretched_draws.hpp"

#include <cmath>

namespace faultline::detail {

void StretchedDraws::reset(const std::optional<Stretch>& stretch) {
  active_ = stretch.has_value();
  stretch_ = stretch.value_or(Stretch{});
  log_duration_stretch_ = std::log(stretch_.durations);
  log_ratio_ = 0;
  durations_ = 0;
  surprisal_sum_ = 0;
  outcomes_ = 0;
  failures_ = 0;
  failure_surprisal_sum_ = 0;
}

// A fixed duration draws nothing, as in plain sampling.
Duration StretchedDraws::duration(const Distribution& d, RandomStream& random) {
  if (d.is_fixed())
    return d.median();
  const double k = stretch_.durations;
  const double s = -k * std::log1p(-random.uniform());
  log_ratio_ += log_duration_stretch_ - (1 - 1 / k) * s;
  surprisal_sum_ += s;
  ++durations_;
  return d.at_surprisal(s);
}

// The outcome is weighed as what it is, a failure or a success, not by the
// surprisal behind it: that weight varies less.
bool StretchedDraws::succeeds(double p, RandomStream& random) {
  const double a = -std::log1p(-p);
  const double k = stretch_.outcomes;
  const bool fails = random.uniform() < std::exp(-a / k);
  // Failing: (1 - p) / e^-(a/k); succeeding: p / (1 - e^-(a/k)).
  log_ratio_ += fails ? -a * (1 - 1 / k) : std::log(p) - std::log(-std::expm1(-a / k));
  ++outcomes_;
  failure_surprisal_sum_ += a;
  if (fails)
    ++failures_;
  return !fails;
}

}  // namespace faultline::detail
