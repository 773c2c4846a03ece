#pragma once
// What faults and the runbook leave of each service's own capability: an
// outage only takes away, a restore only gives back (raising it to a level
// or adding a share), a rollback sets. When
// an outage that lasts ends by itself, the capability becomes what the
// other changes would have left had it never struck - so outages that
// overlap end with the last of them, and what steps restored meanwhile
// stays.

#include <vector>

#include "faultline/ids.hpp"

namespace faultline::detail {

class ServiceCapabilities {
 public:
  // Only with `outages_heal` (some outage lasts, or reaches its consumers
  // through caches) is each service's history kept, which heal and deepen
  // need.
  ServiceCapabilities(std::size_t services, bool outages_heal);

  void reset();
  bool outages_heal() const { return outages_heal_; }
  double operator[](ServiceId s) const { return capability_[s.value]; }
  void outage(ServiceId s, FaultId fault, double served_fraction);
  void raise(ServiceId s, double fraction);
  void add(ServiceId s, double share);
  void set(ServiceId s, double capability);
  // The outage ends by itself; returns the capability it leaves.
  double heal(ServiceId s, FaultId fault);
  // The outage under way now leaves `served_fraction`, as if it had from
  // the start (it reached more consumers, or fewer); returns the capability.
  double deepen(ServiceId s, FaultId fault, double served_fraction);

 private:
  enum class Kind { outage, raise, add, set };
  struct Change {
    Kind kind;
    double value;
    FaultId fault;  // an outage's
  };
  void keep(ServiceId s, Change change);
  // The capability the history leaves.
  double refold(ServiceId s);

  std::vector<double> capability_;            // by service
  std::vector<std::vector<Change>> history_;  // by service, when outages heal
  bool outages_heal_;
};

}  // namespace faultline::detail
