#pragma once
// Machine-readable results. Keys keep a fixed order so that equal results give
// byte-identical files.

#include <nlohmann/json.hpp>

#include "faultline/compare.hpp"
#include "faultline/imports.hpp"

#include "faultline/analysis.hpp"
#include "faultline/calibrate.hpp"
#include "faultline/forecast.hpp"
#include "faultline/markov.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/rare.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/json_document.hpp"

namespace faultline::reports {

// 4: timeline kinds fault_healed, restarted and step_next_method; the
// stall cause requires; milestones' within_s and met (an `at` milestone is
// met within its tolerance, no longer when earlier); steps' method(s).
// 5: timeline kinds batch_*; fault and fault_healed entries of outages of
// tenants give tenants and users; the replay's tenants_out.
// 6: timeline kinds check_failed and check_passed; degradation faults'
// entries give deployments, packet_loss, added_latency_ms and capacity;
// simulate's milestones give difference_h.
// 7: every result gives faultline_version; compare gives pairs (every pair
// of variants, Holm-adjusted), and its significant follows them.
// 8: forecast's events give by_now, the share of runs kept in which the
// event had happened by the forecast's time.
// 9: analyze gives down_at_peak, the services in major outage at the
// busiest hour with nothing lost.
// 10: compare gives restoration_cap_h, and its time to full restoration
// counts a run without it as that long; its intervals are null from one
// run; error budgets count the users of tenants out as bad events.
// 11: all_restored (simulate's per-run all_restored_h, compare's time to
// full restoration) waits for the last tenant out; histogram counts
// spread a quantile bucket over the bins it overlaps.
// 12: a step's waits (and stalled_s) count the stretches its work was
// paused while its crew was off shift: off_shift waits give work_paused;
// the replay's crews give beyond_size_hours, on_hand_hours and
// utilisation; a scenario whose priority list the optimize search found
// says strategy optimize, and gives the list and the search.
// 13: network fidelity gives step_resolution; --rare's
// plain_runs_for_same_error and speedup may be null, and its search levels
// give at_threshold and runs_counted.
// 14: simulate's services give probability_out; the replay gives
// lost_user_hours_still_cut_off; calibrate and forecast give thin_sample;
// a fault entry of an outage of tenants counts those that lost the service
// by it, not those it names; an optimize search that found no order but
// its start says kept_start true; the replay gives critical_paths, one
// from each step that ended last, and simulate's criticality counts a step
// on any of them; simulate gives speed_up_first_tied, the steps adding as
// much to the critical path as speed_up_first.
// 15: analyze's cycles are objects, services, links (how each depends on
// the next, hard or soft) and hard (every link hard), and between them pass
// through every service on a cycle, the hard cycles first; each was an
// array of services, one per group of services on cycles with each other.
// 16: a wait's cause may be batch_members (a batch waiting for crew
// members), with members, crew_size and held_by.
// 17: a replay's services give partial_outage_s, the time in partial
// outage, and degraded_s is the time in degraded performance alone; it
// held both. A batch step's wait to start is batch_members too; it was
// crew_busy, with no holders ("has no members") or naming the steps
// holding its crew.
inline constexpr int kSchemaVersion = 17;

// What every JSON result starts with: schema_version and faultline_version
// (faultline/version.hpp).
nlohmann::ordered_json result_header();

// Which scenario a result is of: name, files, time zone and T0.
nlohmann::ordered_json scenario_json(const Scenario& scenario);
// A replay's JSON; as a document, its timeline, services and user groups
// are made an entry at a time as it is written. It refers to the scenario
// and the result: it must not outlive them.
JsonDocument replay_document(const Scenario& scenario, const RunResult& result);
nlohmann::ordered_json replay_json(const Scenario& scenario, const RunResult& result);
// The replay's JSON, its "fidelity" "network", with the request metrics per
// window.
nlohmann::ordered_json network_json(const Scenario& scenario, const NetworkRunResult& result);
// The no-fault baseline of a network run: its shortfalls with their
// bottlenecks, and every resource asked for more than it carries.
nlohmann::ordered_json baseline_json(const Scenario& scenario, const NetworkBaseline& baseline);
// A simulation's JSON; as a document, its lists of services and user groups
// are made an entry at a time as it is written (json_document.hpp). The
// document refers to the scenario and the result: it must not outlive them.
JsonDocument simulation_document(const Scenario& scenario, const MonteCarloResult& result);
nlohmann::ordered_json simulation_json(const Scenario& scenario, const MonteCarloResult& result);
nlohmann::ordered_json markov_json(const Topology& topology, const MarkovResult& result);
nlohmann::ordered_json analysis_json(const Topology& topology, const TopologyAnalysis& analysis);
nlohmann::ordered_json compare_json(const Comparison& comparison);
nlohmann::ordered_json drift_json(const Topology& topology, const DependencyDrift& drift);
// simulate --per-run FILE.jsonl: one line per run, the same figures as
// run_row_csv, with each milestone as {id, simulated_h, met}.
std::string run_row_json_line(const Scenario& scenario, const RunRecord& record,
                              std::uint64_t seed);
// compare --per-run FILE.jsonl: a line per variant of the run, as
// run_row_json_line's with "variant" after the seed.
std::string compare_rows_json_lines(std::span<const Variant> variants, const ComparedRun& run,
                                    std::uint64_t seed);

// simulate --rare: the event, the stretch and its search, the estimate.
nlohmann::ordered_json rare_event_json(const Scenario& scenario, const RareEventEstimate& estimate);

// calibrate: the same as calibration_text, durations in seconds.
nlohmann::ordered_json calibration_json(const Scenario& scenario, const Calibration& calibration);

// forecast: the same as forecast_text, times in seconds after T0.
nlohmann::ordered_json forecast_json(const Scenario& scenario, const Forecast& forecast);

}  // namespace faultline::reports
