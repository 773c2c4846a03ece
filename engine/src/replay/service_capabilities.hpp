#pragma once
// What faults and the runbook leave of each service's own capability: an
// outage only takes away, a restore only gives back (raising it to a level
// or adding a share). When an outage that lasts ends by itself, the
// capability becomes what the other changes would have left had it never
// struck - so outages that overlap end with the last of them, and what
// steps restored meanwhile stays; and a step's waves rolled back leave
// what the other changes would have left had they never been enabled - so
// an outage since stays, and so does what other steps restored.

#include <optional>
#include <vector>

#include "faultline/ids.hpp"

namespace faultline::detail {

class ServiceCapabilities {
 public:
  // Only with `keeps_history` (some outage lasts or reaches its consumers
  // through caches, or some step's waves can be rolled back) is each
  // service's history kept, which heal, deepen and roll_back need.
  ServiceCapabilities(std::size_t services, bool keeps_history);

  void reset();
  double operator[](ServiceId s) const { return capability_[s.value]; }
  void outage(ServiceId s, FaultId fault, double served_fraction);
  // The step raises the capability to `fraction`, if it is lower.
  void raise(ServiceId s, double fraction, StepId by);
  void add(ServiceId s, double share);
  // The outage ends by itself; returns the capability it leaves.
  double heal(ServiceId s, FaultId fault);
  // The step's raises are undone; returns the capability left.
  double roll_back(ServiceId s, StepId step);
  // The outage under way now leaves `served_fraction`, as if it had from
  // the start (it reached more consumers, or fewer); returns the capability.
  double deepen(ServiceId s, FaultId fault, double served_fraction);
  // Whether the outage going on down to `deepest` (or up to it: 1 is its
  // end) would leave the capability as it is, later changes masking it (a
  // step restored all of the service since it struck). Needs the history.
  bool masks_deepening(ServiceId s, FaultId fault, double deepest) const;
  // The capability once the outage reaches nobody any more, if nothing else
  // changes meanwhile. Needs the history.
  double without(ServiceId s, FaultId fault) const { return fold(s, fault, 1.0); }

 private:
  enum class Kind { outage, raise, add };
  struct Change {
    Kind kind;
    double value;
    FaultId fault;  // an outage's
    StepId step;    // a raise's
  };
  void keep(ServiceId s, Change change);
  // The capability the history leaves, and stores it.
  double refold(ServiceId s);
  // The capability the history leaves, with the outage `fault`, if any,
  // at `served_fraction`.
  double fold(ServiceId s, std::optional<FaultId> fault, double served_fraction) const;

  std::vector<double> capability_;            // by service
  std::vector<std::vector<Change>> history_;  // by service, when kept
  bool keeps_history_;
};

}  // namespace faultline::detail
