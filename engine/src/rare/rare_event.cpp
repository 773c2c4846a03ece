#include <fmt/format.h>

#include <stdexcept>

#include "faultline/rare.hpp"

namespace faultline {

namespace {

constexpr std::string_view kLaterThan = " later than ";

[[noreturn]] void reject(std::string_view text, const std::string& why) {
  throw std::invalid_argument(fmt::format(
      "--rare \"{}\": {}; write \"EVENT later than DURATION\", EVENT being all-restored, "
      "restored:SERVICE, completed:STEP or milestone:ID (an observed entry's id), and DURATION "
      "the time after T0, such as 5d or 36h",
      text, why));
}

}  // namespace

RareEvent parse_rare_event(const Scenario& scenario, std::string_view text) {
  const auto split = text.find(kLaterThan);
  if (split == std::string_view::npos)
    reject(text, "it says no \"later than\"");
  RareEvent event;
  event.text = std::string(text);
  try {
    event.what = parse_run_event(scenario, text.substr(0, split));
  } catch (const std::invalid_argument& e) {
    reject(text, e.what());
  }
  const std::string_view after = text.substr(split + kLaterThan.size());
  const auto later_than = parse_duration(after);
  if (!later_than)
    reject(text, fmt::format("'{}' is no duration", after));
  if (later_than->ms <= 0)
    reject(text, "the duration must be more than 0");
  // Runs stop at the horizon: past it, every run without the event by then
  // would count, whatever the duration.
  if (scenario.horizon && SimTime{} + *later_than > *scenario.horizon) {
    throw std::invalid_argument(fmt::format(
        "--rare \"{}\": T0+{} is past the scenario's horizon, T0+{}, where its runs stop, so "
        "the answer would be that of any duration from the horizon on; give a duration up to "
        "{}, or a later horizon",
        text, format_duration(*later_than), format_duration(scenario.horizon->since_t0()),
        format_duration(scenario.horizon->since_t0())));
  }
  event.later_than = *later_than;
  return event;
}

}  // namespace faultline
