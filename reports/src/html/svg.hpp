#pragma once
// A small SVG writer for the report's charts: shapes carry a CSS class (the
// page's style sheet colours them, for screen and print alike) and an
// optional tooltip; every text from the input is escaped on the way in.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faultline/time.hpp"

namespace faultline::reports::html {

// Text as HTML or SVG character data, or inside a quoted attribute value.
std::string escape(std::string_view text);

// The plotting area inside a drawing, in SVG user units.
struct Frame {
  double left = 0;
  double top = 0;
  double width = 0;
  double height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// Maps [from, to] onto [start, end] linearly; a zero-width domain maps to start.
class Scale {
 public:
  Scale(double from, double to, double start, double end);
  double operator()(double v) const;

 private:
  double from_;
  double to_;
  double start_;
  double end_;
};

// At most `most` round values (1, 2 or 5 times a power of ten apart) from 0,
// or from the multiple below low, up to the first at or above high.
std::vector<double> nice_ticks(double low, double high, int most);

// A horizontal time axis over [from, to] with ticks at round local times of
// the scenario's zone, labelled with the date where the day changes.
struct TimeAxis {
  SimTime from;
  SimTime to;
  Scale x;
  std::vector<std::pair<SimTime, std::string>> ticks;
  double operator()(SimTime t) const { return x(static_cast<double>(t.ms)); }
};
TimeAxis time_axis(const ScenarioClock& clock, SimTime from, SimTime to, const Frame& frame);

// "2.2 M", "16 k", "950": an axis label that fits.
std::string short_number(double v);

class Svg {
 public:
  // `label` names the drawing for screen readers.
  Svg(double width, double height, std::string_view label);

  void rect(double x, double y, double w, double h, std::string_view css_class,
            std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, std::string_view css_class);
  void path(std::string_view d, std::string_view css_class, std::string_view tooltip = {});
  void circle(double cx, double cy, double r, std::string_view css_class,
              std::string_view tooltip = {});
  // anchor: start, middle or end.
  void text(double x, double y, std::string_view content, std::string_view css_class,
            std::string_view anchor = "start");

  // Grid lines and labels of a time axis along the frame's bottom, and the
  // zone's name under them.
  void time_grid(const TimeAxis& axis, const Frame& frame, const ScenarioClock& clock);
  // Grid lines and labels of a vertical value axis at the ticks, with a
  // label along it.
  void value_grid(const Scale& y, const std::vector<double>& ticks, const Frame& frame,
                  std::string_view label);
  // Swatches in a row from (x, y): each a CSS class and its label.
  void legend(double x, double y, const std::vector<std::pair<std::string, std::string>>& entries);

  std::string finish();

 private:
  std::string out_;
};

// Coordinates with one decimal: enough at screen resolution, and stable.
std::string coordinate(double v);

}  // namespace faultline::reports::html
