#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "faultline/reports/json.hpp"
#include "faultline/reports/slo.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// "+12.5%", or "-" for nothing.
std::string signed_percent(const std::optional<double>& share) {
  return share ? fmt::format("{:+.1f}%", *share * 100) : std::string("-");
}

// "+0.84", or "-" for nothing.
std::string signed_number(const std::optional<double>& value) {
  return value ? fmt::format("{:+.2f}", *value) : std::string("-");
}

// Every pair, metric by metric: B against A, with the p-value of the
// paired t-test adjusted by Holm's method over the pairs of the metric.
std::string pairs_text(const Comparison& c) {
  const std::size_t pairs = c.pairs.size() / kComparedMetrics.size();
  std::string out = fmt::format(
      "\nDifferences run by run, B less A, every pair; p from the paired t-test adjusted by "
      "Holm's method over the {} pair{} of each metric; significant when below 0.05\n",
      pairs, pairs == 1 ? "" : "s");
  std::vector<std::string> names;  // "B vs A", by pair
  for (const PairedDifference& pair : c.pairs)
    names.push_back(c.names[pair.b] + " vs " + c.names[pair.a]);
  const std::size_t names_w = column_width(names, 40);
  out += fmt::format("  {:<36} {:<{}} {:>14} {:>30} {:>9} {:>7} {:>9}  {}\n", "metric", "B vs A",
                     names_w, "difference", "95% CI", "relative", "d_z", "p (Holm)", "significant");
  for (std::size_t p = 0; p < c.pairs.size(); ++p) {
    const PairedDifference& pair = c.pairs[p];
    const Interval d = interval(pair);
    out += fmt::format("  {:<36} {:<{}} {:>14} {:>30} {:>9} {:>7} {:>9}  {}\n",
                       fmt::format("{} ({})", to_string(pair.metric), unit(pair.metric)), names[p],
                       names_w, number(d.mean), range_text(d), signed_percent(pair.relative),
                       signed_number(pair.effect_size),
                       pair.p_holm ? fmt::format("{:.3g}", *pair.p_holm) : "-",
                       !pair.p_holm    ? "-"
                       : d.significant ? "yes"
                                       : "no");
  }
  return out;
}

ordered_json json_or_null(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json pairs_json(const Comparison& c) {
  ordered_json out = ordered_json::array();
  for (const PairedDifference& pair : c.pairs) {
    const Interval d = interval(pair);
    out.push_back({{"metric", to_string(pair.metric)},
                   {"unit", unit(pair.metric)},
                   {"a", c.names[pair.a]},
                   {"b", c.names[pair.b]},
                   {"mean", d.mean},
                   {"ci_low", json_or_null(d.low)},
                   {"ci_high", json_or_null(d.high)},
                   {"relative", json_or_null(pair.relative)},
                   {"effect_size_dz", json_or_null(pair.effect_size)},
                   {"p_value", json_or_null(pair.p_value)},
                   {"p_holm", json_or_null(pair.p_holm)},
                   {"significant", pair.p_holm ? ordered_json(pair.significant) : nullptr}});
  }
  return out;
}

}  // namespace

std::string compare_text(const Comparison& c) {
  std::string out = fmt::format(
      "Paired comparison of {} variants over {}, seed {}: run i of every variant draws the "
      "same random numbers.{}\n\n",
      c.names.size(), runs_text(c.runs, c.first_run, false), c.seed,
      c.interrupted ? " INTERRUPTED: the figures are of these runs." : "");
  out += "Ranking by mean user-hours lost\n";
  const std::size_t names_w = column_width(c.names, 28);
  out += fmt::format("  {:<4} {:<{}} {:>14} {:>26} {:>12}\n", "rank", "variant", names_w, "mean",
                     "95% CI of the mean", "p90");
  std::size_t place = 1;
  for (const std::size_t v : ranking(c)) {
    const auto lost_m = ComparedMetric::user_seconds_lost;
    const Interval lost = mean_interval(lost_m, c.metrics[v][kLost]);
    out += fmt::format("  {:<4} {:<{}} {:>14} {:>26} {:>12}\n", place++, c.names[v], names_w,
                       number(lost.mean), range_text(lost),
                       number(in_unit(lost_m, c.metrics[v][kLost].quantile(0.9))));
  }
  out += pairs_text(c);
  out += restoration_cap_note(c) + "\n";
  for (std::size_t v = 0; v < c.names.size() && !c.slos.empty(); ++v)
    out += "\n" + budget_statistics_text(c.slos, c.slo_statistics[v], false, c.runs,
                                         fmt::format("Error budgets of '{}'", c.names[v]));
  return out;
}

ordered_json compare_json(const Comparison& c) {
  ordered_json j = result_header();
  j["runs"] = c.runs;
  if (c.first_run > 0)
    j["first_run"] = c.first_run;
  j["interrupted"] = c.interrupted;
  j["seed"] = c.seed;
  j["baseline"] = c.names.front();
  j["restoration_cap_h"] = c.restoration_cap.in_hours();
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
                            {"ci_low", json_or_null(mean.low)},
                            {"ci_high", json_or_null(mean.high)},
                            {"p90", in_unit(metric, a.quantile(0.9))}};
      if (v > 0) {
        const PairedDifference& pair = pair_of(c, 0, v, metric);
        const Interval d = interval(pair);
        entry["difference_from_baseline"] = {
            {"mean", d.mean},
            {"ci_low", json_or_null(d.low)},
            {"ci_high", json_or_null(d.high)},
            {"significant", pair.p_holm ? ordered_json(d.significant) : nullptr}};
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
    if (!c.slos.empty())
      variant["slos"] = budget_statistics_json(c.slos, c.slo_statistics[v], false);
    j["variants"].push_back(std::move(variant));
  }
  j["pairs"] = pairs_json(c);
  return j;
}

}  // namespace faultline::reports
