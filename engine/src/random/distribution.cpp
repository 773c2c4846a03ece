#include "faultline/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "faultline/words.hpp"

namespace faultline {

namespace {

constexpr double kMsPerHour = 3'600'000.0;
// z such that P(Z <= z) = 0.95 for a standard normal.
constexpr double kZ95 = 1.6448536269514722;
// Heavy tails can draw absurd values; the longest duration a scenario may
// write bounds any sample so that time arithmetic cannot overflow. A
// horizon is no longer, so with one the bound never shows in a run's
// results; without, the loader warns of a law likely to reach it.
constexpr auto kLongestSampleMs = static_cast<double>(kLongestDuration.ms);
static_assert(kLongestSampleMs < 9'007'199'254'740'992.0, "samples are whole below 2^53");

// Half away from zero, as std::llround rounds, but inline: a call into libm
// for each of the forty-odd draws of a Webex run was a hundredth of its
// time. For 1 <= x < 2^53 its whole part is at least half of it, so x less
// that part is exact (Sterbenz), and below 1 it is x itself.
Duration to_duration(double ms) {
  const double x = std::clamp(ms, 0.0, kLongestSampleMs);
  if (std::isnan(x))
    return Duration{std::llround(x)};
  const auto whole = static_cast<std::int64_t>(x);
  return Duration{whole + (x - static_cast<double>(whole) >= 0.5 ? 1 : 0)};
}

[[noreturn]] void reject(const std::string& message) {
  throw std::invalid_argument(message);
}

void require_ordered(Duration low, Duration high, std::string_view low_name,
                     std::string_view high_name) {
  if (!(low < high)) {
    reject(fmt::format("{} ({}) must be below {} ({})", low_name, format_duration(low), high_name,
                       format_duration(high)));
  }
}

void require_positive(Duration d, std::string_view name) {
  if (d.ms <= 0)
    reject(fmt::format("{} must be more than 0, found {}", name, format_duration(d)));
}

// PERT's beta on [0, 1], scaled to [min, max] by its callers.
boost::math::beta_distribution<double> pert_beta(double min, double mode, double max) {
  const double range = max - min;
  return {1 + 4 * (mode - min) / range, 1 + 4 * (max - mode) / range};
}

double ms(Duration d) {
  return static_cast<double>(d.ms);
}

}  // namespace

std::string_view to_string(DistributionKind k) {
  return word_of(k);
}

Distribution Distribution::fixed(Duration value) {
  if (value.ms < 0)
    reject("a duration cannot be negative");
  return {DistributionKind::fixed, ms(value)};
}

Distribution Distribution::uniform(Duration min, Duration max) {
  if (min.ms < 0)
    reject("min cannot be negative");
  require_ordered(min, max, "min", "max");
  return {DistributionKind::uniform, ms(min), ms(max)};
}

Distribution Distribution::triangular(Duration min, Duration mode, Duration max) {
  if (min.ms < 0)
    reject("min cannot be negative");
  require_ordered(min, max, "min", "max");
  if (mode < min || max < mode) {
    reject(fmt::format("mode ({}) must lie between min ({}) and max ({})", format_duration(mode),
                       format_duration(min), format_duration(max)));
  }
  return {DistributionKind::triangular, ms(min), ms(mode), ms(max)};
}

Distribution Distribution::normal(Duration mean, Duration sd) {
  require_positive(mean, "the mean");
  require_positive(sd, "the standard deviation 'sd'");
  return {DistributionKind::normal, ms(mean), ms(sd)};
}

Distribution Distribution::lognormal(double mu, double sigma) {
  if (!std::isfinite(mu) || mu < -20 || mu > 20) {
    reject(fmt::format("mu (the mean of ln(hours)) must be between -20 and 20, found {}", mu));
  }
  if (!std::isfinite(sigma) || sigma <= 0 || sigma > 10) {
    reject(fmt::format("sigma must be more than 0 and at most 10, found {}", sigma));
  }
  return {DistributionKind::lognormal, mu + std::log(kMsPerHour), sigma};
}

Distribution Distribution::lognormal_from_median_p95(Duration median, Duration p95) {
  require_positive(median, "the median");
  require_ordered(median, p95, "the median", "p95");
  const double mu = std::log(ms(median));
  return {DistributionKind::lognormal, mu, (std::log(ms(p95)) - mu) / kZ95};
}

Distribution Distribution::exponential(Duration mean) {
  require_positive(mean, "the mean");
  return {DistributionKind::exponential, ms(mean)};
}

Distribution Distribution::weibull(double shape, Duration scale) {
  if (!std::isfinite(shape) || shape < 0.05 || shape > 100) {
    reject(fmt::format("shape must be between 0.05 and 100, found {}", shape));
  }
  require_positive(scale, "the scale");
  return {DistributionKind::weibull, shape, ms(scale)};
}

Distribution Distribution::pert(Duration min, Duration mode, Duration max) {
  Distribution d = triangular(min, mode, max);
  d.kind_ = DistributionKind::pert;
  return d;
}

Distribution Distribution::empirical(std::vector<Duration> samples) {
  if (samples.empty())
    reject("an empirical distribution needs at least one sample");
  for (const Duration s : samples) {
    if (s.ms < 0)
      reject("samples cannot be negative");
  }
  std::sort(samples.begin(), samples.end(), [](Duration a, Duration b) { return a.ms < b.ms; });
  Distribution d{DistributionKind::empirical, 0};
  d.samples_ = std::move(samples);
  return d;
}

Duration Distribution::sample(RandomStream& random) const {
  // Distribution objects are made per draw so that no cached state links one
  // draw to the next. They are Boost.Random's, whose algorithms are the same
  // everywhere: the standard library's differ between implementations, and
  // a seed must give the same runs under libstdc++ and libc++ alike.
  switch (kind_) {
    case DistributionKind::fixed:
      return to_duration(a_);
    case DistributionKind::uniform:
      return to_duration(a_ + (b_ - a_) * random.uniform());
    case DistributionKind::triangular: {
      const double u = random.uniform();
      const double split = (b_ - a_) / (c_ - a_);
      return to_duration(u < split ? a_ + std::sqrt(u * (c_ - a_) * (b_ - a_))
                                   : c_ - std::sqrt((1 - u) * (c_ - a_) * (c_ - b_)));
    }
    case DistributionKind::normal:
      // The mean is positive, so at least half the draws are accepted.
      while (true) {
        const double x = boost::random::normal_distribution<double>(a_, b_)(random);
        if (x >= 0)
          return to_duration(x);
      }
    case DistributionKind::lognormal:
      return to_duration(std::exp(a_ + b_ * boost::random::normal_distribution<double>()(random)));
    case DistributionKind::exponential:
      return to_duration(-a_ * std::log1p(-random.uniform()));
    case DistributionKind::weibull:
      return to_duration(b_ * std::pow(-std::log1p(-random.uniform()), 1.0 / a_));
    case DistributionKind::pert: {
      const double range = c_ - a_;
      const double x = boost::random::gamma_distribution<double>(1 + 4 * (b_ - a_) / range)(random);
      const double y = boost::random::gamma_distribution<double>(1 + 4 * (c_ - b_) / range)(random);
      return to_duration(a_ + range * x / (x + y));
    }
    case DistributionKind::empirical:
      return samples_[boost::random::uniform_int_distribution<std::size_t>(
          0, samples_.size() - 1)(random)];
  }
  return Duration{};
}

// The upper tail of the laws sample() draws from, by each one's closed
// form or Boost.Math's complement of its distribution function.
double Distribution::probability_beyond(Duration d) const {
  const double x = ms(d);
  switch (kind_) {
    case DistributionKind::fixed:
      return a_ > x ? 1 : 0;
    case DistributionKind::uniform:
      return std::clamp((b_ - x) / (b_ - a_), 0.0, 1.0);
    case DistributionKind::triangular:
      if (x <= a_ || x >= c_)
        return x <= a_ ? 1 : 0;
      return x <= b_ ? 1 - (x - a_) * (x - a_) / ((c_ - a_) * (b_ - a_))
                     : (c_ - x) * (c_ - x) / ((c_ - a_) * (c_ - b_));
    case DistributionKind::normal: {
      const boost::math::normal_distribution<double> n(a_, b_);
      return boost::math::cdf(boost::math::complement(n, std::max(x, 0.0))) /
             boost::math::cdf(boost::math::complement(n, 0.0));
    }
    case DistributionKind::lognormal:
      return x <= 0 ? 1
                    : boost::math::cdf(boost::math::complement(
                          boost::math::normal_distribution<double>(), (std::log(x) - a_) / b_));
    case DistributionKind::exponential:
      return std::exp(-std::max(x, 0.0) / a_);
    case DistributionKind::weibull:
      return std::exp(-std::pow(std::max(x, 0.0) / b_, a_));
    case DistributionKind::pert: {
      if (x <= a_ || x >= c_)
        return x <= a_ ? 1 : 0;
      const double range = c_ - a_;
      const auto beta = pert_beta(a_, b_, c_);
      return boost::math::cdf(boost::math::complement(beta, (x - a_) / range));
    }
    case DistributionKind::empirical: {
      const auto above = samples_.end() - std::upper_bound(samples_.begin(), samples_.end(), d);
      return static_cast<double>(above) / static_cast<double>(samples_.size());
    }
  }
  return 0;
}

// Each kind by its own closed form or Boost.Math's inverse of the upper
// tail, taken at w = e^-s; the exponential and Weibull straight from s,
// whose w would underflow past s = 745. The same laws sample() draws from:
// the normal truncated at 0, PERT's beta, the empirical's equally likely
// samples. w stays inside (0, 1), where every inverse is finite (at 1 the
// normal's is minus infinity), as sample()'s uniform draws do.
Duration Distribution::at_surprisal(double s) const {
  const double w = std::clamp(std::exp(-s), std::numeric_limits<double>::min(), 1 - 0x1p-53);
  switch (kind_) {
    case DistributionKind::fixed:
      return to_duration(a_);
    case DistributionKind::uniform:
      return to_duration(b_ - (b_ - a_) * w);
    case DistributionKind::triangular: {
      const double split = (c_ - b_) / (c_ - a_);  // the share above the mode
      return to_duration(w <= split ? c_ - std::sqrt(w * (c_ - a_) * (c_ - b_))
                                    : a_ + std::sqrt((1 - w) * (c_ - a_) * (b_ - a_)));
    }
    case DistributionKind::normal: {
      const boost::math::normal_distribution<double> n(a_, b_);
      const double kept = boost::math::cdf(boost::math::complement(n, 0.0));
      return to_duration(boost::math::quantile(boost::math::complement(n, w * kept)));
    }
    case DistributionKind::lognormal: {
      const boost::math::normal_distribution<double> standard;
      return to_duration(
          std::exp(a_ + b_ * boost::math::quantile(boost::math::complement(standard, w))));
    }
    case DistributionKind::exponential:
      return to_duration(a_ * s);
    case DistributionKind::weibull:
      return to_duration(b_ * std::pow(s, 1.0 / a_));
    case DistributionKind::pert: {
      const double range = c_ - a_;
      const auto beta = pert_beta(a_, b_, c_);
      return to_duration(a_ + range * boost::math::quantile(boost::math::complement(beta, w)));
    }
    case DistributionKind::empirical: {
      const auto n = samples_.size();
      const auto below = static_cast<std::size_t>((1 - w) * static_cast<double>(n));
      return samples_[std::min(below, n - 1)];
    }
  }
  return Duration{};
}

Distribution Distribution::with_median(Duration target) const {
  const auto from = static_cast<double>(median().ms);
  if (!(from > 0) || target.ms <= 0)
    throw std::invalid_argument(
        "a duration is scaled to a new median only from and to one above 0");
  const double factor = static_cast<double>(target.ms) / from;
  Distribution out = *this;
  switch (kind_) {
    case DistributionKind::lognormal:
      out.a_ = a_ + std::log(factor);
      break;
    case DistributionKind::weibull:
      out.b_ = b_ * factor;
      break;
    case DistributionKind::empirical:
      for (Duration& d : out.samples_)
        d = to_duration(static_cast<double>(d.ms) * factor);
      break;
    default:  // every other parameter is a duration
      out.a_ = a_ * factor;
      out.b_ = b_ * factor;
      out.c_ = c_ * factor;
  }
  return out;
}

bool Distribution::always_zero() const {
  switch (kind_) {
    case DistributionKind::fixed:
      return a_ == 0;
    case DistributionKind::empirical:
      return samples_.back().ms == 0;
    default:
      return false;
  }
}

Duration Distribution::median() const {
  switch (kind_) {
    case DistributionKind::fixed:
      return to_duration(a_);
    case DistributionKind::uniform:
      return to_duration((a_ + b_) / 2);
    case DistributionKind::triangular: {
      const double mid = (a_ + c_) / 2;
      return to_duration(b_ >= mid ? a_ + std::sqrt((c_ - a_) * (b_ - a_) / 2)
                                   : c_ - std::sqrt((c_ - a_) * (c_ - b_) / 2));
    }
    case DistributionKind::normal: {
      // The median of the normal truncated at 0: the quantile half way
      // between the cut-off's probability and 1.
      const boost::math::normal_distribution<double> n(a_, b_);
      const double cut = boost::math::cdf(n, 0.0);
      return to_duration(boost::math::quantile(n, cut + (1 - cut) / 2));
    }
    case DistributionKind::lognormal:
      return to_duration(std::exp(a_));
    case DistributionKind::exponential:
      return to_duration(a_ * std::log(2.0));
    case DistributionKind::weibull:
      return to_duration(b_ * std::pow(std::log(2.0), 1.0 / a_));
    case DistributionKind::pert: {
      const double range = c_ - a_;
      const auto beta = pert_beta(a_, b_, c_);
      return to_duration(a_ + range * boost::math::median(beta));
    }
    case DistributionKind::empirical:
      return samples_[(samples_.size() - 1) / 2];
  }
  return Duration{};
}

double Distribution::mean_ms() const {
  switch (kind_) {
    case DistributionKind::fixed:
      return a_;
    case DistributionKind::uniform:
      return (a_ + b_) / 2;
    case DistributionKind::triangular:
      return (a_ + b_ + c_) / 3;
    case DistributionKind::normal: {
      const double alpha = -a_ / b_;
      const boost::math::normal_distribution<double> standard;
      return a_ + b_ * boost::math::pdf(standard, alpha) / (1 - boost::math::cdf(standard, alpha));
    }
    case DistributionKind::lognormal:
      return std::exp(a_ + b_ * b_ / 2);
    case DistributionKind::exponential:
      return a_;
    case DistributionKind::weibull:
      return b_ * boost::math::tgamma(1 + 1 / a_);
    case DistributionKind::pert:
      return (a_ + 4 * b_ + c_) / 6;
    case DistributionKind::empirical: {
      const double total = std::accumulate(samples_.begin(), samples_.end(), 0.0,
                                           [](double sum, Duration d) { return sum + ms(d); });
      return total / static_cast<double>(samples_.size());
    }
  }
  return 0;
}

Duration Distribution::mean() const {
  return to_duration(mean_ms());
}

double Distribution::mean_hours() const {
  return mean_ms() / kMsPerHour;
}

std::string Distribution::describe() const {
  const auto d = [](double v) { return format_duration(to_duration(v)); };
  switch (kind_) {
    case DistributionKind::fixed:
      return d(a_);
    case DistributionKind::uniform:
      return fmt::format("uniform({}, {})", d(a_), d(b_));
    case DistributionKind::triangular:
    case DistributionKind::pert:
      return fmt::format("{}({}, {}, {})", to_string(kind_), d(a_), d(b_), d(c_));
    case DistributionKind::normal:
      return fmt::format("normal(mean {}, sd {})", d(a_), d(b_));
    case DistributionKind::lognormal:
      return fmt::format("lognormal(median {}, sigma {:.3g})", d(std::exp(a_)), b_);
    case DistributionKind::exponential:
      return fmt::format("exponential(mean {})", d(a_));
    case DistributionKind::weibull:
      return fmt::format("weibull(shape {:.3g}, scale {})", a_, d(b_));
    case DistributionKind::empirical:
      return fmt::format("empirical({} samples, median {})", samples_.size(),
                         format_duration(median()));
  }
  return {};
}

}  // namespace faultline
