#pragma once
// The report's charts, each a <figure> holding one SVG drawing (or a grid of
// small ones). Marks that carry data have the CSS class "data", so a test
// can tell an empty chart from a full one.

#include <optional>
#include <string>
#include <vector>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/replay.hpp"

namespace faultline::reports::html {

// A <figure> with a heading, a caption and the drawing.
std::string figure(std::string_view id, std::string_view title, std::string_view caption,
                   std::string_view drawing);

struct Point {
  SimTime at;
  double value = 0;
};

struct Series {
  std::string name;
  std::vector<Point> points;
};

// A shaded range between two curves sampled at the same times.
struct Band {
  std::string name;
  std::vector<Point> low;
  std::vector<Point> high;
};

struct TimeSeriesChart {
  std::string id;
  std::string title;
  std::string caption;
  std::string y_label;
  SimTime from;
  SimTime to;
  std::vector<Series> series;
  std::optional<Band> band;
  // Values hold until the next point (a count that changes at events), or
  // run straight between samples.
  bool steps = true;
};
std::string time_series_figure(const ScenarioClock& clock, const TimeSeriesChart& chart);

// A status-page strip per service: its state over the run.
std::string status_strips_figure(const Scenario& scenario, const RunResult& result);
// The runbook's steps in crew lanes from start to completion, gate waits and
// outcomes shown, the critical path marked.
std::string gantt_figure(const Scenario& scenario, const RunResult& result);
// Observed milestones against the replay's times.
std::string replay_milestones_figure(const Scenario& scenario, const RunResult& result);
// Observed milestones against the simulated p10-p90 range where the runs
// record one, with the share of runs that met each.
std::string simulated_milestones_figure(const Scenario& scenario, const MonteCarloResult& result);
// A histogram of each service's downtime over the runs where it went down.
std::string downtime_histograms_figure(const Scenario& scenario, const MonteCarloResult& result);
// Each variant's mean with its 95% interval, per compared metric.
std::string variant_means_figure(const Comparison& comparison);
// Each variant's run-by-run difference from the first, with its 95% interval.
std::string differences_figure(const Comparison& comparison);

}  // namespace faultline::reports::html
