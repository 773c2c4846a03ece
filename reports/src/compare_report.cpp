#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

constexpr std::size_t kLost = 0;

// Each metric in the unit a reader thinks in.
double in_unit(ComparedMetric m, double value) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return value / 3600.0;
    case ComparedMetric::peak_active:
      return value;
    case ComparedMetric::restored_ms:
      return value / 3.6e6;
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

std::string number(double v) {
  if (std::abs(v) >= 1e6)
    return fmt::format("{:.3f} M", v / 1e6);
  if (std::abs(v) >= 100)
    return fmt::format("{:.0f}", v);
  return fmt::format("{:.2f}", v);
}

struct Interval {
  double mean = 0;
  double low = 0;
  double high = 0;
  // The interval leaves out 0; with no spread, any difference at all.
  bool significant = false;
};

Interval interval(ComparedMetric m, const Moments& d) {
  const double half = d.ci95_half_width().value_or(0.0);
  const double mean = d.mean();
  return {in_unit(m, mean), in_unit(m, mean - half), in_unit(m, mean + half),
          mean - half > 0 || mean + half < 0};
}

// Variants by mean user-hours lost, best first; ties keep the given order.
std::vector<std::size_t> ranking(const Comparison& c) {
  std::vector<std::size_t> order(c.names.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return c.metrics[a][kLost].mean() < c.metrics[b][kLost].mean();
  });
  return order;
}

}  // namespace

std::string compare_text(const Comparison& c) {
  std::string out = fmt::format(
      "Paired comparison of {} variants over {} runs, seed {}: run i of every variant draws the "
      "same random numbers.\n\n",
      c.names.size(), c.runs, c.seed);
  out += "Ranking by mean user-hours lost\n";
  out += fmt::format("  {:<4} {:<28} {:>14} {:>26} {:>12}\n", "rank", "variant", "mean",
                     "95% CI of the mean", "p90");
  std::size_t place = 1;
  for (const std::size_t v : ranking(c)) {
    const Accumulator& lost = c.metrics[v][kLost];
    const double half = lost.ci95_half_width().value_or(0.0);
    const auto lost_m = ComparedMetric::user_seconds_lost;
    out += fmt::format("  {:<4} {:<28} {:>14} {:>26} {:>12}\n", place++, c.names[v],
                       number(in_unit(lost_m, lost.mean())),
                       number(in_unit(lost_m, lost.mean() - half)) + " .. " +
                           number(in_unit(lost_m, lost.mean() + half)),
                       number(in_unit(lost_m, lost.quantile(0.9))));
  }
  out += fmt::format(
      "\nDifferences from {} (the first), run by run; significant when the 95% "
      "interval leaves out 0\n",
      c.names.front());
  out += fmt::format("  {:<36} {:<28} {:>14} {:>30}  {}\n", "metric", "variant", "difference",
                     "95% CI", "significant");
  for (std::size_t m = 0; m < kComparedMetrics.size(); ++m) {
    const ComparedMetric metric = kComparedMetrics[m];
    for (std::size_t v = 1; v < c.names.size(); ++v) {
      const Interval d = interval(metric, c.differences[v][m]);
      out += fmt::format("  {:<36} {:<28} {:>14} {:>30}  {}\n",
                         fmt::format("{} ({})", to_string(metric), unit(metric)), c.names[v],
                         number(d.mean), number(d.low) + " .. " + number(d.high),
                         d.significant ? "yes" : "no");
    }
  }
  return out;
}

ordered_json compare_json(const Comparison& c) {
  ordered_json j;
  j["schema_version"] = kSchemaVersion;
  j["runs"] = c.runs;
  j["seed"] = c.seed;
  j["baseline"] = c.names.front();
  j["ranking"] = ordered_json::array();
  for (const std::size_t v : ranking(c))
    j["ranking"].push_back(c.names[v]);
  j["variants"] = ordered_json::array();
  for (std::size_t v = 0; v < c.names.size(); ++v) {
    ordered_json variant;
    variant["name"] = c.names[v];
    for (std::size_t m = 0; m < kComparedMetrics.size(); ++m) {
      const ComparedMetric metric = kComparedMetrics[m];
      const Accumulator& a = c.metrics[v][m];
      const double half = a.ci95_half_width().value_or(0.0);
      ordered_json entry = {{"unit", unit(metric)},
                            {"mean", in_unit(metric, a.mean())},
                            {"ci_low", in_unit(metric, a.mean() - half)},
                            {"ci_high", in_unit(metric, a.mean() + half)},
                            {"p90", in_unit(metric, a.quantile(0.9))}};
      if (v > 0) {
        const Interval d = interval(metric, c.differences[v][m]);
        entry["difference_from_baseline"] = {{"mean", d.mean},
                                             {"ci_low", d.low},
                                             {"ci_high", d.high},
                                             {"significant", d.significant}};
      }
      variant[std::string(to_string(metric))] = std::move(entry);
    }
    j["variants"].push_back(std::move(variant));
  }
  return j;
}

}  // namespace faultline::reports
