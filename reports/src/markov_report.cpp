#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

Duration to_minutes(double hours) {
  return Duration::minutes(std::llround(hours * 60));
}

std::string solver_text(const MarkovResult& result) {
  return result.sparse ? "sparse LU" : "dense LU";
}

// The chain's states are exact as a whole number below 2^53, and beyond it
// the nearest double, shown as such.
constexpr double kExactStates = 9'007'199'254'740'992.0;

ordered_json states_json(double states) {
  return states <= kExactStates ? ordered_json(static_cast<std::uint64_t>(states))
                                : ordered_json(states);
}

std::string states_text(double states) {
  return states <= kExactStates ? fmt::format("{:.0f}", states)
                                : fmt::format("about {:.3g}", states);
}

}  // namespace

ordered_json markov_json(const Topology& topology, const MarkovResult& result) {
  ordered_json j = result_header();
  j["topology"] = {{"name", topology.name()}, {"file", topology.file()}};
  j["states"] = states_json(result.states);
  j["independent_parts"] = result.parts;
  j["largest_part_states"] = result.largest_part_states;
  j["solver"] = solver_text(result);
  j["hours_per_year"] = kHoursPerYear;
  j["services"] = ordered_json::array();
  for (std::size_t s = 0; s < topology.services().size(); ++s) {
    const ServiceId id{static_cast<std::uint32_t>(s)};
    j["services"].push_back({{"id", topology.services()[s].id},
                             {"availability", result.service_availability[s]},
                             {"unavailability", result.service_unavailability[s]},
                             {"downtime_h_per_year", result.service_downtime_hours_per_year(id)}});
  }
  j["user_groups"] = ordered_json::array();
  for (std::size_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroup& group = topology.user_groups()[g];
    const UserGroupId id{static_cast<std::uint32_t>(g)};
    j["user_groups"].push_back(
        {{"id", group.id},
         {"users", group.users.value},
         {"availability", result.group_availability[g]},
         {"unavailability", result.group_unavailability[g]},
         {"downtime_h_per_year", result.group_downtime_hours_per_year(id)},
         {"expected_affected_users", result.group_expected_affected[g]},
         {"expected_active_affected_users", result.group_expected_active_affected[g]},
         {"user_hours_lost_per_year", result.group_user_hours_lost_per_year(id)}});
  }
  return j;
}

std::string markov_text(const Topology& topology, const MarkovResult& result) {
  std::string out = fmt::format("{}: exact steady state of a Markov chain of {} states ({})\n",
                                topology.name().empty() ? topology.file() : topology.name(),
                                states_text(result.states), solver_text(result));
  out += fmt::format("solved as {} independent part(s), the largest of {} states\n\n", result.parts,
                     result.largest_part_states);
  // Services and user groups in one column, as wide as either's longest id.
  const std::size_t id_w = std::max(id_column_width(topology.services(), 28),
                                    id_column_width(topology.user_groups(), 28));
  out += fmt::format("{:<{}} {:>14} {:>16}\n", "service", id_w, "availability", "downtime/year");
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    out += fmt::format("{:<{}} {:>14.9f} {:>16}\n", topology.services()[s].id, id_w,
                       result.service_availability[s],
                       human_duration(to_minutes(result.service_downtime_hours_per_year({s}))));
  }
  out += fmt::format("\n{:<{}} {:>14} {:>16} {:>22}\n", "user group", id_w, "availability",
                     "downtime/year", "user-hours lost/year");
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroupId id{g};
    out += fmt::format("{:<{}} {:>14.9f} {:>16} {:>22.1f}\n", topology.user_groups()[g].id, id_w,
                       result.group_availability[g],
                       human_duration(to_minutes(result.group_downtime_hours_per_year(id))),
                       result.group_user_hours_lost_per_year(id));
  }
  // A partial outage cuts some users off without counting as downtime.
  if (!topology.user_groups().empty()) {
    out +=
        "\n(availability and downtime: not in major outage, a group when none of its services "
        "is; user-hours lost count every user cut off, in partial outages too)\n";
  }
  return out;
}

}  // namespace faultline::reports
