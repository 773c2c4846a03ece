#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <stdexcept>

#include "faultline/calibrate.hpp"
#include "faultline/words.hpp"
#include "loader/scenario_text.hpp"

namespace faultline {

namespace {

// The step's or method's mapping the parameter belongs to.
YAML::Node method_node(const YAML::Node& runbook, const Scenario& scenario,
                       const UnknownParameter& p) {
  const std::string& id = scenario.steps[p.step.value].id;
  for (const YAML::Node& step : runbook) {
    if (step["id"].Scalar() != id)
      continue;
    const YAML::Node methods = step["methods"];
    return methods.IsDefined() ? methods[p.method] : step;
  }
  throw std::logic_error("step '" + id + "' is not in the scenario's text");
}

// To the millisecond, as durations are kept: 0 stays 0.
std::string scaled_duration(const std::string& text, double factor) {
  const auto d = parse_duration(text);
  if (!d)
    throw std::logic_error("'" + text + "' is not a duration");
  return format_duration(Duration::milliseconds(std::llround(static_cast<double>(d->ms) * factor)));
}

// Every duration in the node multiplied by `factor`, in the form it was
// written: a bare duration, or a distribution's parameters (a lognormal's
// mu, of the log of hours, moves by ln factor; shapes and sigma stay).
void scale_durations(YAML::Node node, double factor) {
  if (node.IsScalar()) {
    node = scaled_duration(node.Scalar(), factor);
    return;
  }
  for (auto entry : node) {
    const std::string key = entry.first.Scalar();
    YAML::Node value = entry.second;
    if (key == "distribution" || key == "shape" || key == "sigma")
      continue;
    if (key == "mu") {
      value = fmt::format("{}", value.as<double>() + std::log(factor));
    } else if (key == "samples") {
      for (YAML::Node sample : value)
        sample = scaled_duration(sample.Scalar(), factor);
    } else {
      value = scaled_duration(value.Scalar(), factor);
    }
  }
}

// The method's duration replaced, in its place among the keys. The method
// is rebuilt around it because assigning to method["duration"] would also
// change what an alias of that node (*anchor elsewhere) names.
void replace_duration(YAML::Node method, const YAML::Node& duration) {
  YAML::Node rebuilt(YAML::NodeType::Map);
  for (const auto& entry : method)
    rebuilt[entry.first] = entry.first.Scalar() == "duration" ? duration : entry.second;
  method = rebuilt;
}

void write_fitted(YAML::Node method, const Scenario& scenario, const UnknownParameter& p,
                  double fitted) {
  switch (p.kind) {
    case UnknownKind::median: {
      const Duration median = scenario.steps[p.step.value].methods[p.method].duration.median();
      YAML::Node duration = YAML::Clone(method["duration"]);
      scale_durations(duration, fitted / static_cast<double>(median.ms));
      replace_duration(method, duration);
      break;
    }
    case UnknownKind::success:
      method["success"] = fmt::format("{}", fitted);
      break;
    case UnknownKind::arrival:
      method["available"]["at"] =
          "T0+" + format_duration(Duration::milliseconds(std::llround(fitted)));
      break;
  }
}

}  // namespace

std::string fitted_scenario_yaml(const Scenario& scenario, const Calibration& calibration,
                                 const std::string& text, const std::string& source,
                                 const std::string& destination) {
  YAML::Node root = YAML::Load(text);
  const YAML::Node runbook = root["runbook"];
  for (std::size_t k = 0; k < scenario.unknowns.size(); ++k) {
    const UnknownParameter& p = scenario.unknowns[k];
    write_fitted(method_node(runbook, scenario, p), scenario, p, calibration.parameters[k].fitted);
  }
  for (const UnknownParameter& p : scenario.unknowns)
    method_node(runbook, scenario, p).remove("unknown");
  return detail::scenario_text(root, source, destination,
                               fmt::format("Calibrated from {} by faultline calibrate: each value "
                                           "that was unknown is its posterior median",
                                           source));
}

}  // namespace faultline
