#pragma once
// The guard of a run against time standing still. Something in a scenario
// that happens again and again at one instant, in a loop the loader did not
// refuse, would keep a run at that instant until memory ran out (an
// instant retry without limit once grew a replay to 19 GB). A run counts
// the events at each instant instead, and stops with TimeStoodStill past
// far more than the scenario can make there without such a loop (or ten
// million, which no scenario that means it makes at one instant).

#include <cstdint>
#include <string>

#include "faultline/replay.hpp"
#include "replay/events.hpp"
#include "replay/failure_models.hpp"

namespace faultline::detail {

// How many events a run of the scenario may meet at one instant: what it
// makes there at most unless something repeats without end, with room to
// spare, and from a million to ten million (see the definition).
std::uint64_t most_events_at_one_instant(const Scenario& scenario);

class Standstill {
 public:
  Standstill(const Scenario& scenario, const FailureModels& failures);

  void reset() {
    instant_ = SimTime{};
    at_instant_ = 0;
  }
  // The event is about to be handled at `at`: throws TimeStoodStill,
  // naming it, when it is one more than the limit at that instant.
  void count(SimTime at, const Event& event) {
    if (at != instant_) {
      instant_ = at;
      at_instant_ = 0;
    }
    if (++at_instant_ > limit_) [[unlikely]]
      stop(event);
  }

 private:
  [[noreturn]] void stop(const Event& event) const;
  // "the retry of step 'fix'"
  std::string describe(const Event& event) const;
  std::string deployment(DeploymentId d) const;

  const Scenario& scenario_;
  const FailureModels& failures_;
  std::uint64_t limit_;
  SimTime instant_;
  std::uint64_t at_instant_ = 0;
};

}  // namespace faultline::detail
