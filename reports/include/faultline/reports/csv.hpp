#pragma once
// timeline.csv (RFC 4180, a header row first): what happened over time, for
// spreadsheets and notebooks. Input text is quoted where it must be, and a
// cell that a spreadsheet would take for a formula gets a leading quote.

#include <span>
#include <string>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"

namespace faultline::reports {

// Every timeline entry: local time, seconds since T0, kind, subject, what
// happened, and users cut off (registered, active) as of that entry.
std::string replay_timeline_csv(const Scenario& scenario, const RunResult& result);
// Each sampled time: active users cut off (mean, p10, p50, p90) and each
// crew's mean busy members.
std::string simulation_timeline_csv(const Scenario& scenario, const MonteCarloResult& result);
// Each variant's mean active users cut off at each of its sampled times.
std::string compare_timeline_csv(const Comparison& comparison);

// simulate --per-run FILE.csv: the header, then a row per run: run, seed,
// user_hours_lost, peak_affected, peak_active, cut_off_at_end,
// all_restored_h and end_h (hours since T0; all_restored_h empty when some
// service was still short, or some tenant out, at the end), and for each observed milestone ID,
// ID_at_h (empty when it never happened) and ID_met (0 or 1).
std::string run_rows_csv_header(const Scenario& scenario);
std::string run_row_csv(const RunRecord& record, std::uint64_t seed);

// compare --per-run FILE.csv: a row per run and variant, in run order and
// then variant order: run, seed, variant, then run_row_csv's figures; the
// milestone columns only when every variant observes the same milestones,
// as rows_have_milestones says (the JSON Lines rows always have them).
bool rows_have_milestones(std::span<const Variant> variants);
std::string compare_rows_csv_header(std::span<const Variant> variants);
std::string compare_rows_csv(std::span<const Variant> variants, const ComparedRun& run,
                             std::uint64_t seed, bool milestones);

}  // namespace faultline::reports
