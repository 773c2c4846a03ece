#include "html/charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "format.hpp"
#include "html/svg.hpp"

namespace faultline::reports::html {

namespace {

// Drawings are laid out for a 1280 px window; the style sheet scales them
// down to the page's width (and to paper when printed).
constexpr double kWidth = 1200;
constexpr double kRowLabelWidth = 230;
constexpr double kRow = 22;

std::string readable(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string series_class(std::size_t i) {
  return fmt::format("series-{}", i % 8);
}

double x_clamped(const TimeAxis& axis, SimTime t) {
  return axis(std::clamp(t, axis.from, axis.to));
}

std::string step_path(const TimeAxis& x, const Scale& y, const std::vector<Point>& points) {
  std::string d;
  for (const Point& p : points) {
    if (d.empty()) {
      d = fmt::format("M{} {}", coordinate(x_clamped(x, p.at)), coordinate(y(p.value)));
    } else {
      d += fmt::format("H{}V{}", coordinate(x_clamped(x, p.at)), coordinate(y(p.value)));
    }
  }
  if (!d.empty())
    d += fmt::format("H{}", coordinate(x(x.to)));
  return d;
}

std::string line_path(const TimeAxis& x, const Scale& y, const std::vector<Point>& points) {
  std::string d;
  for (const Point& p : points) {
    d += fmt::format("{}{} {}", d.empty() ? "M" : "L", coordinate(x_clamped(x, p.at)),
                     coordinate(y(p.value)));
  }
  return d;
}

std::string band_path(const TimeAxis& x, const Scale& y, const Band& band) {
  std::string d = line_path(x, y, band.high);
  for (auto p = band.low.rbegin(); p != band.low.rend(); ++p)
    d += fmt::format("L{} {}", coordinate(x_clamped(x, p->at)), coordinate(y(p->value)));
  return d.empty() ? d : d + "Z";
}

// A diamond centred on (x, y): the mark of an observed time.
std::string diamond(double x, double y, double r) {
  return fmt::format("M{} {}L{} {}L{} {}L{} {}Z", coordinate(x), coordinate(y - r),
                     coordinate(x + r), coordinate(y), coordinate(x), coordinate(y + r),
                     coordinate(x - r), coordinate(y));
}

void row_label(Svg& svg, double y, std::string_view label) {
  svg.text(kRowLabelWidth - 10, y + 4, label, "row-label", "end");
}

// A row per milestone over a time axis from T0 to `last`, with room on the
// right for a note per row.
struct MilestoneRows {
  Frame frame;
  TimeAxis x;
  Svg svg;
};

double milestone_middle(const Frame& frame, std::size_t m) {
  return frame.top + kRow * 1.4 * (static_cast<double>(m) + 0.5);
}

MilestoneRows milestone_rows(const ScenarioClock& clock, std::size_t count, SimTime last,
                             std::string_view label) {
  const double height = 44 + kRow * 1.4 * static_cast<double>(count) + 56;
  const Frame frame{kRowLabelWidth, 44, kWidth - kRowLabelWidth - 130, height - 44 - 56};
  MilestoneRows rows{frame, time_axis(clock, SimTime{}, last, frame), Svg(kWidth, height, label)};
  rows.svg.time_grid(rows.x, frame, clock);
  return rows;
}

}  // namespace

std::string figure(std::string_view id, std::string_view title, std::string_view caption,
                   std::string_view drawing) {
  return fmt::format(
      "<figure class=\"chart\" id=\"chart-{0}\" data-chart=\"{0}\">\n<figcaption><h3>{1}</h3>"
      "<p>{2}</p></figcaption>\n{3}\n</figure>\n",
      escape(id), escape(title), escape(caption), drawing);
}

std::string time_series_figure(const ScenarioClock& clock, const TimeSeriesChart& chart) {
  constexpr double kHeight = 380;
  const Frame frame{90, 44, kWidth - 120, kHeight - 44 - 56};
  double high = 0;
  for (const Series& s : chart.series) {
    for (const Point& p : s.points)
      high = std::max(high, p.value);
  }
  if (chart.band) {
    for (const Point& p : chart.band->high)
      high = std::max(high, p.value);
  }
  const std::vector<double> ticks = nice_ticks(0, high, 6);
  const Scale y(0, ticks.back(), frame.bottom(), frame.top);
  const TimeAxis x = time_axis(clock, chart.from, chart.to, frame);

  Svg svg(kWidth, kHeight, chart.title);
  svg.value_grid(y, ticks, frame, chart.y_label);
  svg.time_grid(x, frame, clock);
  std::vector<std::pair<std::string, std::string>> legend;
  if (chart.band) {
    svg.path(band_path(x, y, *chart.band), "data band", chart.band->name);
    legend.emplace_back("band", chart.band->name);
  }
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    const std::string d = chart.steps ? step_path(x, y, s.points) : line_path(x, y, s.points);
    svg.path(d, "data line " + series_class(i), s.name);
    legend.emplace_back(series_class(i), s.name);
  }
  svg.legend(frame.left, 22, legend);
  return figure(chart.id, chart.title, chart.caption, svg.finish());
}

std::string status_strips_figure(const Scenario& scenario, const RunResult& result) {
  const auto& services = scenario.topology->services();
  const double height = 44 + kRow * static_cast<double>(services.size()) + 56;
  const Frame frame{kRowLabelWidth, 44, kWidth - kRowLabelWidth - 30, height - 44 - 56};
  const TimeAxis x = time_axis(scenario.clock, SimTime{}, result.end, frame);
  Svg svg(kWidth, height, "Service status over time");
  svg.time_grid(x, frame, scenario.clock);

  struct Span {
    SimTime from;
    ServiceState state = ServiceState::operational;
    double served = 1.0;
  };
  std::vector<std::vector<Span>> spans(services.size(), std::vector<Span>{Span{}});
  for (const TimelineEntry& e : result.timeline) {
    if (e.kind == TimelineKind::service_state)
      spans[e.service().value].push_back({e.at, e.to, e.served_fraction});
  }
  for (std::size_t s = 0; s < services.size(); ++s) {
    const double top = frame.top + kRow * static_cast<double>(s);
    row_label(svg, top + kRow / 2 - 2, services[s].id);
    for (std::size_t i = 0; i < spans[s].size(); ++i) {
      const Span& span = spans[s][i];
      const SimTime until = i + 1 < spans[s].size() ? spans[s][i + 1].from : result.end;
      if (until <= span.from)
        continue;
      svg.rect(x(span.from), top + 2, x(until) - x(span.from), kRow - 5,
               fmt::format("data state-{}", to_string(span.state)),
               fmt::format("{}: {} from {} to {} ({} served)", services[s].id,
                           readable(to_string(span.state)), scenario.clock.local_text(span.from),
                           scenario.clock.local_text(until), served_percent(span.served)));
    }
  }
  svg.legend(frame.left, 22,
             {{"state-operational", "operational"},
              {"state-degraded_performance", "degraded performance"},
              {"state-partial_outage", "partial outage"},
              {"state-major_outage", "major outage"}});
  return figure("status", "Service status",
                "Each service's state over the run, as a status page would have shown it. "
                "Hover over a span for its times and the share of requests served.",
                svg.finish());
}

namespace {

// Each failed attempt of the step: a mark where it failed, and the wait
// until its retry started (or, with no retry, none).
void draw_failed_attempts(Svg& svg, const Scenario& scenario, const RunResult& result,
                          std::uint32_t step, double top, const TimeAxis& x) {
  const ScenarioClock& clock = scenario.clock;
  const TimelineEntry* failed = nullptr;  // the failure awaiting its retry
  for (const TimelineEntry& e : result.timeline) {
    if (e.subject != TimelineSubject{StepId{step}})
      continue;
    if (e.kind == TimelineKind::step_attempt_failed) {
      failed = &e;
      svg.rect(x(e.at) - 1.5, top + 1, 3, kRow - 3, "data attempt-failed",
               fmt::format("{}: attempt {} failed at {}{}", scenario.steps[step].id, e.attempt,
                           clock.local_text(e.at), e.scripted ? " (scripted)" : ""));
    } else if (e.kind == TimelineKind::step_retry && failed) {
      svg.rect(x(failed->at), top + 7, std::max(1.0, x(e.at) - x(failed->at)), kRow - 15,
               "data retry-wait",
               fmt::format("{}: waiting to retry from {} to {}", scenario.steps[step].id,
                           clock.local_text(failed->at), clock.local_text(e.at)));
      failed = nullptr;
    }
  }
}

// Its work paused off shift, or a batch after its start waiting for
// members: the step was under way. Its first batch's wait is before it
// started (found in review: a step that never started showed no wait).
bool while_under_way(const Wait& w, const StepOutcome& o) {
  const auto* off = std::get_if<OffShiftWait>(&w.cause);
  return (off && off->work_paused) ||
         (std::holds_alternative<BatchMembersWait>(w.cause) && o.started && w.from >= *o.started);
}

// The times in which the step was ready but could not start, or its work
// was done but its gate was not open (`paused` false); or those in which it
// was under way, its work paused or a batch waiting for members, drawn over
// its bar (`paused` true).
void draw_waits(Svg& svg, const Scenario& scenario, const StepWaits& waits, const StepOutcome& o,
                StepId step, double top, const TimeAxis& x, bool paused) {
  for (const Wait& w : waits.waits) {
    std::string style;
    if (std::holds_alternative<PredecessorsWait>(w.cause) || while_under_way(w, o) != paused)
      continue;
    if (std::holds_alternative<GateWait>(w.cause)) {
      style = "data gate";
    } else if (std::holds_alternative<OffShiftWait>(w.cause)) {
      style = "data wait-off-shift";
    } else if (std::holds_alternative<CrewBusyWait>(w.cause) ||
               std::holds_alternative<BatchMembersWait>(w.cause)) {
      style = "data wait-crew-busy";
    } else if (std::holds_alternative<RequirementWait>(w.cause)) {
      style = "data wait-requires";
    } else {
      style = "data wait-not-before";
    }
    svg.rect(x(w.from), top + 7, std::max(1.0, x(w.to) - x(w.from)), kRow - 15, style,
             fmt::format("{}: from {}, {}", scenario.steps[step.value].id,
                         scenario.clock.local_text(w.from), wait_text(scenario, w)));
  }
}

// A step's row: its bar from start until its crew was free of it, or the
// mark where it was skipped; its waits and its failed attempts.
void draw_step(Svg& svg, const Scenario& scenario, const RunResult& result, const StepWaits& waits,
               StepId s, double top, const TimeAxis& x, bool critical) {
  const ScenarioClock& clock = scenario.clock;
  const Step& step = scenario.steps[s.value];
  const StepOutcome& o = result.steps[s.value];
  const double middle = top + kRow / 2;
  row_label(svg, middle - 2, step.id);
  draw_waits(svg, scenario, waits, o, s, top, x, false);
  const std::string outcome(outcome_name(o));
  if (o.started) {
    const SimTime freed = o.crew_freed.value_or(result.end);
    svg.rect(x(*o.started), top + 3, std::max(2.0, x(freed) - x(*o.started)), kRow - 7,
             fmt::format("data bar outcome-{}{}", outcome, critical ? " critical" : ""),
             fmt::format("{}: {}; started {}, crew free {}{}; {} attempt(s); restored {} "
                         "user-hours",
                         step.id, readable(outcome), clock.local_text(*o.started),
                         o.crew_freed ? clock.local_text(*o.crew_freed) : "-",
                         o.completed ? ", completed " + clock.local_text(*o.completed) : "",
                         o.attempts, user_hours(o.restored_loss)));
    draw_failed_attempts(svg, scenario, result, s.value, top, x);
    draw_waits(svg, scenario, waits, o, s, top, x, true);
  } else if (o.skipped) {
    svg.path(diamond(x(*o.skipped), middle, 6), "data outcome-skipped",
             fmt::format("{}: skipped at {}, its condition no longer held", step.id,
                         clock.local_text(*o.skipped)));
  } else if (waits.stalled() == Duration{}) {
    svg.text(x(x.from) + 6, middle + 4, "not started", "note");
  }
}

// The legend of what the chart shows, and of nothing it does not.
std::vector<std::pair<std::string, std::string>> gantt_legend(const RunResult& result,
                                                              const std::vector<StepWaits>& waits) {
  std::vector<std::pair<std::string, std::string>> shown;
  const auto any_wait = [&](auto held) {
    return std::any_of(waits.begin(), waits.end(), [&](const StepWaits& w) {
      return std::any_of(w.waits.begin(), w.waits.end(),
                         [&](const Wait& wait) { return held(wait.cause); });
    });
  };
  const auto any_entry = [&](TimelineKind kind) {
    return std::any_of(result.timeline.begin(), result.timeline.end(),
                       [&](const TimelineEntry& e) { return e.kind == kind; });
  };
  const auto any_outcome = [&](std::string_view name) {
    return std::any_of(result.steps.begin(), result.steps.end(),
                       [&](const StepOutcome& o) { return outcome_name(o) == name; });
  };
  const auto add_if = [&](bool present, std::string style, std::string label) {
    if (present)
      shown.emplace_back(std::move(style), std::move(label));
  };
  for (const auto& [outcome, label] :
       std::initializer_list<std::pair<std::string, std::string>>{{"done", "done"},
                                                                  {"failed", "failed"},
                                                                  {"rolled_back", "rolled back"},
                                                                  {"unfinished", "unfinished"},
                                                                  {"skipped", "skipped"}}) {
    add_if(any_outcome(outcome), "outcome-" + outcome, label);
  }
  add_if(any_wait([](const WaitCause& c) { return std::holds_alternative<EarliestStartWait>(c); }),
         "wait-not-before", "held by its not_before");
  add_if(any_wait([](const WaitCause& c) { return std::holds_alternative<RequirementWait>(c); }),
         "wait-requires", "a service it requires not yet as it needs");
  add_if(any_wait([](const WaitCause& c) { return std::holds_alternative<OffShiftWait>(c); }),
         "wait-off-shift", "crew off shift");
  const bool batches_waited =
      any_wait([](const WaitCause& c) { return std::holds_alternative<BatchMembersWait>(c); });
  add_if(any_wait([](const WaitCause& c) { return std::holds_alternative<CrewBusyWait>(c); }) ||
             batches_waited,
         "wait-crew-busy",
         batches_waited ? "crew busy elsewhere, or short of a batch's members"
                        : "crew busy elsewhere");
  add_if(any_wait([](const WaitCause& c) { return std::holds_alternative<GateWait>(c); }), "gate",
         "waiting at a verification gate");
  add_if(any_entry(TimelineKind::step_attempt_failed), "attempt-failed", "an attempt failed");
  add_if(any_entry(TimelineKind::step_retry), "retry-wait", "waiting to retry");
  shown.emplace_back("critical", "critical path");
  return shown;
}

// Each critical path, joined end to start; returns them in words.
std::string join_critical_paths(Svg& svg, const Scenario& scenario, const RunResult& result,
                                const std::vector<std::vector<StepId>>& paths, const TimeAxis& x,
                                const std::vector<double>& row_middle) {
  std::string chains;
  for (const std::vector<StepId>& path : paths) {
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const StepOutcome& a = result.steps[path[i].value];
      const StepOutcome& b = result.steps[path[i + 1].value];
      if (!b.started)
        continue;
      const SimTime a_end = a.completed.value_or(a.crew_freed.value_or(*b.started));
      svg.path(
          fmt::format("M{} {}L{} {}", coordinate(x(a_end)), coordinate(row_middle[path[i].value]),
                      coordinate(x(*b.started)), coordinate(row_middle[path[i + 1].value])),
          "critical-link");
    }
    std::string chain;
    for (const StepId s : path)
      chain += (chain.empty() ? "" : " → ") + scenario.steps[s.value].id;
    chains += (chains.empty() ? "" : "; ") + chain;
  }
  return chains;
}

}  // namespace

