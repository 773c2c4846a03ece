#include <fmt/format.h>

#include <cmath>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/words.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// "rebuild-core median" or "enable-x method pipeline arrival".
std::string parameter_name(const Scenario& scenario, const UnknownParameter& p) {
  const Step& step = scenario.steps[p.step.value];
  const std::string& method = step.methods[p.method].name;
  return method.empty() ? fmt::format("{} {}", step.id, word_of(p.kind))
                        : fmt::format("{} method {} {}", step.id, method, word_of(p.kind));
}

std::string value_text(const UnknownParameter& p, double value) {
  switch (p.kind) {
    case UnknownKind::median:
      return duration_text(value);
    case UnknownKind::success:
      return fmt::format("{:.3g}", value);
    case UnknownKind::arrival:
      return "T0+" + duration_text(value);
  }
  return "";
}

std::string spread_text(const UnknownParameter& p, const Spread& s) {
  return fmt::format("{} ({} to {})", value_text(p, s.median), value_text(p, s.low),
                     value_text(p, s.high));
}

std::string_view end_words(CalibrationEnd e) {
  switch (e) {
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

std::string generations_text(const Calibration& c) {
  std::string text = "  generation  tolerance  proposals  effective particles\n";
  for (std::size_t g = 0; g < c.generations.size(); ++g) {
    const CalibrationGeneration& gen = c.generations[g];
    text += fmt::format("  {:<11} {:<10} {:<10} {}\n", g,
                        std::isfinite(gen.tolerance) ? fmt::format("{:.3g}", gen.tolerance)
                                                     : std::string("(priors)"),
                        thousands(static_cast<std::int64_t>(gen.proposals)),
                        thousands(std::llround(gen.effective_particles)));
  }
  return text + fmt::format("  stopped: {}\n", end_words(c.ended));
}

std::string spread_text(const ScenarioClock& clock, const MilestoneSpread& s) {
  const std::string met = fmt::format("met in {}", percent(s.met));
  if (!s.simulated)
    return "never happened; " + met;
  std::string text =
      fmt::format("{} / {} / {}; {}", at_local(clock, s.simulated->low),
                  at_local(clock, s.simulated->median), at_local(clock, s.simulated->high), met);
  if (s.never > 0)
    text += fmt::format("; never in {}", percent(s.never));
  return text;
}

std::string fit_text(const Scenario& scenario, const Calibration& c) {
  std::string text = fmt::format(
      "Fit: each milestone's simulated time (p10 / p50 / p90) before, over the first "
      "generation's runs, and after, over {} runs of the posterior\n",
      thousands(static_cast<std::int64_t>(c.check_runs)));
  for (std::size_t m = 0; m < c.milestones.size(); ++m) {
    const Milestone& observed = scenario.observed[m];
    text +=
        fmt::format("  {}: observed {}\n", observed.id, milestone_when(scenario.clock, observed));
    text += fmt::format("    before  {}\n", spread_text(scenario.clock, c.milestones[m].before));
    text += fmt::format("    after   {}\n", spread_text(scenario.clock, c.milestones[m].after));
  }
  return text;
}

ordered_json spread_json(const UnknownParameter& p, const Spread& s) {
  const double unit = p.kind == UnknownKind::success ? 1.0 : 1000.0;
  return {{"p5", s.low / unit}, {"p50", s.median / unit}, {"p95", s.high / unit}};
}

ordered_json spread_json(const MilestoneSpread& s) {
  ordered_json j;
  if (s.simulated) {
    j["p10_s"] = s.simulated->low / 1000;
    j["p50_s"] = s.simulated->median / 1000;
    j["p90_s"] = s.simulated->high / 1000;
  } else {
    j["p10_s"] = j["p50_s"] = j["p90_s"] = nullptr;
  }
  j["met"] = s.met;
  j["never"] = s.never;
  return j;
}

}  // namespace

std::string calibration_text(const Scenario& scenario, const Calibration& c) {
  std::string text = fmt::format(
      "Calibration of {} to its {} observed milestone{}: ABC-SMC, {} particles, seed {}\n"
      "  distance: each milestone's miss in units of its tolerance (within, or 1h), root sum "
      "of squares\n",
      scenario_title(scenario), scenario.observed.size(), scenario.observed.size() == 1 ? "" : "s",
      thousands(static_cast<std::int64_t>(c.particles)), c.seed);
  text += generations_text(c);
  if (c.ended == CalibrationEnd::interrupted)
    return text;
  text += "Parameters: median (90% interval)\n";
  for (std::size_t k = 0; k < c.parameters.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    const ParameterFit& fit = c.parameters[k];
    text += fmt::format("  {}\n    prior      {}\n    posterior  {}\n    written    {}\n",
                        parameter_name(scenario, p), spread_text(p, fit.prior),
                        spread_text(p, fit.posterior), value_text(p, fit.fitted));
  }
  text += fit_text(scenario, c);
  return text + fmt::format("  runs made: {}\n", thousands(static_cast<std::int64_t>(c.runs)));
}

ordered_json calibration_json(const Scenario& scenario, const Calibration& c) {
  ordered_json j = result_header();
  j["scenario"] = {{"name", scenario.name}, {"file", scenario.file}};
  j["method"] = "abc-smc";
  j["seed"] = c.seed;
  j["particles"] = c.particles;
  j["generations"] = ordered_json::array();
  for (const CalibrationGeneration& g : c.generations) {
    j["generations"].push_back(
        {{"tolerance", std::isfinite(g.tolerance) ? ordered_json(g.tolerance) : ordered_json()},
         {"proposals", g.proposals},
         {"effective_particles", g.effective_particles}});
  }
  j["ended"] = std::string(to_string(c.ended));
  j["parameters"] = ordered_json::array();
  for (std::size_t k = 0; k < c.parameters.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    const Step& step = scenario.steps[p.step.value];
    j["parameters"].push_back(
        {{"step", step.id},
         {"method", step.methods[p.method].name},
         {"kind", std::string(word_of(p.kind))},
         {"unit", p.kind == UnknownKind::success ? "probability" : "s"},
         {"prior", spread_json(p, c.parameters[k].prior)},
         {"posterior", spread_json(p, c.parameters[k].posterior)},
         {"fitted", c.parameters[k].fitted / (p.kind == UnknownKind::success ? 1.0 : 1000.0)}});
  }
  j["milestones"] = ordered_json::array();
  for (std::size_t m = 0; m < c.milestones.size(); ++m) {
    j["milestones"].push_back({{"id", scenario.observed[m].id},
                               {"before", spread_json(c.milestones[m].before)},
                               {"after", spread_json(c.milestones[m].after)}});
  }
  j["check_runs"] = c.check_runs;
  j["runs"] = c.runs;
  return j;
}

}  // namespace faultline::reports
