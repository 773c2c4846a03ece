#include "html/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace faultline::reports::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Scale::Scale(double from, double to, double start, double end)
    : from_(from), to_(to), start_(start), end_(end) {}

double Scale::operator()(double v) const {
  if (to_ == from_)
    return start_;
  return start_ + (v - from_) / (to_ - from_) * (end_ - start_);
}

std::vector<double> nice_ticks(double low, double high, int most) {
  if (!(high > low))
    high = low + 1;
  const double raw = (high - low) / std::max(1, most - 1);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw)
      break;
  }
  std::vector<double> ticks;
  const double first = std::floor(low / step) * step;
  // Counted rather than summed, so that rounding can neither stall the
  // loop nor drift the values.
  for (int i = 0; i <= most + 1; ++i) {
    ticks.push_back(first + step * i);
    if (ticks.back() >= high)
      break;
  }
  return ticks;
}

std::string short_number(double v) {
  const double a = std::abs(v);
  if (a >= 1e6)
    return fmt::format("{:g} M", std::round(v / 1e4) / 100);
  if (a >= 1e4)
    return fmt::format("{:g} k", std::round(v / 1e2) / 10);
  return fmt::format("{:g}", std::round(v * 100) / 100);
}

std::string coordinate(double v) {
  const double rounded = std::round(v * 10) / 10;
  return fmt::format("{:.1f}", rounded == 0 ? 0.0 : rounded);
}

TimeAxis time_axis(const ScenarioClock& clock, SimTime from, SimTime to, const Frame& frame) {
  if (to <= from)
    to = from + Duration::hours(1);
  TimeAxis axis{
      from,
      to,
      Scale(static_cast<double>(from.ms), static_cast<double>(to.ms), frame.left, frame.right()),
      {}};
  // The finest round step that leaves room for each label (about 90 units).
  const int most = std::max(2, static_cast<int>(frame.width / 90));
  static const std::array steps = {Duration::hours(1), Duration::hours(2),  Duration::hours(3),
                                   Duration::hours(6), Duration::hours(12), Duration::days(1),
                                   Duration::days(2),  Duration::days(7),   Duration::days(14),
                                   Duration::days(28)};
  Duration step = steps.back();
  for (const Duration s : steps) {
    if ((to - from).ms / s.ms < most) {
      step = s;
      break;
    }
  }
  std::string last_day;
  for (const SimTime t : clock.local_ticks(from, to, step)) {
    const std::string day = clock.local_text(t, "%a %d %b");
    const std::string hour = clock.local_text(t, "%H:%M");
    std::string label = day == last_day ? hour : hour == "00:00" ? day : day + " " + hour;
    last_day = day;
    axis.ticks.emplace_back(t, std::move(label));
  }
  return axis;
}

Svg::Svg(double width, double height, std::string_view label) {
  out_ = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-label=\"{}\">",
      coordinate(width), coordinate(height), escape(label));
}

namespace {

std::string tooltip_element(std::string_view tooltip) {
  return tooltip.empty() ? std::string{} : "<title>" + escape(tooltip) + "</title>";
}

}  // namespace

void Svg::rect(double x, double y, double w, double h, std::string_view css_class,
               std::string_view tooltip) {
  out_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{}\">{}</rect>",
                      coordinate(x), coordinate(y), coordinate(std::max(w, 0.0)),
                      coordinate(std::max(h, 0.0)), css_class, tooltip_element(tooltip));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{}\"/>",
                      coordinate(x1), coordinate(y1), coordinate(x2), coordinate(y2), css_class);
}

void Svg::path(std::string_view d, std::string_view css_class, std::string_view tooltip) {
  out_ +=
      fmt::format("<path d=\"{}\" class=\"{}\">{}</path>", d, css_class, tooltip_element(tooltip));
}

void Svg::circle(double cx, double cy, double r, std::string_view css_class,
                 std::string_view tooltip) {
  out_ +=
      fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"{}\">{}</circle>", coordinate(cx),
                  coordinate(cy), coordinate(r), css_class, tooltip_element(tooltip));
}

void Svg::text(double x, double y, std::string_view content, std::string_view css_class,
               std::string_view anchor) {
  out_ += fmt::format("<text x=\"{}\" y=\"{}\" class=\"{}\" text-anchor=\"{}\">{}</text>",
                      coordinate(x), coordinate(y), css_class, anchor, escape(content));
}

void Svg::time_grid(const TimeAxis& axis, const Frame& frame, const ScenarioClock& clock) {
  for (const auto& [t, label] : axis.ticks) {
    const double x = axis(t);
    line(x, frame.top, x, frame.bottom(), "grid");
    text(x, frame.bottom() + 16, label, "tick", "middle");
  }
  line(frame.left, frame.bottom(), frame.right(), frame.bottom(), "axis");
  const std::string first = clock.local_text(axis.from, "%Z");
  const std::string last = clock.local_text(axis.to, "%Z");
  text(frame.right(), frame.bottom() + 34,
       fmt::format("local time, {} ({})", clock.zone_name(),
                   first == last ? first : first + ", then " + last),
       "axis-label", "end");
}

void Svg::value_grid(const Scale& y, const std::vector<double>& ticks, const Frame& frame,
                     std::string_view label) {
  for (const double v : ticks) {
    const double at = y(v);
    line(frame.left, at, frame.right(), at, "grid");
    text(frame.left - 6, at + 4, short_number(v), "tick", "end");
  }
  line(frame.left, frame.top, frame.left, frame.bottom(), "axis");
  out_ += fmt::format(
      "<text x=\"{}\" y=\"{}\" class=\"axis-label\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 {} {})\">{}</text>",
      coordinate(14), coordinate(frame.top + frame.height / 2), coordinate(14),
      coordinate(frame.top + frame.height / 2), escape(label));
}

void Svg::legend(double x, double y,
                 const std::vector<std::pair<std::string, std::string>>& entries) {
  for (const auto& [css_class, label] : entries) {
    rect(x, y - 10, 14, 12, "swatch " + css_class);
    text(x + 19, y, label, "legend");
    x += 34 + 6.6 * static_cast<double>(label.size());
  }
}

std::string Svg::finish() {
  return out_ + "</svg>";
}

}  // namespace faultline::reports::html
