#include <fmt/format.h>

#include <cmath>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// A year of 365 days.
constexpr double kHoursPerYear = 8'760.0;

Duration per_year(double unavailability) {
  return Duration{std::llround(unavailability * kHoursPerYear * 3'600'000.0)};
}

Duration to_minutes(Duration d) {
  return Duration::minutes((d.ms + 30'000) / 60'000);
}

}  // namespace

ordered_json markov_json(const Topology& topology, const MarkovResult& result) {
  ordered_json j;
  j["schema_version"] = kSchemaVersion;
  j["topology"] = {{"name", topology.name()}, {"file", topology.file()}};
  j["states"] = result.states;
  j["solver"] = result.sparse ? "sparse LU" : "dense LU";
  j["hours_per_year"] = kHoursPerYear;
  j["services"] = ordered_json::array();
  for (std::size_t s = 0; s < topology.services().size(); ++s) {
    const double a = result.service_availability[s];
    j["services"].push_back({{"id", topology.services()[s].id},
                             {"availability", a},
                             {"downtime_h_per_year", (1 - a) * kHoursPerYear}});
  }
  j["user_groups"] = ordered_json::array();
  for (std::size_t g = 0; g < topology.user_groups().size(); ++g) {
    const UserGroup& group = topology.user_groups()[g];
    const double a = result.group_availability[g];
    j["user_groups"].push_back(
        {{"id", group.id},
         {"users", group.users.value},
         {"availability", a},
         {"downtime_h_per_year", (1 - a) * kHoursPerYear},
         {"expected_affected_users", result.group_expected_affected[g]},
         {"expected_active_affected_users", result.group_expected_active_affected[g]},
         {"user_hours_lost_per_year", result.group_expected_active_affected[g] * kHoursPerYear}});
  }
  return j;
}

std::string markov_text(const Topology& topology, const MarkovResult& result) {
  std::string out = fmt::format("{}: exact steady state of a {}-state Markov chain ({})\n\n",
                                topology.name().empty() ? topology.file() : topology.name(),
                                result.states, result.sparse ? "sparse LU" : "dense LU");
  out += fmt::format("{:<28} {:>14} {:>16}\n", "service", "availability", "downtime/year");
  for (std::size_t s = 0; s < topology.services().size(); ++s) {
    const double a = result.service_availability[s];
    out += fmt::format("{:<28} {:>14.9f} {:>16}\n", topology.services()[s].id, a,
                       format_duration(to_minutes(per_year(1 - a))));
  }
  out += fmt::format("\n{:<28} {:>14} {:>16} {:>22}\n", "user group", "availability",
                     "downtime/year", "user-hours lost/year");
  for (std::size_t g = 0; g < topology.user_groups().size(); ++g) {
    const double a = result.group_availability[g];
    out += fmt::format("{:<28} {:>14.9f} {:>16} {:>22.1f}\n", topology.user_groups()[g].id, a,
                       format_duration(to_minutes(per_year(1 - a))),
                       result.group_expected_active_affected[g] * kHoursPerYear);
  }
  return out;
}

}  // namespace faultline::reports
