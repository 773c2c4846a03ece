#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

std::string compare_text(const Comparison& c) {
  std::string out = fmt::format(
      "Paired comparison of {} variants over {} runs, seed {}: run i of every variant draws the "
      "same random numbers.{}\n\n",
      c.names.size(), c.runs, c.seed,
      c.interrupted ? " INTERRUPTED: the figures are of these runs." : "");
  out += "Ranking by mean user-hours lost\n";
  out += fmt::format("  {:<4} {:<28} {:>14} {:>26} {:>12}\n", "rank", "variant", "mean",
                     "95% CI of the mean", "p90");
  std::size_t place = 1;
  for (const std::size_t v : ranking(c)) {
    const auto lost_m = ComparedMetric::user_seconds_lost;
    const Interval lost = mean_interval(lost_m, c.metrics[v][kLost]);
    out += fmt::format("  {:<4} {:<28} {:>14} {:>26} {:>12}\n", place++, c.names[v],
                       number(lost.mean), number(lost.low) + " .. " + number(lost.high),
                       number(in_unit(lost_m, c.metrics[v][kLost].quantile(0.9))));
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
  j["interrupted"] = c.interrupted;
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
      const Interval mean = mean_interval(metric, a);
      ordered_json entry = {{"unit", unit(metric)},
                            {"mean", mean.mean},
                            {"ci_low", mean.low},
                            {"ci_high", mean.high},
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
    ordered_json over_time = ordered_json::array();
    for (std::size_t i = 0; i < c.sample_times[v].size(); ++i) {
      over_time.push_back({{"t_s", c.sample_times[v][i].since_t0().in_seconds()},
                           {"mean", static_cast<double>(c.sampled_active_sum[v][i]) /
                                        static_cast<double>(c.runs)}});
    }
    variant["active_affected_over_time"] = std::move(over_time);
    j["variants"].push_back(std::move(variant));
  }
  return j;
}

}  // namespace faultline::reports
