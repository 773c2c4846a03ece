#pragma once
// Runbook rehearsal: step through a scenario's nominal run, and change what
// happens from the current time on - delay or fail a step, add a fault,
// resize a crew. Each change is written into the scenario's own YAML (a
// not_before, a hold-up, a scripted failure, a fault, a crew size change at
// the current time) and the scenario is loaded and replayed again, so what
// lies behind the current time never changes, every change is checked by the
// loader, and the rehearsed scenario can be saved as a file `validate`
// accepts.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faultline/diagnostics.hpp"
#include "faultline/loader.hpp"
#include "faultline/replay.hpp"
#include "faultline/runbook.hpp"

namespace faultline {

struct RehearsalEdit {
  enum class Kind { delay_start, hold_up, fail, outage, delete_instances, resize };
  Kind kind = Kind::delay_start;
  std::string subject;         // step, service, deployment or crew id
  SimTime at;                  // when the change takes effect
  Duration length;             // delay_start, hold_up
  double served_fraction = 0;  // outage
  int size = 0;                // resize
};

// What a step was doing at time t of a run: from its timeline entries up to
// t, or else from whether its predecessors were done, its earliest start
// had come and the services it requires were as it needs. Crews are not
// considered: "ready" may be waiting for one.
StepStatus step_status_at(const Scenario& scenario, const RunResult& result, StepId step,
                          SimTime t);
// When the step's attempt under way at time t started (its start, a retry
// or the next method's): nothing before it started, between attempts (a
// retry awaited) or once its attempts are over.
std::optional<SimTime> attempt_under_way_since(const RunResult& result, StepId step, SimTime t);

class Rehearsal {
 public:
  // Nothing, and the reasons in diagnostics, when the scenario is bad.
  static std::optional<Rehearsal> open(const std::string& path, Diagnostics& diagnostics,
                                       const LoadOptions& options = {});

  SimTime now() const { return state().now; }
  const Scenario& scenario() const { return *state().scenario; }
  // The whole nominal run of the scenario as changed so far.
  const RunResult& result() const { return state().result; }
  bool can_undo() const { return history_.size() > 1; }

  // Each returns what went wrong, or nothing when it was done.
  std::optional<std::string> next();
  std::optional<std::string> advance_to(SimTime t);
  std::optional<std::string> delay(const std::string& step, Duration length);
  std::optional<std::string> fail(const std::string& step);
  std::optional<std::string> add_outage(const std::string& service, double served_fraction);
  std::optional<std::string> add_deletion(const std::string& deployment);
  std::optional<std::string> resize(const std::string& crew, int size);
  std::optional<std::string> undo();

  // The changed scenario as YAML for a file at `destination`: the topology
  // path is made relative to that file's folder.
  std::string yaml(const std::string& destination) const;

 private:
  struct State {
    std::vector<RehearsalEdit> edits;
    SimTime now;
    std::shared_ptr<const Scenario> scenario;
    RunResult result;
  };

  Rehearsal(std::string path, std::string text, const LoadOptions& options)
      : path_(std::move(path)), text_(std::move(text)), options_(options) {}
  const State& state() const { return history_.back(); }
  // Loads and replays the scenario with one more change; or says what the
  // loader finds wrong with it, or why its run cannot be finished.
  std::optional<std::string> apply(RehearsalEdit edit);

  std::string path_;
  std::string text_;  // the scenario file as read
  LoadOptions options_;
  std::vector<State> history_;
};

}  // namespace faultline
