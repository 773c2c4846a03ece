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
  const SimTime at = SimTime{} + *later_than;
  // Runs stop at the horizon: past it, every run without the event by then
  // would count, whatever the duration.
  if (scenario.horizon && at > *scenario.horizon) {
    throw std::invalid_argument(fmt::format(
        "--rare \"{}\": T0+{} is past the scenario's horizon, T0+{}, where its runs stop, so "
        "the answer would be that of any duration from the horizon on; give a duration up to "
        "{}, or a later horizon",
        text, format_duration(*later_than), format_duration(scenario.horizon->since_t0()),
        format_duration(scenario.horizon->since_t0())));
  }
  // Found by a helper: without a horizon, unlimited retries stop there,
  // and the runs that stopped them counted as later than any duration.
  const auto retrying = scenario.first_retrying_to_the_end();
  if (!scenario.horizon && retrying && at > scenario.retries_stop()) {
    const std::string stop = format_duration(scenario.retries_stop().since_t0());
    throw std::invalid_argument(fmt::format(
        "--rare \"{}\": T0+{} is past T0+{}: without a horizon, a run stops the unlimited "
        "retries of step {} there, leaving it unfinished, so a run whose event waits for it "
        "would count whatever the duration; give a duration up to {}, or the scenario a "
        "horizon of at least T0+{}",
        text, format_duration(*later_than), stop, scenario.steps[retrying->value].id, stop,
        format_duration(*later_than)));
  }
  event.later_than = *later_than;
  return event;
}

}  // namespace faultline
