#include "replay/run_tables.hpp"

namespace faultline::detail {

RunTables::RunTables(const Scenario& scenario)
    : scenario_(scenario),
      calendar_(*scenario.topology, scenario.clock, activity_until(scenario)),
      demand_(*scenario.topology, calendar_) {}

}  // namespace faultline::detail
