#include "replay/run_context.hpp"

#include <cmath>
#include <limits>

namespace faultline::detail {

namespace {

// The median number of tries until the first success, when each succeeds
// with probability p: the least n with (1 - p)^n <= 1/2. One for p >= 1/2;
// "never" (the largest int) for p = 0.
int median_attempts(double p) {
  if (p >= 0.5)
    return 1;
  if (p <= 0)
    return std::numeric_limits<int>::max();
  const double estimate = std::ceil(std::log(0.5) / std::log1p(-p));
  if (!(estimate < 1e9))
    return std::numeric_limits<int>::max();
  auto n = static_cast<int>(estimate);
  while (n > 1 && std::pow(1 - p, n - 1) <= 0.5)
    --n;
  while (std::pow(1 - p, n) > 0.5)
    ++n;
  return n;
}

}  // namespace

RetryVerdict retry_verdict(const Method& m, SimTime retry_at, const Scenario& scenario) {
  if (m.retry_until && retry_at > *m.retry_until)
    return RetryVerdict::next_method;
  if (m.retries == kUnlimitedRetries && !m.retry_until && retry_at > scenario.retries_stop())
    return RetryVerdict::stop;
  return RetryVerdict::retry;
}

// The nominal run takes the median of the geometric law of attempts: the
// attempt-th try succeeds once at least half of all attempt sequences
// would have succeeded by then.
bool RunContext::succeeds(const double& p, int attempt, RandomStreams& streams,
                          std::uint32_t index) {
  if (!options.sampling)
    return attempt >= median_attempts(p);
  if (p >= 1.0)
    return true;
  return stretched.active() ? stretched.succeeds(p, streams[index]) : streams[index].uniform() < p;
}

void RunContext::open_streams(RandomStreams& streams, StreamPurpose purpose,
                              std::size_t count) const {
  if (const auto& sampling = options.sampling)
    streams.open(sampling->seed, sampling->run, purpose, count);
}

}  // namespace faultline::detail
