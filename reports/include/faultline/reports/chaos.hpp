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
nlohmann::ordered_json chaostoolkit_experiment(const Scenario& scenario, const RunResult& replay);

// An AWS FIS experiment template (CreateExperimentTemplate's input): a
// target per deployment, chosen by the tag faultline:deployment; for each
// fault with a counterpart, actions - delete-instances terminates instances
// (COUNT(n) or ALL), an outage stops its service's instances (restarting
// them after `lasts` when given), a degradation runs the
// AWSFIS-Run-Network-Packet-Loss or -Latency SSM document and stops the
// share of instances its lost capacity takes - chained in time order by
// startAfter on a chain of aws:fis:wait actions from the start (of 12
// hours at most each, FIS's longest); a placeholder stop condition (a
// CloudWatch alarm) and role.
struct FisTemplate {
  nlohmann::ordered_json json;
  // The faults FIS has no action for (a bad release), by id.
  std::vector<std::string> without_counterpart;
  // What FIS's limits changed, one sentence each: a duration brought
  // within 1 minute to 12 hours, a share of instances made 1%.
  std::vector<std::string> notes;
};
FisTemplate aws_fis_template(const Scenario& scenario, const RunResult& replay);

}  // namespace faultline::reports
