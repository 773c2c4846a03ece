#include "replay/service_capabilities.hpp"

#include <algorithm>

namespace faultline::detail {

ServiceCapabilities::ServiceCapabilities(std::size_t services, bool keeps_history)
    : capability_(services), history_(keeps_history ? services : 0), keeps_history_(keeps_history) {
  reset();
}

void ServiceCapabilities::reset() {
  std::fill(capability_.begin(), capability_.end(), 1.0);
  for (auto& changes : history_)
    changes.clear();
}

void ServiceCapabilities::keep(ServiceId s, Change change) {
  if (keeps_history_)
    history_[s.value].push_back(change);
}

void ServiceCapabilities::outage(ServiceId s, FaultId fault, double served_fraction) {
  capability_[s.value] = std::min(capability_[s.value], served_fraction);
  keep(s, {Kind::outage, served_fraction, fault, StepId{}});
}

void ServiceCapabilities::raise(ServiceId s, double fraction, StepId by) {
  capability_[s.value] = std::max(capability_[s.value], fraction);
  keep(s, {Kind::raise, fraction, FaultId{}, by});
}

void ServiceCapabilities::add(ServiceId s, double share) {
  capability_[s.value] = std::min(1.0, capability_[s.value] + share);
  keep(s, {Kind::add, share, FaultId{}, StepId{}});
}

// Taking away, raising and adding are monotone, so leaving the outage out can
// only raise the capability: health sees a recovery, never a loss.
double ServiceCapabilities::heal(ServiceId s, FaultId fault) {
  std::erase_if(history_[s.value],
                [&](const Change& c) { return c.kind == Kind::outage && c.fault == fault; });
  return refold(s);
}

// Leaving raises out can only lower it, to what the rest leaves.
double ServiceCapabilities::roll_back(ServiceId s, StepId step) {
  std::erase_if(history_[s.value],
                [&](const Change& c) { return c.kind == Kind::raise && c.step == step; });
  return refold(s);
}

// Likewise, a deeper outage can only lower it, a shallower one only raise it.
double ServiceCapabilities::deepen(ServiceId s, FaultId fault, double served_fraction) {
  for (Change& c : history_[s.value]) {
    if (c.kind == Kind::outage && c.fault == fault)
      c.value = served_fraction;
  }
  return refold(s);
}

// Every change is monotone in the capability before it, so the outage
// deepened to `deepest` leaves the same as now only if each depth in
// between does too.
bool ServiceCapabilities::masks_deepening(ServiceId s, FaultId fault, double deepest) const {
  return fold(s, fault, deepest) == capability_[s.value];
}

double ServiceCapabilities::refold(ServiceId s) {
  capability_[s.value] = fold(s, std::nullopt, 0);
  return capability_[s.value];
}

double ServiceCapabilities::fold(ServiceId s, std::optional<FaultId> fault,
                                 double served_fraction) const {
  double capability = 1.0;
  for (const Change& c : history_[s.value]) {
    switch (c.kind) {
      case Kind::outage:
        capability = std::min(capability, c.fault == fault ? served_fraction : c.value);
        break;
      case Kind::raise:
        capability = std::max(capability, c.value);
        break;
      case Kind::add:
        capability = std::min(1.0, capability + c.value);
        break;
    }
  }
  return capability;
}

}  // namespace faultline::detail
