#pragma once
// How calibrate's and forecast's reports name an unknown parameter and
// show its values.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/calibrate.hpp"

namespace faultline::reports {

// The search generation by generation: tolerance, proposals, effective
// particles, and why it stopped.
std::string generations_text(const std::vector<CalibrationGeneration>& generations,
                             CalibrationEnd ended);

// A warning when the last generation kept runs farther than 1 from the
// observations: they are held to them more loosely than their tolerances
// say, with this consequence. Empty otherwise.
std::string looseness_warning(const std::vector<CalibrationGeneration>& generations,
                              std::string_view consequence);

// A warning when the kept runs are a thin sample (faultline::thin_sample):
// what rests on them, named by `what`, is rough. Empty otherwise.
std::string thin_sample_warning(const std::vector<CalibrationGeneration>& generations,
                                std::size_t particles, std::string_view what);

// After a milestone's time, what its tolerance is where it gives none: the
// fit holds it to an hour, where met means exactly on time (or by the
// deadline); empty for a milestone with `within`.
std::string default_tolerance_note(const Milestone& m);

// What calibrate's and forecast's JSON open with: the result header, the
// scenario, the method, the seed and the particles.
nlohmann::ordered_json smc_json_header(const Scenario& scenario, std::uint64_t seed,
                                       std::size_t particles);

// {tolerance (null: the priors), proposals, effective_particles, farthest}
// each.
nlohmann::ordered_json generations_json(const std::vector<CalibrationGeneration>& generations);

// {p10_s, p50_s, p90_s} of times after T0 in seconds; null for none, or
// for a point past every run in which the event happened (infinite).
nlohmann::ordered_json time_spread_json(const std::optional<Spread>& s);

// "rebuild-core median" or "enable-x method pipeline arrival".
std::string parameter_name(const Scenario& scenario, const UnknownParameter& p);
// "7h13m", "0.85" or "T0+3h": durations to the minute, or `exactly`, to
// the millisecond.
std::string parameter_value_text(const UnknownParameter& p, double value, bool exactly = false);
// "7h13m (2h37m to 14h28m)": the median and the 90% interval.
std::string parameter_spread_text(const UnknownParameter& p, const Spread& s);
// {p5, p50, p95}: durations in seconds, probabilities as they are.
nlohmann::ordered_json parameter_spread_json(const UnknownParameter& p, const Spread& s);
// Each parameter's name, prior and posterior, and with `fitted` the value
// calibrate writes in.
nlohmann::ordered_json parameters_json(const Scenario& scenario,
                                       const std::vector<ParameterFit>& fits, bool fitted);

}  // namespace faultline::reports
