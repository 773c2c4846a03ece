#include "faultline/run_event.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace faultline {

namespace {

[[noreturn]] void reject(const std::string& why) {
  throw std::invalid_argument(why);
}

std::vector<std::string> observed_ids(const Scenario& scenario) {
  std::vector<std::string> ids;
  for (const Milestone& m : scenario.observed)
    ids.push_back(m.id);
  return ids;
}

void name_subject(const Scenario& scenario, std::string_view name, RunEvent& event) {
  if (name.empty())
    reject(fmt::format("{}: names nothing", word_of(event.kind)));
  switch (event.kind) {
    case RunEventKind::all_restored:
      reject("all-restored takes no name");
    case RunEventKind::service_restored:
      event.service = scenario.topology->find_service(name);
      if (!event.service)
        reject(fmt::format("the topology has no service '{}'", name));
      return;
    case RunEventKind::step_completed:
      event.step = scenario.find_step(name);
      if (!event.step)
        reject(fmt::format("the runbook has no step '{}'", name));
      return;
    case RunEventKind::milestone:
      for (std::size_t m = 0; m < scenario.observed.size(); ++m) {
        if (scenario.observed[m].id == name)
          event.milestone = m;
      }
      if (!event.milestone) {
        reject(fmt::format(
            "the scenario observes no milestone '{}' (it has {})", name,
            scenario.observed.empty() ? std::string("none") : as_sentence(observed_ids(scenario))));
      }
      return;
  }
}

}  // namespace

RunEvent parse_run_event(const Scenario& scenario, std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view word = text.substr(0, colon);
  const auto kind = parse_word<RunEventKind>(word);
  if (!kind)
    reject(fmt::format("'{}' is no event", word));
  RunEvent event;
  event.kind = *kind;
  if (colon != std::string_view::npos)
    name_subject(scenario, text.substr(colon + 1), event);
  else if (event.kind != RunEventKind::all_restored)
    reject(fmt::format("{} needs a name after a colon", word));
  return event;
}

std::string run_event_text(const Scenario& scenario, const RunEvent& event) {
  const std::string word(word_of(event.kind));
  switch (event.kind) {
    case RunEventKind::all_restored:
      return word;
    case RunEventKind::service_restored:
      return word + ":" + scenario.topology->service(*event.service).id;
    case RunEventKind::step_completed:
      return word + ":" + scenario.steps[event.step->value].id;
    case RunEventKind::milestone:
      return word + ":" + scenario.observed[*event.milestone].id;
  }
  return word;
}

std::optional<SimTime> event_time(const RunEvent& event, const RunResult& run) {
  switch (event.kind) {
    case RunEventKind::all_restored:
      return run.all_restored;
    case RunEventKind::service_restored: {
      const ServiceOutcome& o = run.services[event.service->value];
      if (o.restored_at)
        return o.restored_at;
      const bool out = o.final_state == ServiceState::partial_outage ||
                       o.final_state == ServiceState::major_outage;
      return out ? std::nullopt : std::optional(SimTime{});
    }
    case RunEventKind::step_completed:
      return run.steps[event.step->value].completed;
    case RunEventKind::milestone:
      return run.observed[*event.milestone].simulated;
  }
  return std::nullopt;
}

std::int64_t event_ms(const RunEvent& event, const RunResult& run) {
  const auto at = event_time(event, run);
  return at ? at->since_t0().ms : kNeverMs;
}

}  // namespace faultline
