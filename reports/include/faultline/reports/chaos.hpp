#pragma once
// faultline export: a simulated scenario taken to a real game day, as an
// experiment of a chaos tool. What the tool would run (its providers, its
// targets' tags, its IAM role) cannot come from a model: it is written as
// a clearly marked PLACEHOLDER to fill in.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "faultline/replay.hpp"

namespace faultline::reports {

// A Chaos Toolkit experiment (its Open API format): title, description and
// tags; a steady-state hypothesis with one HTTP probe per user-facing
// service (a service a user group uses), its URL read from an environment
// variable with a placeholder default; the method, the scenario's faults in
// time order as actions with the pauses between them; the rollbacks, the
// runbook's steps in the order the replay started them. Every action's
// provider is `echo PLACEHOLDER: ...`, which `chaos validate` accepts and
// which does nothing until replaced.
//
// A fault that strikes after the horizon, which no run reaches, is left
// out of either tool's experiment.
struct ChaosExperiment {
  nlohmann::ordered_json json;
  // The faults left out, one sentence each, their id first ("c: strikes
  // at T+6h, after the horizon ...").
  std::vector<std::string> left_out;
  // What the tool's limits changed, one sentence each: for FIS a duration
  // brought within 1 minute to 12 hours, a share of instances made 1%.
  std::vector<std::string> notes;
};
ChaosExperiment chaostoolkit_experiment(const Scenario& scenario, const RunResult& replay);

// An AWS FIS experiment template (CreateExperimentTemplate's input): a
// target per deployment, chosen by the tag faultline:deployment; for each
// fault with a counterpart, actions - delete-instances terminates instances
// (COUNT(n) or ALL), an outage stops its service's instances (restarting
// them after `lasts` when given), a degradation runs the
// AWSFIS-Run-Network-Packet-Loss or -Latency SSM document and stops the
// share of instances its lost capacity takes - chained in time order by
// startAfter on a chain of aws:fis:wait actions from the start (of 12
// hours at most each, FIS's longest); a placeholder stop condition (a
// CloudWatch alarm) and role. FIS has no action for a bad release, nor
// for an outage of some tenants: stopping instances takes every tenant
// down. Both are left out.
ChaosExperiment aws_fis_template(const Scenario& scenario, const RunResult& replay);

}  // namespace faultline::reports
