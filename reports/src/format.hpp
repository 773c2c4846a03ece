#pragma once
// How numbers, shares and spreads read in every report, text, Markdown and
// HTML alike, so that the same figure is written the same way everywhere.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/analysis.hpp"
#include "faultline/compare.hpp"
#include "faultline/model.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/network.hpp"
#include "faultline/replay.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/run_event.hpp"
#include "faultline/stalls.hpp"

namespace faultline::reports {

inline constexpr double kMsPerHour = 3'600'000.0;
inline constexpr double kSecondsPerHour = 3'600.0;

// The rest of a replay's loss beside the steps' shares, in every report
// that adds them up: what no step restored (restored_loss_otherwise) and
// what users still cut off at the end had lost (loss_still_cut_off).
inline constexpr std::string_view kRestoredOtherwise =
    "not steps: faults that healed, failovers, repairs, restarts, demand falling";
inline constexpr std::string_view kStillCutOff = "still cut off at the end";

// 1,234,567
std::string thousands(std::int64_t n);
// 42% (42.0% with one decimal): a share above none never reads as none
// ("<1%", "<0.1%"), nor one below all as all (">99%"): a run in a thousand
// is not none of them.
std::string percent(double fraction, int decimals = 0);
// 0.250, a share to three places, on the same terms: "<0.001", ">0.999".
std::string share_text(double share);
// 21.55 M from a million (-21.55 M from minus a million), whole numbers
// between.
std::string millions(double v);
// 21.551 M, 233,802, 0.25, 0: three decimals of millions, whole numbers
// from 100, two decimals below.
std::string number(double v);

// A local time, or "-" for none.
std::string time_or_dash(const ScenarioClock& clock, const std::optional<SimTime>& t);
// How many runs a study made: "1,000 runs" (`grouped`) or "1000 runs";
// for a shard whose runs do not start at 0, which runs: "runs 10 to 19"
// (run i draws from the streams of (seed, i), so no count of runs from 0
// makes them).
std::string runs_text(std::uint64_t runs, std::uint64_t first_run, bool grouped);
// Whole user-hours with thousands separators.
std::string user_hours(UserTime t);
// "+1h30m", "-6m", "0s".
std::string signed_duration(Duration d);
// A milestone's simulated time against the record: "never happened",
// "on time" (a deadline met, or to the second), or the signed difference.
std::string difference_text(const MilestoneOutcome& o);
// When a milestone was observed, with its tolerance: "at 2018-09-26 21:22
// EDT +/- 2h", "by 2018-09-27 09:00 EDT", "by 2018-09-27 09:00 EDT + 30m".
std::string milestone_when(const ScenarioClock& clock, const Milestone& m);

// The names of timeline entries' kinds in JSON and CSV: "fault", "step_started", ...
std::string_view kind_name(TimelineKind k);
// The timeline's word for a kind, as the text report shows it: FAULT, START, ...
std::string_view kind_label(TimelineKind k);
// What happened, in a sentence: "vm-deletion: 456 instances deleted - ...".
std::string entry_description(const Scenario& scenario, const TimelineEntry& e);

// Why a step waited, ending with when the wait ended: "storage off shift
// until 2024-01-09 08:00 UTC", "ops busy with triage, fix-web until ...",
// "gate waiting for app until ...", or "... still at the end".
std::string wait_text(const Scenario& scenario, const Wait& wait);

// A single point of failure's kind as reports name it: region, deployment
// or service; and its id.
std::string_view component_kind(const Component& c);
std::string component_id(const Topology& topology, const Component& c);

// "the WAN link out of region west", "deployment app@east's hosts".
std::string resource_name(const Topology& topology, const NetworkResource& r);
// "133 Mbit/s", "2.5 Gbit/s"; requests per second for a host.
std::string load_text(const NetworkResource& r, double amount);
// What would carry a resource's peak: "a `wan` bandwidth for region west of
// at least 134Mbps", "a `capacity` of at least 20,001 users".
std::string remedy_text(const Topology& topology, const ResourceLoad& load);
// "With nothing failed, every service served at least 99% of its requests
// in every window to ...", or how many did not and that the network
// figures must be read in that light.
std::string baseline_headline(const Scenario& scenario, const NetworkBaseline& baseline);
// "requests saw 1 of the state run's 2 changes only from the next step
// (steps of 1m), up to 10s late"
std::string seen_late_text(const StepResolution& r);
// "1 state of the estate, 40s in all, began and ended between two step
// starts (...), and no request saw it: ...; a --step of 40s or less sees
// every state"
std::string unseen_text(const ScenarioClock& clock, const StepResolution& r);
// The same over a study's runs; nothing when no change was seen late, or
// no state went unseen.
std::optional<std::string> seen_late_text(const StepResolutionStatistics& s);
std::optional<std::string> unseen_text(const StepResolutionStatistics& s, std::uint64_t runs);
// The services short of capacity with nothing failed, grouped by the
// bottleneck of their worst window (in order of first appearance; none
// last).
struct BottleneckGroup {
  std::optional<std::size_t> resource;  // into NetworkBaseline::loads
  std::vector<const BaselineShortfall*> services;
};
std::vector<BottleneckGroup> bottleneck_groups(const NetworkBaseline& baseline);
// "the WAN link out of region west, asked for up to 133 Mbit/s (at ...)
// against 50 Mbit/s: a `wan` bandwidth ... would carry it"
std::string bottleneck_text(const Scenario& scenario, const ResourceLoad& load);
// "app: 37.2% served in the window from ..., the bottleneck at 267% there"
std::string shortfall_text(const Scenario& scenario, const BaselineShortfall& s);

double share(std::uint64_t part, std::uint64_t whole);
// An event's time at p10, p50 and p90 of the runs (see event_time_text).
using TimeQuantiles = std::array<std::string, 3>;
TimeQuantiles time_quantiles(const ScenarioClock& clock, const EventTimes& times,
                             std::string_view never);
// The width the text takes in a table, as fmt pads it: a column for each
// character (UTF-8 takes several bytes for some), two for East Asian wide
// characters and emoji, as a terminal shows them.
std::size_t text_width(std::string_view text);
// The width of a table's column: `least`, or its widest text, so that a
// longer text keeps the columns after it aligned.
std::size_t column_width(std::span<const std::string> texts, std::size_t least);
// The same for a column of the ids of `things` (steps, services, crews,
// user groups, milestones): every table of them as wide, whichever rows it
// shows.
template <class Things>
std::size_t id_column_width(const Things& things, std::size_t least) {
  std::size_t width = least;
  for (const auto& thing : things)
    width = std::max(width, text_width(thing.id));
  return width;
}
// The width of a column of times: 22, room for a time to the minute with a
// zone name of up to five letters, or the widest, a time to the second or
// with a longer zone name.
std::size_t time_column_width(std::span<const std::string> times);
// The same for columns of quantiles, one width for the three.
std::size_t time_column_width(std::span<const TimeQuantiles> rows);
// What a scenario is called: its name, or its file when it has none.
std::string scenario_title(const Scenario& scenario);
// "Name (file x.yaml)", or "file x.yaml" for a scenario without a name.
std::string scenario_and_file(const Scenario& scenario);
// "every service serving everyone again", "service db back", "step x
// completed", "milestone y".
std::string run_event_words(const Scenario& scenario, const RunEvent& event);
// What a step acts on: its service, its fault, or its deployments (a count
// past three).
std::string step_subject(const Scenario& scenario, const Step& step);

// A statistic of durations or times for people: a quantile is known to
// within 0.8% of its size (see Accumulator), so it is rounded to the
// minute from an hour on, to the second from a minute on, and to the
// millisecond below: never to a unit above 1/60 of its size, so that a
// failover of 40s reads 40s, not 1m, and one of 20s not 0s.
std::int64_t to_readable(double ms);
std::string duration_text(double ms);
std::string at_local(const ScenarioClock& clock, double ms);
// The q-quantile of when an event happened over all runs that could see it,
// as a local time; `never` (such as "not restored") when it falls among the
// runs in which it did not happen, "-" when there were no such runs.
std::string event_time_text(const ScenarioClock& clock, const EventTimes& times, double q,
                            std::string_view never);

// Mean busy members of a crew at a sample time: sampled_busy_sum[index] over
// the runs.
double mean_busy(const MonteCarloResult& result, std::size_t index);

// A service's or user group's requests over all windows at network fidelity.
struct RequestTotals {
  double requests = 0;
  double served = 0;
  // The window with the lowest success rate, and the one with the highest p99.
  const RequestWindow* worst_success = nullptr;
  const RequestWindow* worst_p99 = nullptr;