std::string gantt_figure(const Scenario& scenario, const RunResult& result) {
  // Lanes: each crew's steps in runbook order, then the steps without a crew.
  struct Lane {
    std::string name;
    std::vector<std::uint32_t> steps;
  };
  std::vector<Lane> lanes;
  for (const Crew& crew : scenario.crews)
    lanes.push_back(
        {fmt::format("crew {} ({} {})", crew.id, crew.size, crew.size == 1 ? "person" : "people"),
         {}});
  Lane no_crew{"no crew", {}};
  for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
    const auto& crew = scenario.steps[s].crew;
    (crew ? lanes[crew->value] : no_crew).steps.push_back(s);
  }
  if (!no_crew.steps.empty())
    lanes.push_back(std::move(no_crew));
  std::erase_if(lanes, [](const Lane& l) { return l.steps.empty(); });

  double rows = 0;
  for (const Lane& lane : lanes)
    rows += 1 + static_cast<double>(lane.steps.size());
  const double height = 44 + kRow * rows + 56;
  const Frame frame{kRowLabelWidth, 44, kWidth - kRowLabelWidth - 30, height - 44 - 56};
  const TimeAxis x = time_axis(scenario.clock, SimTime{}, result.end, frame);
  const ScenarioClock& clock = scenario.clock;
  Svg svg(kWidth, height, "Runbook steps by crew");
  svg.time_grid(x, frame, clock);

  // Every critical path: steps that tie for last have one each.
  const std::vector<std::vector<StepId>> paths = critical_paths(scenario, result);
  const auto on_path = [&](std::uint32_t s) {
    return std::ranges::any_of(
        paths, [&](const auto& p) { return std::ranges::find(p, StepId{s}) != p.end(); });
  };
  const std::vector<StepWaits> waits = step_waits(scenario, result);
  std::vector<double> row_middle(scenario.steps.size(), 0);

  double top = frame.top;
  for (const Lane& lane : lanes) {
    svg.rect(0, top, kWidth, kRow, "lane");
    svg.text(8, top + kRow / 2 + 4, lane.name, "lane-label");
    top += kRow;
    for (const std::uint32_t s : lane.steps) {
      row_middle[s] = top + kRow / 2;
      draw_step(svg, scenario, result, waits[s], StepId{s}, top, x, on_path(s));
      top += kRow;
    }
  }
  const std::string chains = join_critical_paths(svg, scenario, result, paths, x, row_middle);
  svg.legend(frame.left, 22, gantt_legend(result, waits));
  return figure(
      "gantt", "Runbook",
      "Each step from its start until its crew was free of it, in the lanes of its "
      "crew, after the times in which it was ready but waited, and marked where its "
      "work paused while its crew was off shift (hover over one for what held it). "
      "Outlined bars, joined by lines, are the critical path" +
          std::string(paths.size() > 1 ? "s, one from each step that ended last: " : ": ") +
          (chains.empty() ? std::string("no step started") : chains) + ".",
      svg.finish());
}

