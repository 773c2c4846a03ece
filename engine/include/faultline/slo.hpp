#pragma once
// Service level objectives and their error budgets. SLOs are read from
// OpenSLO files (apiVersion openslo/v1, kind SLO); each names a service of
// the topology, whose availability - the share of what is asked of it that
// it serves - is the indicator. A scenario spends the budget its window
// allows: the window opens at T0, so it holds the whole incident when it is
// longer than the run, and the incident is the only thing that spends it.
//
// What an event is depends on the fidelity. At state fidelity a service's
// events are the active users whose traffic reaches it, over time (user-
// seconds), and it serves the share its health says; at network fidelity
// they are the requests made to it and those served in time.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/activity.hpp"
#include "faultline/diagnostics.hpp"
#include "faultline/loader.hpp"
#include "faultline/model.hpp"
#include "faultline/network.hpp"
#include "faultline/replay.hpp"
#include "faultline/words.hpp"

namespace faultline {

enum class BudgetingMethod {
  occurrences,       // bad events over the events the window allows to be bad
  timeslices,        // bad time slices: those whose share served is below a target
  ratio_timeslices,  // the slices' shortfalls, each its share not served
};

// OpenSLO's words for them.
template <>
struct WordTable<BudgetingMethod> {
  static constexpr std::array<Word<BudgetingMethod>, 3> rows{{
      {"Occurrences", BudgetingMethod::occurrences},
      {"Timeslices", BudgetingMethod::timeslices},
      {"RatioTimeslices", BudgetingMethod::ratio_timeslices},
  }};
};

struct SloObjective {
  std::string name;   // its displayName, or "objective N" (from 1)
  double target = 0;  // the share of events (or slices) that must be good, in [0, 1)
  // Timeslices: the share served below which a slice is bad, in (0, 1].
  std::optional<double> time_slice_target;
  // Timeslices and RatioTimeslices: the length of a slice.
  std::optional<Duration> time_slice_window;
  SourceLocation where;
};

// The longest window judged: a year, leap day included.
inline constexpr Duration kLongestSloWindow = Duration::days(366);

struct Slo {
  std::string name;  // metadata.name
  std::string display_name;
  std::string service;  // spec.service: a service id of the topology
  SourceLocation service_where;
  Duration window;  // a rolling window
  BudgetingMethod method = BudgetingMethod::occurrences;
  std::vector<SloObjective> objectives;
  SourceLocation where;
};

struct SloLoad {
  std::vector<Slo> slos;  // empty when there are errors
  Diagnostics diagnostics;
};

// The SLOs of an OpenSLO file of one or more documents ("-": standard
// input). Documents of other kinds (SLI, Service, DataSource, AlertPolicy)
// are passed over; a file without any SLO is an error. Faultline judges an
// SLO by its service's availability, so an indicator's metric queries are
// not run; threshold objectives (op and value) and calendar-aligned windows
// are refused, saying why.
SloLoad load_slos(const std::string& path, const LoadOptions& options = {});

// Errors, at the SLO's `service`, for each SLO naming no service of the
// topology.
Diagnostics check_slo_services(std::span<const Slo> slos, const Topology& topology);

// The file's SLOs checked against each topology as well (the variants of a
// comparison): no SLOs when any is bad, each problem said once, however many
// topologies share it.
SloLoad load_slos(const std::string& path, std::span<const Topology* const> topologies,
                  const LoadOptions& options = {});

// How one objective's budget fared in one run.
struct ObjectiveBurn {
  // The bad events (or slices, or slices' worth of shortfall) the window
  // allows, and those the run spent: see SloEvents for the unit.
  double budget = 0;
  double spent = 0;

  // The share of the budget spent: above 1 when it is overspent.
  double consumed() const;
  // Nothing of the budget is left.
  bool exhausted() const { return spent > 0 && spent >= budget; }
};

struct SloBurn {
  std::vector<ObjectiveBurn> objectives;  // by position in Slo::objectives
  // The run went on past the window's end: what came after it is not counted.
  bool run_outlasts_window = false;
  // The run ended within the window with the service still serving less
  // than everything, or tenants of the groups it reaches still out: what it
  // went on to lose is not counted either.
  bool short_at_end = false;
};

// What a budget is counted in.
enum class SloEvents {
  user_seconds,  // Occurrences at state fidelity: active users' time
  requests,      // Occurrences at network fidelity
  time_slices,   // Timeslices: bad slices; RatioTimeslices: summed shortfalls
};
SloEvents events_of(const Slo& slo, bool network_fidelity);
// "user-seconds", "requests" or "time slices".
std::string_view to_string(SloEvents events);

// Judges runs of one scenario against its SLOs. Built once; burn() may be
// called from several threads at once.
class SloMeter {
 public:
  // At network fidelity (`network` given), requests are counted in its
  // windows, so a time slice must be a whole number of them. Throws
  // std::invalid_argument when it is not, or when an SLO names no service
  // of the topology (check_slo_services says where).
  SloMeter(const Scenario& scenario, std::vector<Slo> slos,
           std::optional<NetworkOptions> network = std::nullopt);

  // A state-fidelity run, from the services' shares served over time
  // (RunResult::served_changes); by position in slos().
  std::vector<SloBurn> burn(const RunResult& run) const;
  // A network-fidelity run, from its requests.
  std::vector<SloBurn> burn(const RunResult& run, const RequestMetrics& requests) const;

 private:
  // The active users whose traffic reaches s, over [from, to), in
  // user-milliseconds.
  double demand(ServiceId s, SimTime from, SimTime to) const;
  // The active ones of `users` of the group over [from, to), likewise.
  double active(UserGroupId g, UserCount users, SimTime from, SimTime to) const;
  double tenants_out_active(ServiceId s, const RunResult& run, SimTime from, SimTime to) const;
  double bad_requests(ServiceId s, const RunResult& run, const RequestWindow& w, SimTime from,
                      SimTime to) const;
  SloBurn burn_state(std::size_t k, const RunResult& run) const;
  SloBurn burn_network(std::size_t k, const RunResult& run, const RequestMetrics& requests) const;

  const Scenario* scenario_;
  std::vector<Slo> slos_;
  std::vector<ServiceId> services_;  // by SLO
  std::optional<NetworkOptions> network_;
  ActivityCalendar calendar_;          // T0 to the end of the longest window
  std::vector<double> window_demand_;  // by SLO: demand() over its window
};

}  // namespace faultline
