#include <fmt/format.h>

#include <cmath>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/words.hpp"
#include "format.hpp"
#include "parameter_format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

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
    text += fmt::format("  {}: observed {}{}\n", observed.id,
                        milestone_when(scenario.clock, observed), default_tolerance_note(observed));
    text += fmt::format("    before  {}\n", spread_text(scenario.clock, c.milestones[m].before));
    text += fmt::format("    after   {}\n", spread_text(scenario.clock, c.milestones[m].after));
  }
  return text;
}

ordered_json spread_json(const MilestoneSpread& s) {
  ordered_json j = time_spread_json(s.simulated);
  j["met"] = s.met;
  j["never"] = s.never;
  return j;
}

}  // namespace

std::string calibration_text(const Scenario& scenario, const Calibration& c) {
  std::string text = fmt::format(
      "Calibration of {} to its {} observed milestone{}: ABC-SMC, {} particles, seed {}\n"
      "  distance: each milestone's miss in units of its tolerance (within, or {}), root sum "
      "of squares\n",
      scenario_title(scenario), scenario.observed.size(), scenario.observed.size() == 1 ? "" : "s",
      thousands(static_cast<std::int64_t>(c.particles)), c.seed,
      format_duration(kUnstatedTolerance));
  text += generations_text(c.generations, c.ended);
  if (c.ended == CalibrationEnd::interrupted)
    return text;
  text +=
      looseness_warning(c.generations, "the posterior is held to them more loosely than they ask");
  text += thin_sample_warning(c.generations, c.particles, "the posterior");
  text += "Parameters: median (90% interval)\n";
  for (std::size_t k = 0; k < c.parameters.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    const ParameterFit& fit = c.parameters[k];
    text += fmt::format("  {}\n    prior      {}\n    posterior  {}\n    written    {}\n",
                        parameter_name(scenario, p), parameter_spread_text(p, fit.prior),
                        parameter_spread_text(p, fit.posterior),
                        parameter_value_text(p, fit.fitted, true));
  }
  text += fit_text(scenario, c);
  return text + fmt::format("  runs made: {}\n", thousands(static_cast<std::int64_t>(c.runs)));
}

ordered_json calibration_json(const Scenario& scenario, const Calibration& c) {
  ordered_json j = smc_json_header(scenario, c.seed, c.particles);
  j["generations"] = generations_json(c.generations);
  j["ended"] = std::string(to_string(c.ended));
  j["thin_sample"] = thin_sample(c.generations, c.particles);
  j["parameters"] = parameters_json(scenario, c.parameters, true);
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
