#include "rehearse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <optional>
#include <utility>
#include <vector>

#include "faultline/rehearsal.hpp"
#include "faultline/reports/atomic_file.hpp"
#include "faultline/reports/text.hpp"
#include "faultline/runbook.hpp"
#include "output.hpp"

namespace faultline::cli {

namespace {

constexpr const char* kHelp =
    R"(Commands (times are T0+DURATION or a local date-time such as 2018-09-26 09:00):
  status                       the status page now: users, services, runbook, crews
  next                         go to the next event
  advance DURATION             go forward by a duration, such as 2h or 1d6h
  goto TIME                    go forward to a time
  delay STEP DURATION          hold a step up: one not started starts no earlier than
                               now + DURATION; a running one takes DURATION longer
  fail STEP                    the step's attempt under way fails now (one starting now,
                               or the next of a step not under way, when its work is
                               done); its retries and rollback follow
  fault outage SERVICE [F]     SERVICE serves at most fraction F (0) from now
  fault delete DEPLOYMENT      DEPLOYMENT's instances are deleted now
  crew CREW SIZE               CREW has SIZE members from now on (until its next
                               resized entry, if the scenario has one to come)
  undo                         go back one command
  save FILE                    write the rehearsed scenario as YAML that validate accepts
  help                         this list
  quit                         end the session
An id that holds spaces is written in double quotes: delay "fix db" 2h.
)";

const std::vector<std::string> kCommands = {"status", "next", "advance", "goto", "delay", "fail",
                                            "fault",  "crew", "undo",    "save", "help",  "quit"};

// The line's words, split at spaces and tabs; double quotes keep spaces in
// one word, as in an id such as "fix db" (ids may hold them). Nothing for a
// quote left open.
std::optional<std::vector<std::string>> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool in_word = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (c == ' ' || c == '\t' || c == '\r')) {
      if (in_word)
        words.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quoted)
    return std::nullopt;
  if (in_word)
    words.push_back(word);
  return words;
}

std::string rest_of(const std::vector<std::string>& words, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i)
    out += (out.empty() ? "" : " ") + words[i];
  return out;
}

class Session {
 public:
  // `inputs`: the files the session read, which save must not overwrite.
  Session(Rehearsal rehearsal, std::vector<std::string> inputs, std::ostream& out)
      : r_(std::move(rehearsal)), inputs_(std::move(inputs)), out_(out) {}

  // Says why a command was refused; false.
  bool refuse(const std::string& why) {
    out_ << "refused: " << why << "\n";
    refused_ = true;
    return false;
  }
  bool any_refused() const { return refused_; }

  // False when the command was refused.
  bool run(const std::vector<std::string>& w) {
    const std::string& c = w[0];
    const std::size_t args = w.size() - 1;
    before_ = r_.now();
    if (c == "help")
      return say(kHelp);
    if (c == "status")
      return say(reports::rehearsal_status_text(r_));
    if (c == "next" && args == 0)
      return moved(r_.next());
    if (c == "advance" && args == 1) {
      const auto d = parse_duration(w[1]);
      if (!d)
        return refuse("advance takes a duration up to " + format_duration(kLongestDuration) +
                      " such as 2h or 1d6h, found '" + w[1] + "'");
      return moved(r_.advance_to(r_.now() + *d));
    }
    if (c == "goto" && args >= 1) {
      const ScenarioClock& clock = r_.scenario().clock;
      const auto t = clock.parse_time(rest_of(w, 1));
      if (const auto trouble = ScenarioClock::local_time_trouble(rest_of(w, 1), clock.zone());
          !t && trouble)
        return refuse("goto: " + *trouble + "; give it as T0+DURATION");
      if (!t) {
        return refuse(
            "goto takes T0+DURATION or a local date-time such as 2018-09-26 09:00, "
            "found '" +
            rest_of(w, 1) + "'");
      }
      return moved(r_.advance_to(*t));
    }
    if (c == "delay" && args == 2) {
      const auto d = parse_duration(w[2]);
      if (!d || d->ms <= 0)
        return refuse("delay takes a step and a duration above 0 such as 2h, found '" + w[2] + "'");
      return changed(r_.delay(w[1], *d), "delayed " + w[1] + " by " + format_duration(*d));
    }
    if (c == "fail" && args == 1) {
      const std::string what = failing_words(w[1]);  // before the step fails
      return changed(r_.fail(w[1]), what);
    }
    if (c == "fault")
      return add_fault(w);
    if (c == "crew" && args == 2)
      return resize_crew(w[1], w[2]);
    if (c == "undo" && args == 0) {
      if (auto problem = r_.undo())
        return refuse(*problem);
      return say(fmt::format("undone; now at {}\n", r_.scenario().clock.local_text(r_.now())));
    }
    if (c == "save" && args >= 1)
      return save(rest_of(w, 1));
    if (std::find(kCommands.begin(), kCommands.end(), c) != kCommands.end())
      return refuse("'" + c + "' does not take these arguments; type help for how to use it");
    return refuse("unknown command '" + c + "'" + did_you_mean(c, kCommands) +
                  "; type help for the list");
  }