std::string replay_milestones_figure(const Scenario& scenario, const RunResult& result) {
  const ScenarioClock& clock = scenario.clock;
  SimTime last = result.end;
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    last = std::max(last, scenario.observed[m].time);
    if (result.observed[m].simulated)
      last = std::max(last, *result.observed[m].simulated);
  }
  auto [frame, x, svg] =
      milestone_rows(clock, scenario.observed.size(), last, "Observed and simulated milestones");
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    const Milestone& milestone = scenario.observed[m];
    const MilestoneOutcome& o = result.observed[m];
    const double middle = milestone_middle(frame, m);
    row_label(svg, middle, milestone.id);
    const double observed_x = x(milestone.time);
    if (o.simulated) {
      svg.line(observed_x, middle, x(*o.simulated), middle, "gap");
      svg.circle(x(*o.simulated), middle, 6, "data simulated",
                 fmt::format("{}: simulated {}", milestone.id, clock.local_text(*o.simulated)));
    }
    svg.path(diamond(observed_x, middle, 7), "data observed",
             fmt::format("{}: observed {}{}", milestone.id, milestone_when(clock, milestone),
                         milestone.source.empty() ? "" : " (" + milestone.source + ")"));
    svg.text(frame.right() + 12, middle + 4, difference_text(o), "note");
  }
  svg.legend(frame.left, 22, {{"observed", "observed"}, {"simulated", "simulated"}});
  return figure("milestones", "Observed and simulated milestones",
                "Each milestone from the public record (diamond) against the replay's time for "
                "the same event (dot), and the difference. A deadline (\"by\") met is on time.",
                svg.finish());
}

