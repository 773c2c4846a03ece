#pragma once
// What every run of a scenario reads and none changes: the users' activity
// calendar and the capacity-limited services' demand over it. A study
// builds them once and its workers share them; at 10^5 services over a
// year of hourly segments they are more than 2 GB, which each Monte Carlo
// thread used to build and hold again for itself.

#include "faultline/activity.hpp"
#include "faultline/replay.hpp"
#include "replay/capacity_demand.hpp"

namespace faultline::detail {

class RunTables {
 public:
  explicit RunTables(const Scenario& scenario);
  RunTables(const RunTables&) = delete;
  RunTables& operator=(const RunTables&) = delete;

  const Scenario& scenario() const { return scenario_; }
  const ActivityCalendar& calendar() const { return calendar_; }
  const CapacityDemand& demand() const { return demand_; }

 private:
  const Scenario& scenario_;
  const ActivityCalendar calendar_;
  // Reads calendar_, so comes after it.
  const CapacityDemand demand_;
};

}  // namespace faultline::detail
