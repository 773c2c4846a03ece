#pragma once
// Automatic failover of active-passive services, and the runbook's failover
// action. When the active deployment stops taking traffic, the loss is
// noticed after a drawn detection delay and traffic switches, after a drawn
// switch time, to the first other deployment in listed order that can take
// it; a switch that fails leaves the service down until a runbook step acts.

#include <optional>
#include <vector>

#include "replay/restoration_credit.hpp"
#include "replay/run_context.hpp"

namespace faultline::detail {

class Failover {
 public:
  Failover(RunContext& run, RestorationCredit& credit);

  void reset();
  // A deployment of the service changed: notices a loss of its active one,
  // or forgets a loss that is over.
  void check(ServiceId s);
  // The detection delay is over.
  void detect_loss(ServiceId s);
  // The switch time is over.
  void finish(ServiceId s);
  // A runbook step fails the service over to its deployment (or the first
  // one that can take over): an active-passive service moves to it; any
  // other service takes it (a cold standby) into service.
  void fail_over(const Step& step);

 private:
  // What an active-passive service's automatic failover is doing.
  struct State {
    std::optional<EventHandle> pending;  // detection or switch under way
    // A failover failed: it stays down until a runbook step acts.
    bool stuck = false;
    // The loss was noticed but no other deployment could take over: the
    // switch starts once one can.
    bool awaiting_target = false;
    // The runbook step whose action let the switch start, which brings
    // back the users the switch does.
    std::optional<StepId> set_going_by;
  };

  // The first other deployment, in listed order, that can take traffic.
  std::optional<DeploymentId> target(ServiceId s) const;
  void start_switch(ServiceId s);
  void forget(ServiceId s);

  RunContext& run_;
  RestorationCredit& credit_;
  std::vector<State> states_;         // by service
  // By service: check() is asked about every deployment a fault or a
  // rebuild touches, and the model's Service is a cache miss at 10^5.
  std::vector<char> active_passive_;
  RandomStreams random_;  // by service, in a sampled run
};

}  // namespace faultline::detail
