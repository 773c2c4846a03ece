#pragma once
// The words the YAML accepts for each enum it names, one table per enum:
// the loader parses with it and says what it expected and what was meant,
// reports print with it, and the JSON Schema (schema.hpp) lists it. Adding a value
// is adding a row, then its behaviour.

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/distribution.hpp"
#include "faultline/model.hpp"

namespace faultline {

template <class E>
struct Word {
  std::string_view text;
  E value;
  // For an enum that picks a variant (a fault's kind, a step's action): of
  // WordTable::variant_keys, the ones this variant takes. For others, the
  // keys that accept the word.
  std::span<const std::string_view> keys = {};
  // How reports and JSON name the value, when not as the YAML does.
  std::string_view shown = {};
};

// Words as a sentence lists them: "a, b or c".
std::string as_sentence(const std::vector<std::string>& words);

// Specialised below for each enum: `rows`, in the order messages list them,
// and for variants, `variant_keys`: the keys some variants take and others
// do not.
template <class E>
struct WordTable;

template <class E>
constexpr std::optional<E> parse_word(std::string_view text) {
  for (const Word<E>& w : WordTable<E>::rows) {
    if (w.text == text)
      return w.value;
  }
  return std::nullopt;
}

template <class E>
constexpr const Word<E>& word_row(E value) {
  for (const Word<E>& w : WordTable<E>::rows) {
    if (w.value == value)
      return w;
  }
  return WordTable<E>::rows.front();
}

template <class E>
constexpr std::string_view word_of(E value) {
  return word_row(value).text;
}

// The name reports and JSON give the value.
template <class E>
constexpr std::string_view shown_word(E value) {
  const Word<E>& w = word_row(value);
  return w.shown.empty() ? w.text : w.shown;
}

// Whether the value's row takes `key` (a milestone event its subject's
// key, a state `below`).
template <class E>
constexpr bool word_takes(E value, std::string_view key) {
  const auto keys = word_row(value).keys;
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The accepted words, as a constant array (for the schema's tables).
template <class E>
inline constexpr auto word_texts = [] {
  std::array<std::string_view, WordTable<E>::rows.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = WordTable<E>::rows[i].text;
  return out;
}();

// The accepted words, for did-you-mean.
template <class E>
std::vector<std::string> accepted_words() {
  std::vector<std::string> out;
  for (const Word<E>& w : WordTable<E>::rows)
    out.emplace_back(w.text);
  return out;
}

// The accepted words as a sentence lists them: "a, b or c".
template <class E>
std::string expected_words() {
  return as_sentence(accepted_words<E>());
}

// The words whose rows take `key` (a milestone's `service` or `step`), for
// did-you-mean and as a sentence.
template <class E>
std::vector<std::string> accepted_words(std::string_view key) {
  std::vector<std::string> out;
  for (const Word<E>& w : WordTable<E>::rows) {
    if (word_takes(w.value, key))
      out.emplace_back(w.text);
  }
  return out;
}

template <class E>
std::string expected_words(std::string_view key) {
  return as_sentence(accepted_words<E>(key));
}

// Of the variant keys, those the variant `value` does not take, in the
// table's order.
template <class E>
std::vector<std::string_view> keys_not_taken(E value) {
  const auto taken = word_row(value).keys;
  std::vector<std::string_view> out;
  for (const std::string_view key : WordTable<E>::variant_keys) {
    if (std::find(taken.begin(), taken.end(), key) == taken.end())
      out.push_back(key);
  }
  return out;
}

namespace words {
inline constexpr std::string_view kDeleteInstances[] = {"region", "zone", "deployments",
                                                        "instances"};
inline constexpr std::string_view kOutage[] = {"service", "served_fraction", "lasts", "cache_ttl",
                                               "tenants"};
inline constexpr std::string_view kBadDeploy[] = {"region",  "zone",  "deployments",
                                                  "service", "every", "per_wave"};
inline constexpr std::string_view kDegradation[] = {"region",   "zone",        "deployments",
                                                    "service",  "packet_loss", "added_latency",
                                                    "capacity", "lasts"};
inline constexpr std::string_view kRebuild[] = {"deployments", "region", "zone"};
inline constexpr std::string_view kRestore[] = {"service", "to", "add"};
inline constexpr std::string_view kEnableInWaves[] = {"service", "waves"};
inline constexpr std::string_view kFailOver[] = {"service", "to"};
inline constexpr std::string_view kOfFault[] = {"fault"};
inline constexpr std::string_view kRestoreTenants[] = {"service", "batches", "per_tenant"};
inline constexpr std::string_view kOfService[] = {"service"};
inline constexpr std::string_view kThreshold[] = {"below", "at_least"};
inline constexpr std::string_view kOfStep[] = {"step"};
inline constexpr std::string_view kShareBack[] = {"share", "group"};
inline constexpr std::string_view kValue[] = {"value"};
inline constexpr std::string_view kMinMax[] = {"min", "max"};
inline constexpr std::string_view kMinModeMax[] = {"min", "mode", "max"};
inline constexpr std::string_view kMeanSd[] = {"mean", "sd"};
inline constexpr std::string_view kMedianP95[] = {"median", "p95"};
inline constexpr std::string_view kMean[] = {"mean"};
inline constexpr std::string_view kShapeScale[] = {"shape", "scale"};
inline constexpr std::string_view kSamples[] = {"samples"};
}  // namespace words

template <>
struct WordTable<FaultKind> {
  static constexpr std::array<Word<FaultKind>, 4> rows{{
      {"delete-instances", FaultKind::delete_instances, words::kDeleteInstances},
      {"outage", FaultKind::outage, words::kOutage},
      {"bad-deploy", FaultKind::bad_deploy, words::kBadDeploy},
      {"degradation", FaultKind::degradation, words::kDegradation},
  }};
  static constexpr std::array<std::string_view, 14> variant_keys{
      "region",          "zone",        "deployments",   "instances", "service",
      "served_fraction", "lasts",       "cache_ttl",     "tenants",   "every",
      "per_wave",        "packet_loss", "added_latency", "capacity"};
};

template <>
struct WordTable<ActionKind> {
  static constexpr std::array<Word<ActionKind>, 8> rows{{
      {"none", ActionKind::none},
      {"rebuild", ActionKind::rebuild, words::kRebuild},
      {"restore", ActionKind::restore, words::kRestore},
      {"enable-in-waves", ActionKind::enable_waves, words::kEnableInWaves},
      {"fail-over", ActionKind::fail_over, words::kFailOver},
      {"halt-rollout", ActionKind::halt_rollout, words::kOfFault},
      {"restore-tenants", ActionKind::restore_tenants, words::kRestoreTenants},
      {"mitigate", ActionKind::mitigate, words::kOfFault},
  }};
  static constexpr std::array<std::string_view, 10> variant_keys{
      "deployments", "region", "zone",  "service", "to",
      "add",         "waves",  "fault", "batches", "per_tenant"};
};

template <>
struct WordTable<InFlight> {
  static constexpr std::array<Word<InFlight>, 2> rows{{
      {"finish", InFlight::finish},
      {"hand-over", InFlight::hand_over},
  }};
};

template <>
struct WordTable<BatchOrder> {
  static constexpr std::array<Word<BatchOrder>, 5> rows{{
      {"as-listed", BatchOrder::as_listed},
      {"largest-first", BatchOrder::largest_first},
      {"smallest-first", BatchOrder::smallest_first},
      {"oldest-first", BatchOrder::oldest_first},
      {"random", BatchOrder::random},
  }};
};

template <>
struct WordTable<Redundancy> {
  static constexpr std::array<Word<Redundancy>, 4> rows{{
      {"none", Redundancy::none},
      {"active-active", Redundancy::active_active},
      {"active-passive", Redundancy::active_passive},
      {"k-of-n", Redundancy::k_of_n},
  }};
};

template <>
struct WordTable<DependencyKind> {
  static constexpr std::array<Word<DependencyKind>, 2> rows{{
      {"hard", DependencyKind::hard},
      {"soft", DependencyKind::soft},
  }};
};

// A service's state; a step's `only_if: {below: ...}` and `requires:
// {at_least: ...}` take all but the worst (the YAML also takes them with
// underscores). Reports and JSON name them with underscores.
template <>
struct WordTable<ServiceState> {
  static constexpr std::array<Word<ServiceState>, 4> rows{{
      {"operational", ServiceState::operational, words::kThreshold},
      {"degraded-performance", ServiceState::degraded_performance, words::kThreshold,
       "degraded_performance"},
      {"partial-outage", ServiceState::partial_outage, words::kThreshold, "partial_outage"},
      {"major-outage", ServiceState::major_outage, {}, "major_outage"},
  }};
};

// A milestone's event: its row takes the key naming what it is about.
template <>
struct WordTable<MilestoneEvent> {
  static constexpr std::array<Word<MilestoneEvent>, 7> rows{{
      {"down", MilestoneEvent::service_down, words::kOfService},
      {"partly-restored", MilestoneEvent::service_partly_restored, words::kOfService},
      {"restored", MilestoneEvent::service_restored, words::kOfService},
      {"started", MilestoneEvent::step_started, words::kOfStep},
      {"completed", MilestoneEvent::step_completed, words::kOfStep},
      {"tenants-back", MilestoneEvent::tenants_back, words::kShareBack},
      {"tenant-users-back", MilestoneEvent::tenant_users_back, words::kShareBack},
  }};
};

// What a step's or method's `unknown` mapping names, one key each: the
// parameters `calibrate` fits.
template <>
struct WordTable<UnknownKind> {
  static constexpr std::array<Word<UnknownKind>, 3> rows{{
      {"median", UnknownKind::median},
      {"success", UnknownKind::success},
      {"arrival", UnknownKind::arrival},
  }};
};

// A distribution's kind, in the order the README lists them, with the
// parameters it takes (a lognormal also takes mu and sigma instead).
template <>
struct WordTable<DistributionKind> {
  static constexpr std::array<Word<DistributionKind>, 9> rows{{
      {"fixed", DistributionKind::fixed, words::kValue},
      {"uniform", DistributionKind::uniform, words::kMinMax},
      {"triangular", DistributionKind::triangular, words::kMinModeMax},
      {"normal", DistributionKind::normal, words::kMeanSd},
      {"lognormal", DistributionKind::lognormal, words::kMedianP95},
      {"exponential", DistributionKind::exponential, words::kMean},
      {"weibull", DistributionKind::weibull, words::kShapeScale},
      {"pert", DistributionKind::pert, words::kMinModeMax},
      {"empirical", DistributionKind::empirical, words::kSamples},
  }};
};

// The heuristics first: heuristic_strategies() are the first six.
template <>
struct WordTable<StrategyKind> {
  static constexpr std::array<Word<StrategyKind>, 8> rows{{
      {"as-written", StrategyKind::as_written},
      {"most-users-first", StrategyKind::most_users_first},
      {"dependency-order", StrategyKind::dependency_order},
      {"shortest-first", StrategyKind::shortest_first},
      {"critical-path", StrategyKind::critical_path},
      {"weighted-shortest-first", StrategyKind::weighted_shortest_first},
      {"priority", StrategyKind::priority},
      {"optimize", StrategyKind::optimize},
  }};
};

}  // namespace faultline
