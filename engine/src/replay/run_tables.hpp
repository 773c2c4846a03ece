#pragma once
// What every run of a scenario reads and none changes: the users' activity
// calendar and the capacity-limited services' demand over it. A study's
// workers share large ones: at 10^5 services over a year of hourly
// segments they are more than 2 GB, which each Monte Carlo thread used to
// build and hold again for itself.

#include <memory>
#include <mutex>

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

// A study's RunTables, for each of its workers: the first to ask builds
// them, on its own thread, and the others share them when they are large.
// Small ones each worker builds again for itself: shared, the what-if of a
// data-centre loss (tables of a few kB) made 178 to 200 k runs/s on two
// threads from one call to the next, against 200 k with a copy each.
class SharedRunTables {
 public:
  explicit SharedRunTables(const Scenario& scenario) : scenario_(scenario) {}

  std::shared_ptr<const RunTables> for_worker() {
    std::shared_ptr<const RunTables> built;
    std::call_once(first_,
                   [&] { built = first_tables_ = std::make_shared<const RunTables>(scenario_); });
    if (built)
      return built;
    if (first_tables_->demand().cells() >= kShareFrom)
      return first_tables_;
    return std::make_shared<const RunTables>(scenario_);
  }

 private:
  // Demand cells from which tables are shared: some 30 MB with their
  // indices and max trees. 10^5 services over three days have 0.5 M; over
  // a year, 65 M (2 GB).
  static constexpr std::size_t kShareFrom = std::size_t{1} << 20;

  const Scenario& scenario_;
  std::once_flag first_;
  std::shared_ptr<const RunTables> first_tables_;
};

}  // namespace faultline::detail
