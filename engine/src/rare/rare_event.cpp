#include <fmt/format.h>

#include <stdexcept>

#include "faultline/rare.hpp"
#include "rare/event_time.hpp"

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

std::vector<std::string> observed_ids(const Scenario& scenario) {
  std::vector<std::string> ids;
  for (const Milestone& m : scenario.observed)
    ids.push_back(m.id);
  return ids;
}

void name_subject(const Scenario& scenario, std::string_view text, std::string_view name,
                  RareEvent& event) {
  if (name.empty())
    reject(text, fmt::format("{}: names nothing", word_of(event.subject)));
  switch (event.subject) {
    case RareSubject::all_restored:
      reject(text, "all-restored takes no name");
    case RareSubject::service_restored:
      event.service = scenario.topology->find_service(name);
      if (!event.service)
        reject(text, fmt::format("the topology has no service '{}'", name));
      return;
    case RareSubject::step_completed:
      event.step = scenario.find_step(name);
      if (!event.step)
        reject(text, fmt::format("the runbook has no step '{}'", name));
      return;
    case RareSubject::milestone:
      for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
        if (scenario.observed[m].id == name)
          event.milestone = m;
      }
      if (!event.milestone) {
        reject(text, fmt::format("the scenario observes no milestone '{}' (it has {})", name,
                                 scenario.observed.empty() ? std::string("none")
                                                           : as_sentence(observed_ids(scenario))));
      }
      return;
  }
}

}  // namespace

RareEvent parse_rare_event(const Scenario& scenario, std::string_view text) {
  const auto split = text.find(kLaterThan);
  if (split == std::string_view::npos)
    reject(text, "it says no \"later than\"");
  RareEvent event;
  event.text = std::string(text);
  const std::string_view subject = text.substr(0, split);
  const std::string_view after = text.substr(split + kLaterThan.size());
  const auto colon = subject.find(':');
  const std::string_view word = subject.substr(0, colon);
  const auto kind = parse_word<RareSubject>(word);
  if (!kind)
    reject(text, fmt::format("'{}' is no event", word));
  event.subject = *kind;
  if (colon != std::string_view::npos) {
    name_subject(scenario, text, subject.substr(colon + 1), event);
  } else if (event.subject != RareSubject::all_restored) {
    reject(text, fmt::format("{} needs a name after a colon", word));
  }
  const auto later_than = parse_duration(after);
  if (!later_than)
    reject(text, fmt::format("'{}' is no duration", after));
  if (later_than->ms <= 0)
    reject(text, "the duration must be more than 0");
  event.later_than = *later_than;
  return event;
}

namespace detail {

std::optional<SimTime> event_time(const RareEvent& event, const RunResult& run) {
  switch (event.subject) {
    case RareSubject::all_restored:
      return run.all_restored;
    case RareSubject::service_restored: {
      const ServiceOutcome& o = run.services[event.service->value];
      if (o.restored_at)
        return o.restored_at;
      const bool out = o.final_state == ServiceState::partial_outage ||
                       o.final_state == ServiceState::major_outage;
      return out ? std::nullopt : std::optional(SimTime{});
    }
    case RareSubject::step_completed:
      return run.steps[event.step->value].completed;
    case RareSubject::milestone:
      return run.observed[*event.milestone].simulated;
  }
  return std::nullopt;
}

}  // namespace detail

}  // namespace faultline
