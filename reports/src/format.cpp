#include "format.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numeric>

namespace faultline::reports {

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string percent(double fraction) {
  return fmt::format("{:.0f}%", fraction * 100.0);
}

std::string millions(double v) {
  return v >= 1e6 ? fmt::format("{:.2f} M", v / 1e6) : fmt::format("{:.0f}", v);
}

std::string number(double v) {
  if (std::abs(v) >= 1e6)
    return fmt::format("{:.3f} M", v / 1e6);
  if (std::abs(v) >= 100)
    return fmt::format("{:.0f}", v);
  return fmt::format("{:.2f}", v);
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

UserCount total_users(const Topology& topology) {
  UserCount total;
  for (const auto& g : topology.user_groups())
    total += g.users;
  return total;
}

std::int64_t to_minute(double ms) {
  constexpr double kMsPerMinute = 60'000.0;
  return static_cast<std::int64_t>(std::llround(ms / kMsPerMinute)) * 60'000;
}

std::string duration_text(double ms) {
  return format_duration(Duration{to_minute(ms)});
}

std::string at_local(const ScenarioClock& clock, double ms) {
  return clock.local_text(SimTime{to_minute(ms)});
}

double mean_busy(const MonteCarloResult& result, std::size_t index) {
  return result.runs == 0 ? 0.0
                          : static_cast<double>(result.sampled_busy_sum[index]) /
                                static_cast<double>(result.runs);
}

double in_unit(ComparedMetric m, double value) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return value / kSecondsPerHour;
    case ComparedMetric::peak_active:
      return value;
    case ComparedMetric::restored_ms:
      return value / kMsPerHour;
  }
  return value;
}

std::string_view unit(ComparedMetric m) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return "user-hours";
    case ComparedMetric::peak_active:
      return "users";
    case ComparedMetric::restored_ms:
      return "hours";
  }
  return "";
}

Interval interval(ComparedMetric m, const Moments& d) {
  const double half = d.ci95_half_width().value_or(0.0);
  const double mean = d.mean();
  return {in_unit(m, mean), in_unit(m, mean - half), in_unit(m, mean + half),
          mean - half > 0 || mean + half < 0};
}

Interval mean_interval(ComparedMetric m, const Accumulator& a) {
  const double half = a.ci95_half_width().value_or(0.0);
  return {in_unit(m, a.mean()), in_unit(m, a.mean() - half), in_unit(m, a.mean() + half), false};
}

std::vector<std::size_t> ranking(const Comparison& c) {
  std::vector<std::size_t> order(c.names.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return c.metrics[a][kLost].mean() < c.metrics[b][kLost].mean();
  });
  return order;
}

}  // namespace faultline::reports
