#include "parameter_format.hpp"

#include <fmt/format.h>

#include <cmath>

#include "faultline/reports/json.hpp"
#include "faultline/words.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

std::string_view end_words(CalibrationEnd e) {
  switch (e) {
    case CalibrationEnd::within_tolerance:
      return "every kept run is within one tolerance of the observations (distance 1)";
    case CalibrationEnd::settled:
      return "every particle's run is as close as the tolerance; none can do better";
    case CalibrationEnd::acceptance_low:
      return "the next generation kept under 2% of its proposals";
    case CalibrationEnd::most_generations:
      return "the most generations were made";
    case CalibrationEnd::interrupted:
      return "interrupted";
  }
  return "";
}

}  // namespace

std::string generations_text(const std::vector<CalibrationGeneration>& generations,
                             CalibrationEnd ended) {
  std::string text = "  generation  tolerance  proposals  effective particles\n";
  for (std::size_t g = 0; g < generations.size(); ++g) {
    const CalibrationGeneration& gen = generations[g];
    text += fmt::format("  {:<11} {:<10} {:<10} {}\n", g,
                        std::isfinite(gen.tolerance) ? fmt::format("{:.3g}", gen.tolerance)
                                                     : std::string("(priors)"),
                        thousands(static_cast<std::int64_t>(gen.proposals)),
                        thousands(std::llround(gen.effective_particles)));
  }
  return text + fmt::format("  stopped: {}\n", end_words(ended));
}

// Found by a helper: this read the last tolerance, infinite for a first
// generation, and warned of "inf tolerances" under a search that stopped
// with every run kept within 1.
std::string looseness_warning(const std::vector<CalibrationGeneration>& generations,
                              std::string_view consequence) {
  const double farthest = generations.empty() ? 0 : generations.back().farthest;
  if (farthest <= 1)
    return "";
  return fmt::format(
      "  warning: the runs kept are within {:.3g} tolerances of the observations, not 1: {}\n",
      farthest, consequence);
}

// Found by a helper: a first generation in which 998 of 1,000 runs never
// saw an observed event kept 2, and their posterior read as any other.
std::string thin_sample_warning(const std::vector<CalibrationGeneration>& generations,
                                std::size_t particles, std::string_view what) {
  if (!thin_sample(generations, particles))
    return "";
  return fmt::format(
      "  warning: the runs kept weigh as {} effective particles of the {} asked for: {} rests "
      "on them and is rough; raise --particles\n",
      thousands(std::llround(generations.back().effective_particles)),
      thousands(static_cast<std::int64_t>(particles)), what);
}

// Found by a helper: the fit said it stopped within tolerance, then the
// same milestone was "met in 0%", with nothing to say why.
std::string default_tolerance_note(const Milestone& m) {
  if (m.within.ms > 0)
    return "";
  const std::string tolerance = format_duration(kUnstatedTolerance);
  return m.timing == MilestoneTiming::at
             ? fmt::format(
                   " (no within: the fit holds it to {} either side; met only exactly "
                   "on it)",
                   tolerance)
             : fmt::format(" (no within: the fit holds it to {} past it; met only by it)",
                           tolerance);
}

ordered_json smc_json_header(const Scenario& scenario, std::uint64_t seed, std::size_t particles) {
  ordered_json j = result_header();
  j["scenario"] = {{"name", scenario.name}, {"file", scenario.file}};
  j["method"] = "abc-smc";
  j["seed"] = seed;
  j["particles"] = particles;
  return j;
}

ordered_json generations_json(const std::vector<CalibrationGeneration>& generations) {
  ordered_json out = ordered_json::array();
  for (const CalibrationGeneration& g : generations) {
    out.push_back(
        {{"tolerance", std::isfinite(g.tolerance) ? ordered_json(g.tolerance) : ordered_json()},
         {"proposals", g.proposals},
         {"effective_particles", g.effective_particles},
         {"farthest", g.farthest}});
  }
  return out;
}

ordered_json time_spread_json(const std::optional<Spread>& s) {
  const auto seconds = [](double ms) {
    return std::isfinite(ms) ? ordered_json(ms / 1000) : ordered_json();
  };
  if (!s)
    return {{"p10_s", nullptr}, {"p50_s", nullptr}, {"p90_s", nullptr}};
  return {{"p10_s", seconds(s->low)}, {"p50_s", seconds(s->median)}, {"p90_s", seconds(s->high)}};
}

std::string parameter_name(const Scenario& scenario, const UnknownParameter& p) {
  const Step& step = scenario.steps[p.step.value];
  const std::string& method = step.methods[p.method].name;
  return method.empty() ? fmt::format("{} {}", step.id, word_of(p.kind))
                        : fmt::format("{} method {} {}", step.id, method, word_of(p.kind));
}

std::string parameter_value_text(const UnknownParameter& p, double value, bool exactly) {
  if (p.kind == UnknownKind::success)
    return exactly ? fmt::format("{}", value) : fmt::format("{:.3g}", value);
  const std::string duration =
      exactly ? format_duration(Duration::milliseconds(std::llround(value))) : duration_text(value);
  return p.kind == UnknownKind::arrival ? "T0+" + duration : duration;
}

std::string parameter_spread_text(const UnknownParameter& p, const Spread& s) {
  return fmt::format("{} ({} to {})", parameter_value_text(p, s.median),
                     parameter_value_text(p, s.low), parameter_value_text(p, s.high));
}

ordered_json parameter_spread_json(const UnknownParameter& p, const Spread& s) {
  const double unit = p.kind == UnknownKind::success ? 1.0 : 1000.0;
  return {{"p5", s.low / unit}, {"p50", s.median / unit}, {"p95", s.high / unit}};
}

ordered_json parameters_json(const Scenario& scenario, const std::vector<ParameterFit>& fits,
                             bool fitted) {
  ordered_json out = ordered_json::array();
  for (std::size_t k = 0; k < fits.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    const Step& step = scenario.steps[p.step.value];
    ordered_json j = {{"step", step.id},
                      {"method", step.methods[p.method].name},
                      {"kind", std::string(word_of(p.kind))},
                      {"unit", p.kind == UnknownKind::success ? "probability" : "s"},
                      {"prior", parameter_spread_json(p, fits[k].prior)},
                      {"posterior", parameter_spread_json(p, fits[k].posterior)}};
    if (fitted)
      j["fitted"] = fits[k].fitted / (p.kind == UnknownKind::success ? 1.0 : 1000.0);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace faultline::reports