namespace {

std::optional<SimTime> at(const EventTimes& times, double q) {
  const auto ms = times.quantile(q);
  return ms ? std::optional<SimTime>(SimTime{static_cast<std::int64_t>(*ms)}) : std::nullopt;
}

// The runs' p10 to p90 of a milestone's event (running off the right edge
// where p90 falls among the runs in which it never happened) and its median.
void draw_spread(Svg& svg, const ScenarioClock& clock, const Milestone& milestone,
                 const EventTimes& times, double middle, double right, const TimeAxis& x) {
  const auto p10 = at(times, 0.1);
  if (!p10)
    return;
  const auto p50 = at(times, 0.5);
  const auto p90 = at(times, 0.9);
  const double end = p90 ? x(*p90) : right;
  svg.rect(x(*p10), middle - 4, std::max(2.0, end - x(*p10)), 8, "data range",
           fmt::format("{}: simulated p10 {}, p90 {}", milestone.id, clock.local_text(*p10),
                       p90 ? clock.local_text(*p90) : "never"));
  if (p50) {
    svg.circle(x(*p50), middle, 5, "data simulated",
               fmt::format("{}: simulated median {}", milestone.id, clock.local_text(*p50)));
  }
}

}  // namespace

std::string simulated_milestones_figure(const Scenario& scenario, const MonteCarloResult& result) {
  const ScenarioClock& clock = scenario.clock;
  SimTime last = result.sample_times.empty() ? SimTime{} : result.sample_times.back();
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    last = std::max(last, scenario.observed[m].time);
    if (const auto p90 = at(result.milestone_times[m], 0.9))
      last = std::max(last, *p90);
  }
  auto [frame, x, svg] = milestone_rows(clock, scenario.observed.size(), last,
                                        "Observed milestones against the simulated spread");
  for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
    const Milestone& milestone = scenario.observed[m];
    const EventTimes& times = result.milestone_times[m];
    const double middle = milestone_middle(frame, m);
    row_label(svg, middle, milestone.id);
    draw_spread(svg, clock, milestone, times, middle, frame.right(), x);
    svg.path(diamond(x(milestone.time), middle, 7), "data observed",
             fmt::format("{}: observed {}", milestone.id, milestone_when(clock, milestone)));
    std::string note = "met in " + percent(share(result.milestones_met[m], result.runs));
    if (times.never() > 0)
      note += ", never in " + percent(share(times.never(), times.runs()));
    svg.text(frame.right() + 12, middle + 4, note, "note");
  }
  svg.legend(frame.left, 22,
             {{"observed", "observed"},
              {"range", "simulated p10 to p90"},
              {"simulated", "simulated median"}});
  return figure("milestones", "Observed and simulated milestones",
                "Each milestone from the public record (diamond) against the runs' spread for the "
                "same event (the band runs off the right edge where its 90th percentile falls "
                "among the runs in which the event never happened), the share of runs that met "
                "it (at or by the observed time, within its tolerance), and the share in which "
                "it never happened.",
                svg.finish());
}

