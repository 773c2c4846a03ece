#pragma once
// What brought users back. When a change brings users back, their share of
// the group's loss goes to the step whose action is being applied, and to
// every other that finished a wave or completed at the same instant and
// reaches the group; with no step acting (a fault healed on its own, a
// failover, a failure repaired, a restart, demand falling), to the run's
// restored_loss_otherwise.

#include <optional>
#include <span>
#include <vector>

#include "faultline/replay.hpp"

namespace faultline::detail {

class RestorationCredit {
 public:
  explicit RestorationCredit(const Scenario& scenario);

  // A new run, crediting the result's steps.
  void reset(RunResult& result);
  // The step finished a wave or completed at `now`, and its action is
  // applied until acting(nothing).
  void step_acts(StepId s, SimTime now);
  // What the users brought back from now on are put down to.
  void acting(std::optional<StepId> s) { acting_ = s; }
  std::optional<StepId> acting() const { return acting_; }
  // Users of group g brought back at `now`, who had lost `share`.
  void credit(UserGroupId g, UserTime share, SimTime now);

 private:
  // By step, by UserGroupId: whether what the step acts on reaches the
  // group's services (it or something depending on it is used by them).
  std::vector<std::vector<char>> step_reaches_group_;
  RunResult* result_ = nullptr;
  std::optional<StepId> acting_;
  // The steps that finished a wave or completed at acted_at_.
  std::vector<StepId> acted_now_;
  SimTime acted_at_{-1};
  std::vector<StepId> causes_;  // scratch
};

// The users each step brought back (StepOutcome::users_back): at the end of
// each instant, the drop in users cut off over it goes to every step whose
// progress (RunResult::progress) came since the last instant, up to the
// users that steps' actions brought back in it: those a fault healing at
// the same instant brought back are no step's. At network fidelity, what a
// network step brings back goes to the runbook step that progressed in it,
// as its user-hours do (see network_replay.cpp).
class UsersBack {
 public:
  // A new run, writing into the result's steps, and reading its progress.
  void reset(RunResult& result);
  // Users of a group came back in the instant under way; `by_step` when a
  // step's action brought them (the one their user-hours are put down to).
  void came_back(UserCount users, bool by_step) {
    if (by_step)
      by_steps_ += users;
  }
  // The instant `now` is over, leaving `affected` users cut off.
  void instant_ends(SimTime now, UserCount affected);
  // The same where the caller says which progress (by index in
  // RunResult::progress) the instant counts: network fidelity sees a
  // completion's effect on services only at its next network step, but a
  // batch's on tenants at once.
  void instant_ends(UserCount affected, std::span<const std::size_t> counted);

 private:
  RunResult* result_ = nullptr;
  std::size_t next_ = 0;  // the first progress not yet counted
  UserCount before_;      // cut off when the last instant ended
  UserCount by_steps_;    // came back by steps' actions in the instant under way
  std::vector<std::size_t> counted_;  // scratch
};

}  // namespace faultline::detail
