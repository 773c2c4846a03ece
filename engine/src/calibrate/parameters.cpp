#include "calibrate/parameters.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>

#include "faultline/strategy.hpp"

namespace faultline::detail {

namespace {
const boost::math::normal_distribution<double> kStandardNormal;
}

double value_at(const UnknownParameter& p, double z) {
  if (p.kind == UnknownKind::success)
    return p.low + (p.high - p.low) * boost::math::cdf(kStandardNormal, z);
  // The prior's quantile at Phi(z): the duration exceeded with probability
  // Phi(-z), that is at surprisal -ln Phi(-z).
  const double above = boost::math::cdf(boost::math::complement(kStandardNormal, z));
  const Duration d = p.prior.at_surprisal(-std::log(above));
  return static_cast<double>(std::max<std::int64_t>(d.ms, 1));
}

double standard_normal(RandomStream& random) {
  // 53 random bits, centred in their interval so that neither 0 nor 1 comes.
  const double u = (static_cast<double>(random() >> 11) + 0.5) * 0x1.0p-53;
  return boost::math::quantile(kStandardNormal, u);
}

const RunResult& ParameterizedRuns::execute(std::span<const double> z, std::uint64_t seed,
                                            std::uint64_t run) {
  for (std::size_t k = 0; k < z.size(); ++k) {
    const UnknownParameter& p = original_.unknowns[k];
    write_in(p, value_at(p, z[k]));
  }
  run_.set_ranks(step_ranks(copy_, copy_.strategy));
  RunOptions options;
  options.sampling = RunSampling{seed, run, nullptr};
  run_.execute(options, result_);
  return result_;
}

void ParameterizedRuns::write_in(const UnknownParameter& p, double value) {
  const Method& from = original_.steps[p.step.value].methods[p.method];
  Method& to = copy_.steps[p.step.value].methods[p.method];
  const Duration as_duration = Duration::milliseconds(std::llround(value));
  switch (p.kind) {
    case UnknownKind::median:
      to.duration = from.duration.with_median(as_duration);
      break;
    case UnknownKind::success:
      to.success = value;
      break;
    case UnknownKind::arrival:
      to.available_from = SimTime{} + as_duration;
      break;
  }
}

}  // namespace faultline::detail