std::string downtime_histograms_figure(const Scenario& scenario, const MonteCarloResult& result) {
  constexpr double kSmallWidth = 385;
  constexpr double kSmallHeight = 200;
  const Frame frame{56, 46, kSmallWidth - 56 - 16, kSmallHeight - 46 - 40};
  std::string drawings;
  std::string never_down;
  for (std::size_t s = 0; s < result.services.size(); ++s) {
    const ServiceStatistics& stats = result.services[s];
    const std::string& id = scenario.topology->services()[s].id;
    if (stats.runs_down == 0) {
      never_down += (never_down.empty() ? "" : ", ") + id;
      continue;
    }
    const Summary down = stats.downtime_ms.summary();
    // Up to the 99th percentile, so that a few long runs do not squash the
    // rest into one bar; those beyond are counted in a note.
    const auto high = std::max(down.min, static_cast<std::int64_t>(std::ceil(down.p99)));
    const Histogram histogram = stats.downtime_ms.histogram(down.min, high, 24);
    std::uint64_t tallest = 0;
    for (const HistogramBin& bin : histogram.bins)
      tallest = std::max(tallest, bin.count);
    const std::vector<double> hours = nice_ticks(static_cast<double>(down.min) / kMsPerHour,
                                                 static_cast<double>(high) / kMsPerHour, 4);
    const Scale x(hours.front(), hours.back(), frame.left, frame.right());
    const std::vector<double> counts = nice_ticks(0, static_cast<double>(tallest), 4);
    const Scale y(0, counts.back(), frame.bottom(), frame.top);
    Svg svg(kSmallWidth, kSmallHeight, "Downtime of " + id);
    svg.text(frame.left, 16, id, "small-title");
    svg.text(frame.left, 32,
             fmt::format("down in {} of runs · mean {} · p90 {}",
                         percent(share(stats.runs_down, result.runs)), duration_text(down.mean),
                         duration_text(down.p90)),
             "note");
    svg.value_grid(y, counts, frame, "runs");
    for (const double h : hours)
      svg.text(x(h), frame.bottom() + 15, short_number(h), "tick", "middle");
    svg.line(frame.left, frame.bottom(), frame.right(), frame.bottom(), "axis");
    svg.text(frame.right(), frame.bottom() + 32, "hours in major outage", "axis-label", "end");
    for (const HistogramBin& bin : histogram.bins) {
      const double from = x(bin.from / kMsPerHour);
      const double to = x(bin.to / kMsPerHour);
      svg.rect(from, y(static_cast<double>(bin.count)), std::max(1.5, to - from - 1),
               frame.bottom() - y(static_cast<double>(bin.count)), "data hist",
               fmt::format("{} to {}: {} runs", duration_text(bin.from), duration_text(bin.to),
                           thousands(static_cast<std::int64_t>(bin.count))));
    }
    const double p90 = x(down.p90 / kMsPerHour);
    svg.line(p90, frame.top, p90, frame.bottom(), "marker");
    svg.text(p90 + 3, frame.top + 10, "p90", "note");
    if (histogram.above > 0) {
      svg.text(
          frame.left, frame.bottom() + 32,
          fmt::format("+{} runs up to {}", thousands(static_cast<std::int64_t>(histogram.above)),
                      duration_text(static_cast<double>(down.max))),
          "note");
    }
    drawings += svg.finish();
  }
  return figure(
      "downtime", "Downtime per service",
      "How long each service spent in major outage over the runs (0 for runs in which it "
      "stayed up), up to the 99th percentile; the dashed line marks the 90th." +
          (never_down.empty() ? std::string{} : " Never down in any run: " + never_down + "."),
      "<div class=\"small-multiples\">" + drawings + "</div>");
}

