#include <fmt/format.h>

#include <algorithm>

#include "faultline/reports/json.hpp"
#include "faultline/reports/text.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// The event in words: "every service serving everyone again later than
// 5d after T0 (or never)".
std::string event_words(const Scenario& scenario, const RareEvent& e) {
  return fmt::format("{} later than {} after T0 (or never)", run_event_words(scenario, e.what),
                     format_duration(e.later_than));
}

// 3.12e-06: probabilities span too many orders for fixed decimals.
std::string probability(double p) {
  return fmt::format("{:.3g}", p);
}

std::string stretch_text(const Stretch& s) {
  return fmt::format("durations x{:.3g}, failures x{:.3g}", s.durations, s.outcomes);
}

// The sites stretched most, at most kShownSites of them and by 1% or more:
// where the search found the long outages come from.
constexpr std::size_t kShownSites = 8;
constexpr double kLeastShownStretch = 1.01;

std::string sites_text(const RareEventEstimate& e) {
  std::vector<const StretchedSite*> stretched;
  for (const StretchedSite& site : e.sites) {
    if (site.stretch >= kLeastShownStretch)
      stretched.push_back(&site);
  }
  std::stable_sort(stretched.begin(), stretched.end(),
                   [](const auto* a, const auto* b) { return a->stretch > b->stretch; });
  std::string text = fmt::format("  stretched        {} of {} draw sites by 1% or more",
                                 stretched.size(), e.sites.size());
  text += stretched.empty() ? "\n" : ", most:\n";
  for (std::size_t i = 0; i < std::min(stretched.size(), kShownSites); ++i) {
    text += fmt::format("    x{:<8.3g} {}\n", stretched[i]->stretch, stretched[i]->name);
  }
  return text;
}

std::string search_text(const RareEventEstimate& e) {
  if (e.search.empty())
    return fmt::format("  stretch          given: {}\n", stretch_text(e.shared));
  std::string text = fmt::format(
      "  stretch          chosen site by site by the cross-entropy method over {} levels of {} "
      "runs\n",
      e.search.size(), thousands(static_cast<std::int64_t>(e.search_runs / e.search.size())));
  for (const StretchLevel& l : e.search) {
    text += fmt::format("    at most {:<34} {} runs {} {}\n", stretch_text(l.most),
                        thousands(static_cast<std::int64_t>(l.runs_counted)),
                        l.at_threshold ? "past" : "at or past",
                        format_duration(Duration::seconds((l.level.ms + 500) / 1000)));
  }
  text += sites_text(e);
  text += fmt::format(
      "  mixture          {}% of the runs at the stretches of each site, {}% at {} everywhere\n",
      e.site_by_site_percent, 100 - e.site_by_site_percent, stretch_text(e.shared));
  if (!e.search_reached) {
    text +=
        "  warning: the search stopped short of the threshold; the estimate is unbiased "
        "but its error may be large and understated: raise --level-runs\n";
  }
  return text;
}

}  // namespace

std::string rare_event_text(const Scenario& scenario, const RareEventEstimate& e) {
  std::string text = fmt::format("Rare event: {}\n", event_words(scenario, e.event));
  text += search_text(e);
  if (e.hits == 0) {
    text += fmt::format(
        "  probability      no run of {} reached it: no estimate (raise --runs, or the event "
        "may be impossible)\n",
        thousands(static_cast<std::int64_t>(e.runs)));
    return text;
  }
  text += fmt::format("  probability      {} (relative error {:.1f}%; 95% interval {} to {})\n",
                      probability(e.probability), 100 * e.relative_error, probability(e.low),
                      probability(e.high));
  text += fmt::format(
      "  runs             {} weighed, {} of them past the threshold (as "
      "useful as {} unweighted hits)\n",
      thousands(static_cast<std::int64_t>(e.runs)), thousands(static_cast<std::int64_t>(e.hits)),
      thousands(std::llround(e.effective_hits)));
  if (const auto plain = e.plain_runs_for_same_error()) {
    text += fmt::format(
        "  plain Monte Carlo would need {} runs for the same error: {}x the {} runs made\n",
        probability(*plain), number(*e.speedup()),
        thousands(static_cast<std::int64_t>(e.runs + e.search_runs)));
  } else if (e.probability >= 1) {
    text += "  plain Monte Carlo would see it in every run: the event is not rare\n";
  } else {
    text +=
        "  plain Monte Carlo no comparison: the estimate has no spread to match (its runs weigh "
        "alike); raise --runs\n";
  }
  if (e.unplanned_draws > 0) {
    text += fmt::format(
        "  note: {} draws came from parameters no draw site names, drawn as the "
        "scenario says\n",
        thousands(static_cast<std::int64_t>(e.unplanned_draws)));
  }
  // Fewer than 30 hits are too few however they weigh; past that, a few
  // heavy weights can make the estimate as unsure.
  if (e.hits < 30) {
    text += fmt::format(
        "  warning: only {} run{} passed the threshold; the error may be understated: raise "
        "--runs\n",
        e.hits, e.hits == 1 ? "" : "s");
  } else if (e.effective_hits < 30) {
    text +=
        "  warning: a few runs' weights make most of the estimate; its error may be "
        "understated: raise --runs\n";
  }
  return text;
}

ordered_json rare_event_json(const Scenario& scenario, const RareEventEstimate& e) {
  ordered_json j = result_header();
  j["scenario"] = {{"name", scenario.name}, {"file", scenario.file}};
  j["event"] = {{"text", e.event.text},
                {"subject", std::string(word_of(e.event.what.kind))},
                {"later_than_s", static_cast<double>(e.event.later_than.ms) / 1000}};
  j["seed"] = e.seed;
  j["sites"] = ordered_json::array();
  for (const StretchedSite& site : e.sites) {
    j["sites"].push_back({{"name", site.name},
                          {"kind", site.kind == DrawKind::duration ? "duration" : "outcome"},
                          {"stretch", site.stretch}});
  }
  j["shared_stretch"] = {{"durations", e.shared.durations}, {"outcomes", e.shared.outcomes}};
  j["site_by_site_percent"] = e.site_by_site_percent;
  j["search"] = ordered_json::array();
  for (const StretchLevel& l : e.search) {
    j["search"].push_back(
        {{"most_stretch", {{"durations", l.most.durations}, {"outcomes", l.most.outcomes}}},
         {"level_s", static_cast<double>(l.level.ms) / 1000},
         {"at_threshold", l.at_threshold},
         {"runs_counted", l.runs_counted}});
  }
  j["search_reached"] = e.search.empty() ? ordered_json() : ordered_json(e.search_reached);
  j["search_runs"] = e.search_runs;
  j["runs"] = e.runs;
  j["hits"] = e.hits;
  // Without a hit there is no estimate, as the text says, not a certain 0
  // (found by a helper).
  const auto estimated = [&](auto value) {
    return e.hits > 0 ? ordered_json(value) : ordered_json();
  };
  j["probability"] = estimated(e.probability);
  j["relative_error"] = estimated(e.relative_error);
  j["interval_95"] = e.hits > 0 ? ordered_json{e.low, e.high} : ordered_json();
  j["effective_hits"] = e.effective_hits;
  j["unplanned_draws"] = e.unplanned_draws;
  const auto or_null = [](std::optional<double> value) {
    return value ? ordered_json(*value) : ordered_json();
  };
  j["plain_runs_for_same_error"] = or_null(e.plain_runs_for_same_error());
  j["speedup"] = or_null(e.speedup());
  return j;
}

}  // namespace faultline::reports