  double success_rate() const { return requests > 0 ? served / requests : 1.0; }
};
RequestTotals request_totals(const std::vector<RequestWindow>& windows);
// "120 ms", "2.5 s"
std::string latency_text(Duration d);
// The lowest success and highest p99 windows as "34% from <time>", or "-".
std::string worst_success_text(const ScenarioClock& clock, const RequestTotals& t);
std::string worst_p99_text(const ScenarioClock& clock, const RequestTotals& t);

inline constexpr std::size_t kLost = 0;  // ComparedMetric::user_seconds_lost

// Each compared metric in the unit a reader thinks in.
double in_unit(ComparedMetric m, double value);
std::string_view unit(ComparedMetric m);
// What time to full restoration counts for a run without it (see
// Comparison::restoration_cap), as a sentence.
std::string restoration_cap_note(const Comparison& c);

struct Interval {
  double mean = 0;
  // Nothing from fewer than two runs.
  std::optional<double> low;
  std::optional<double> high;
  // Of a paired difference: significant after Holm's correction (see
  // PairedDifference).
  bool significant = false;
};

// A paired difference's mean and 95% interval, in the metric's unit.
Interval interval(const PairedDifference& d);
// "low .. high", or "-" without an interval.
std::string range_text(const Interval& i);
// A variant's mean and the 95% interval of that mean, in the metric's unit.
Interval mean_interval(ComparedMetric m, const Accumulator& a);

// Variants by mean user-hours lost, best first; ties keep the given order.
std::vector<std::size_t> ranking(const Comparison& c);

}  // namespace faultline::reports