namespace {

struct ForestRow {
  std::string name;
  Interval interval;
  std::string css_class;
};

// One panel of a forest plot: a row per entry, its interval as a whisker and
// its mean as a dot, with a line at 0 when 0 is in range.
std::string forest(std::string_view title, std::string_view axis_label,
                   const std::vector<ForestRow>& rows) {
  double low = 0;
  double high = 0;
  for (const ForestRow& r : rows) {
    low = std::min(low, r.interval.low.value_or(r.interval.mean));
    high = std::max(high, r.interval.high.value_or(r.interval.mean));
  }
  if (low == 0 && high == 0) {
    low = -1;  // nothing but zeros: centre 0
    high = 1;
  }
  const std::vector<double> ticks = nice_ticks(low, high, 6);
  const double height = 40 + kRow * static_cast<double>(rows.size()) + 50;
  const Frame frame{kRowLabelWidth, 40, kWidth - kRowLabelWidth - 40, height - 40 - 50};
  const Scale x(ticks.front(), ticks.back(), frame.left, frame.right());
  Svg svg(kWidth, height, title);
  svg.text(frame.left, 20, title, "small-title");
  for (const double t : ticks) {
    svg.line(x(t), frame.top, x(t), frame.bottom(), t == 0 ? "zero" : "grid");
    svg.text(x(t), frame.bottom() + 16, short_number(t), "tick", "middle");
  }
  svg.line(frame.left, frame.bottom(), frame.right(), frame.bottom(), "axis");
  svg.text(frame.right(), frame.bottom() + 34, axis_label, "axis-label", "end");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ForestRow& r = rows[i];
    const double middle = frame.top + kRow * (static_cast<double>(i) + 0.5);
    row_label(svg, middle, r.name);
    const std::string tip = r.interval.low
                                ? fmt::format("{}: {} (95% CI {})", r.name, number(r.interval.mean),
                                              range_text(r.interval))
                                : fmt::format("{}: {} (no interval from fewer than two runs)",
                                              r.name, number(r.interval.mean));
    if (r.interval.low) {
      svg.rect(x(*r.interval.low), middle - 1.5,
               std::max(1.0, x(*r.interval.high) - x(*r.interval.low)), 3, "data ci " + r.css_class,
               tip);
    }
    svg.circle(x(r.interval.mean), middle, 5, "data mean " + r.css_class, tip);
  }
  return svg.finish();
}

}  // namespace