 private:
  // fault outage SERVICE [FRACTION], or fault delete DEPLOYMENT.
  bool add_fault(const std::vector<std::string>& w) {
    const std::size_t args = w.size() - 1;
    if (args >= 2 && w[1] == "outage" && args <= 3) {
      // Written out in decimals, from 0 to below 1: 0x1p-2 and nan are not
      // what anyone types for a quarter, and nan was refused in the YAML's
      // words (found by a helper).
      double fraction = 0;
      if (args == 3) {
        const std::string& text = w[3];
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), fraction,
                                                  std::chars_format::fixed);
        if (error != std::errc{} || end != text.data() + text.size() || !(fraction >= 0) ||
            !(fraction < 1)) {
          return refuse(
              "the served fraction must be a decimal from 0 to below 1, such as 0.25, "
              "found '" +
              text + "'");
        }
      }
      // At most: an outage caps what the service serves, and one already
      // serving less, or nothing, serves no more (found by a helper: one
      // already at 0% was said to stop serving now).
      const std::string what = w[2] + " " + reports::outage_cap_text(fraction) + " from now";
      return changed(r_.add_outage(w[2], fraction), what);
    }
    if (args == 2 && w[1] == "delete")
      return changed(r_.add_deletion(w[2]), w[2] + " loses its instances now");
    return refuse("fault takes 'outage SERVICE [FRACTION]' or 'delete DEPLOYMENT'");
  }

  bool resize_crew(const std::string& crew, const std::string& size_text) {
    int size = -1;
    try {
      std::size_t used = 0;
      size = std::stoi(size_text, &used);
      if (used != size_text.size())
        size = -1;
    } catch (const std::exception&) {
      size = -1;
    }
    if (size < 0)
      return refuse("crew takes a crew and a size of 0 or more, found '" + size_text + "'");
    const std::string what = resizing_words(crew, size);  // before the resize
    return changed(r_.resize(crew, size), what);
  }

  // What a resize does: the size holds until the crew's next `resized`
  // entry, if the scenario has one to come, and changes nothing when none
  // of the crew's steps is left to do.
  std::string resizing_words(const std::string& crew, int size) const {
    const Scenario& scenario = r_.scenario();
    std::string what = fmt::format("{} has {} member(s) from now", crew, size);
    const auto c = std::find_if(scenario.crews.begin(), scenario.crews.end(),
                                [&](const Crew& k) { return k.id == crew; });
    if (c == scenario.crews.end())
      return what;
    const auto next = std::find_if(c->resized.begin(), c->resized.end(),
                                   [&](const CrewResize& r) { return r.at > r_.now(); });
    if (next != c->resized.end()) {
      what += fmt::format(" until {}, when its resized entry makes it {}",
                          scenario.clock.local_text(next->at), next->size);
    }
    std::vector<StepStatus> status;
    for (std::uint32_t s = 0; s < scenario.steps.size(); ++s)
      status.push_back(step_status_at(scenario, r_.result(), StepId{s}, r_.now()));
    const CrewId id{static_cast<std::uint32_t>(c - scenario.crews.begin())};
    return crew_needed(scenario, status, id)
               ? what
               : what + " (none of its steps is left to do: it changes nothing)";
  }

  bool say(const std::string& text) {
    out_ << text;
    return true;
  }

  bool moved(const std::optional<std::string>& problem) {
    if (problem)
      return refuse(*problem);
    out_ << reports::events_text(r_.scenario(), r_.result(), before_, r_.now());
    out_ << fmt::format("now {} ({})\n", r_.scenario().clock.local_text(r_.now()),
                        human_offset(r_.now()));
    return true;
  }

  // What failing the step does (see fails_at): an attempt under way since
  // before now fails now; one starting now, the next of a step awaiting a
  // retry, or the first of a step yet to start, fails when its work is done.
  std::string failing_words(const std::string& step) const {
    const auto s = r_.scenario().find_step(step);
    if (!s)
      return step;
    if (step_status_at(r_.scenario(), r_.result(), *s, r_.now()) != StepStatus::running)
      return step + " has not started: its first attempt will fail when its work is done";
    const auto since = attempt_under_way_since(r_.result(), *s, r_.now());
    if (!since)
      return step + " awaits a retry: its next attempt will fail when its work is done";
    if (*since < r_.now())
      return step + " fails now";
    return step + "'s attempt starting now will fail when its work is done";
  }

  bool changed(const std::optional<std::string>& problem, const std::string& what) {
    if (problem)
      return refuse(*problem);
    out_ << what << "; " << reports::rehearsal_outcome_text(r_) << '\n';
    return true;
  }

  // Found by a helper: save estate.yaml replaced the topology the
  // scenario reads, which then no longer loaded.
  bool save(const std::string& path) {
    if (const auto input = input_named(path, inputs_)) {
      return refuse("save " + path + " would overwrite " + *input +
                    ", which this rehearsal read; save elsewhere");
    }
    try {
      reports::write_file_atomically(path, r_.yaml(path));
    } catch (const std::exception& e) {
      return refuse(e.what());
    }
    return say("saved " + path + "\n");
  }

  Rehearsal r_;
  std::vector<std::string> inputs_;
  bool refused_ = false;
  std::ostream& out_;
  SimTime before_;  // the time before the command
};

}  // namespace

int rehearse(const std::string& scenario_path, const LoadOptions& options, std::istream& in,
             std::ostream& out, bool echo, bool prompt, const std::string& script_file) {
  Diagnostics diagnostics;
  auto rehearsal = Rehearsal::open(scenario_path, diagnostics, options);
  std::cerr << diagnostics.to_text();
  if (!rehearsal)
    return 2;
  std::vector<std::string> inputs = {scenario_path, rehearsal->scenario().topology->file()};
  if (!script_file.empty())
    inputs.push_back(script_file);
  Session session(std::move(*rehearsal), std::move(inputs), out);
  out << "Rehearsing " << scenario_path << "; type help for the commands\n";
  session.run({"status"});
  for (std::string line; (prompt && (out << "> " << std::flush)), std::getline(in, line);) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#')
      continue;
    const auto words = words_of(line);
    if (echo)
      out << "> " << line << "\n";
    if (!words) {
      session.refuse(
          "a double quote is left open; put one at each end of a word that holds "
          "spaces");
      continue;
    }
    if (words->front() == "quit" || words->front() == "exit")
      break;
    session.run(*words);
  }
  return echo && session.any_refused() ? 2 : 0;
}

}  // namespace faultline::cli