std::string variant_means_figure(const Comparison& c) {
  std::string drawings;
  for (std::size_t m = 0; m < kComparedMetrics.size(); ++m) {
    const ComparedMetric metric = kComparedMetrics[m];
    std::vector<ForestRow> rows;
    for (const std::size_t v : ranking(c))
      rows.push_back({c.names[v], mean_interval(metric, c.metrics[v][m]), "neutral"});
    drawings += forest(to_string(metric), unit(metric), rows);
  }
  return figure("means", "Each variant's mean",
                "The mean over the runs of each metric, with the 95% confidence interval of the "
                "mean; variants ranked by user-hours lost.",
                drawings);
}

std::string differences_figure(const Comparison& c) {
  std::string drawings;
  for (std::size_t m = 0; m < kComparedMetrics.size(); ++m) {
    const ComparedMetric metric = kComparedMetrics[m];
    std::vector<ForestRow> rows;
    for (std::size_t v = 1; v < c.names.size(); ++v) {
      const Interval d = interval(pair_of(c, 0, v, metric));
      rows.push_back({c.names[v], d, d.significant ? "significant" : "not-significant"});
    }
    drawings += forest(fmt::format("{}: difference from {}", to_string(metric), c.names.front()),
                       unit(metric), rows);
  }
  return figure("differences", "Differences from " + c.names.front(),
                "Each variant minus " + c.names.front() +
                    ", run by run on the same random numbers, with the 95% interval of the mean "
                    "difference. Orange marks are significant: their paired t-test, adjusted by "
                    "Holm's method over every pair of variants, is below 0.05 (with two variants: "
                    "their interval leaves out 0); grey ones are not. "
                    "Below 0 is better for every metric.",
                drawings);
}

}  // namespace faultline::reports::html
