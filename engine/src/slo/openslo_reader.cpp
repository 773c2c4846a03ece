// OpenSLO v1 SLO documents into Slo, every problem located. The keys of
// each mapping are OpenSLO's (github.com/OpenSLO/OpenSLO, v1); a key it does
// not define is refused with the closest one it does, as a typo would
// otherwise change the budget silently.

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>

#include "faultline/slo.hpp"
#include "loader/loaders.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline {

namespace {

using schema::Form;
using schema::Key;
using schema::Shape;
using schema::Value;

constexpr Value kText{.form = Form::text};

constexpr Key kDocumentKeys[] = {
    {"apiVersion", kText, "openslo/v1", true},
    {"kind", kText, "SLO", true},
    {"metadata", kText, "name, displayName, labels, annotations", true},
    {"spec", kText, "what the SLO holds", true},
};
constexpr Shape kDocument{
    .name = "SLO", .description = "An OpenSLO v1 SLO document", .keys = kDocumentKeys};

constexpr Key kMetadataKeys[] = {
    {"name", kText, "the SLO's name", true},
    {"displayName", kText, "its name for people"},
    {"labels", kText, "passed over"},
    {"annotations", kText, "passed over"},
};
constexpr Shape kMetadata{
    .name = "metadata", .description = "The SLO's name", .keys = kMetadataKeys};

constexpr Key kSpecKeys[] = {
    {"description", kText, "passed over"},
    {"service", kText, "a service id of the topology", true},
    {"indicator", kText, "passed over: the indicator is the service's availability"},
    {"indicatorRef", kText, "passed over, as indicator"},
    {"timeWindow", kText, "one rolling window", true},
    {"budgetingMethod", kText, "Occurrences, Timeslices or RatioTimeslices", true},
    {"objectives", kText, "one or more", true},
    {"alertPolicies", kText, "passed over"},
};
constexpr Shape kSpec{.name = "spec", .description = "What the SLO holds", .keys = kSpecKeys};

constexpr Key kWindowKeys[] = {
    {"duration", kText, "a duration shorthand such as 28d or 4w", true},
    {"isRolling", kText, "true"},
    {"calendar", kText, "refused: calendar-aligned windows"},
};
constexpr Shape kWindow{
    .name = "timeWindow", .description = "A rolling window", .keys = kWindowKeys};

constexpr Key kObjectiveKeys[] = {
    {"displayName", kText, "its name"},
    {"op", kText, "gt or gte: availability is met at or above its target"},
    {"value", kText, "refused: threshold objectives"},
    {"target", kText, "[0, 1)"},
    {"targetPercent", kText, "[0, 100)"},
    {"timeSliceTarget", kText, "(0, 1]"},
    {"timeSliceWindow", kText, "minutes, or a duration shorthand"},
    {"indicator", kText, "refused: composite objectives"},
    {"indicatorRef", kText, "refused: composite objectives"},
    {"compositeWeight", kText, "refused: composite objectives"},
};
constexpr Shape kObjective{.name = "objective",
                           .description = "A target for the service's availability",
                           .keys = kObjectiveKeys};

// OpenSLO's duration shorthand, a positive whole number and one of m, h, d,
// w, M, Q, Y; months, quarters and years have no fixed length, so only the
// first four are taken. Nothing (the problem reported) otherwise.
std::optional<Duration> shorthand(loader::Reader& reader, const loader::yaml::Node& node,
                                  std::string_view what) {
  const std::string text = reader.text(node, what).value_or("");
  if (text.empty())
    return std::nullopt;
  std::int64_t count = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [stop, error] = std::from_chars(text.data(), end, count);
  const char unit = text.back();
  const std::string_view fixed = "mhdw";
  if (error == std::errc() && stop == end && count > 0 && count <= 1'000'000 &&
      fixed.find(unit) != std::string_view::npos) {
    const Duration one = unit == 'm'   ? Duration::minutes(1)
                         : unit == 'h' ? Duration::hours(1)
                         : unit == 'd' ? Duration::days(1)
                                       : Duration::days(7);
    return Duration{one.ms * count};
  }
  if (text.size() > 1 && std::string_view("MQY").find(unit) != std::string_view::npos) {
    reader.error(node, std::string(what) + " '" + text +
                           "' is in months, quarters or years, which have no fixed length; "
                           "give it in days or weeks, such as 30d or 4w");
    return std::nullopt;
  }
  reader.error(node, std::string(what) +
                         " must be an OpenSLO duration shorthand: a whole number above 0 and "
                         "one of m, h, d or w, such as 5m, 1h, 28d or 4w; found " +
                         loader::describe(node));
  return std::nullopt;
}

std::optional<Duration> read_window(loader::Reader& reader, const loader::yaml::Node& node) {
  if (!reader.sequence(node, "timeWindow"))
    return std::nullopt;
  if (node.size() != 1) {
    reader.error(node,
                 "timeWindow must hold exactly one window, found " + std::to_string(node.size()));
    return std::nullopt;
  }
  loader::Fields window(reader, node[0], "the time window", kWindow);
  if (!window.is_map())
    return std::nullopt;
  if (window.has("calendar") ||
      (window.has("isRolling") &&
       !reader.flag(window.get("isRolling"), "isRolling").value_or(true))) {
    reader.error(node[0],
                 "calendar-aligned windows are not judged: the budget of a scenario "
                 "is sized on a rolling window that opens at T0; use isRolling: true");
    return std::nullopt;
  }
  const loader::yaml::Node duration = window.require("duration");
  const auto length =
      duration.defined() ? shorthand(reader, duration, "the window's duration") : std::nullopt;
  if (length && *length > kLongestSloWindow) {
    reader.error(duration,
                 "a window of at most 366d (a year) is judged, found " + format_duration(*length));
    return std::nullopt;
  }
  return length;
}

// target or targetPercent, exactly one, as a share in [0, 1).
std::optional<double> read_target(loader::Reader& reader, const loader::Fields& fields) {
  const loader::yaml::Node share = fields.get("target");
  const loader::yaml::Node percent = fields.get("targetPercent");
  if (share.defined() == percent.defined()) {
    reader.error(fields.node(),
                 "an objective needs either target (a share, such as 0.999) or "
                 "targetPercent (such as 99.9), and not both");
    return std::nullopt;
  }
  const loader::yaml::Node& given = share.defined() ? share : percent;
  const double scale = share.defined() ? 1 : 100;
  const auto value = reader.number(given, share.defined() ? "target" : "targetPercent", 0, scale);
  if (!value)
    return std::nullopt;
  if (*value >= scale) {
    reader.error(given, "a target must be below " + std::string(share.defined() ? "1" : "100") +
                            ": a budget of nothing can never be kept");
    return std::nullopt;
  }
  return *value / scale;
}

// timeSliceWindow: a number of minutes or a duration shorthand.
std::optional<Duration> read_slice_window(loader::Reader& reader, const loader::yaml::Node& node) {
  if (node.is_scalar() && !node.scalar().empty() &&
      std::all_of(node.scalar().begin(), node.scalar().end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    const auto minutes = reader.integer(node, "timeSliceWindow", 1, 1'000'000);
    return minutes ? std::optional(Duration::minutes(*minutes)) : std::nullopt;
  }
  return shorthand(reader, node, "timeSliceWindow");
}

// A ratio objective's op, as OpenSLO's own examples give one: availability
// is met at or above its target, so only gt and gte fit.
bool higher_is_better(loader::Reader& reader, const loader::yaml::Node& node) {
  const std::string op = reader.text(node, "op").value_or("");
  if (op == "gt" || op == "gte")
    return true;
  if (op == "lt" || op == "lte") {
    reader.error(node, "op '" + op +
                           "' makes a lower indicator better, as for latency; an availability "
                           "objective is met at or above its target (gt or gte)");
  } else if (!op.empty()) {
    reader.error(node, "unknown op '" + op + "'; expected lte, gte, lt or gt");
  }
  return false;
}

std::optional<SloObjective> read_objective(loader::Reader& reader, const loader::yaml::Node& node,
                                           std::size_t position, BudgetingMethod method) {
  loader::Fields fields(reader, node, "an objective", kObjective);
  if (!fields.is_map())
    return std::nullopt;
  for (const std::string_view key : {"value", "indicator", "indicatorRef", "compositeWeight"}) {
    if (fields.has(key)) {
      reader.error(fields.get(key), "'" + std::string(key) +
                                        "' belongs to threshold or composite objectives, which "
                                        "are not judged: an objective here is a target for the "
                                        "service's availability");
      return std::nullopt;
    }
  }
  if (fields.has("op") && !higher_is_better(reader, fields.get("op")))
    return std::nullopt;
  SloObjective o;
  o.where = reader.at(node);
  o.name = fields.has("displayName")
               ? reader.text(fields.get("displayName"), "displayName").value_or("")
               : "objective " + std::to_string(position + 1);
  const auto target = read_target(reader, fields);
  if (method == BudgetingMethod::timeslices) {
    if (const loader::yaml::Node t = fields.require("timeSliceTarget"); t.defined())
      o.time_slice_target = reader.number(t, "timeSliceTarget", 0, 1);
    if (o.time_slice_target && *o.time_slice_target <= 0) {
      reader.error(fields.get("timeSliceTarget"), "timeSliceTarget must be above 0");
      o.time_slice_target.reset();
    }
  } else if (fields.has("timeSliceTarget")) {
    reader.error(fields.get("timeSliceTarget"),
                 "timeSliceTarget belongs to the Timeslices budgeting method");
  }
  if (method != BudgetingMethod::occurrences) {
    if (const loader::yaml::Node w = fields.require("timeSliceWindow"); w.defined())
      o.time_slice_window = read_slice_window(reader, w);
  } else if (fields.has("timeSliceWindow")) {
    reader.error(fields.get("timeSliceWindow"),
                 "timeSliceWindow belongs to the Timeslices and RatioTimeslices budgeting methods");
  }
  const bool complete = target && (method != BudgetingMethod::timeslices || o.time_slice_target) &&
                        (method == BudgetingMethod::occurrences || o.time_slice_window);
  if (!complete)
    return std::nullopt;
  o.target = *target;
  return o;
}

// The slice must fit in the window at least once.
bool slices_fit(loader::Reader& reader, const Slo& slo) {
  for (const SloObjective& o : slo.objectives) {
    if (o.time_slice_window && *o.time_slice_window > slo.window) {
      reader.diagnostics().error(
          o.where, "the time slice (" + format_duration(*o.time_slice_window) +
                       ") is longer than the window (" + format_duration(slo.window) + ")");
      return false;
    }
  }
  return true;
}

// Reports, metrics and gates name an objective by its name: each needs one
// of its own (an empty displayName is refused as it is read).
bool objective_names_differ(loader::Reader& reader, const Slo& slo) {
  bool differ = true;
  for (std::size_t i = 0; i < slo.objectives.size(); ++i) {
    const SloObjective& o = slo.objectives[i];
    const auto first = std::find_if(slo.objectives.begin(), slo.objectives.begin() + i,
                                    [&](const SloObjective& p) { return p.name == o.name; });
    if (first != slo.objectives.begin() + i) {
      reader.diagnostics().error(
          o.where, "a second objective named '" + o.name + "' (the first is at line " +
                       std::to_string(first->where.line) +
                       "); the objectives of an SLO need names of their own");
      differ = false;
    }
  }
  return differ;
}

std::optional<Slo> read_spec(loader::Reader& reader, const loader::yaml::Node& node, Slo slo) {
  loader::Fields spec(reader, node, "the SLO's spec", kSpec);
  if (!spec.is_map())
    return std::nullopt;
  if (const loader::yaml::Node service = spec.require("service"); service.defined()) {
    slo.service = reader.text(service, "service").value_or("");
    slo.service_where = reader.at(service);
  }
  const loader::yaml::Node window = spec.require("timeWindow");
  const auto duration = window.defined() ? read_window(reader, window) : std::nullopt;
  const loader::yaml::Node method = spec.require("budgetingMethod");
  std::optional<BudgetingMethod> budgeting;
  if (method.defined())
    budgeting = reader.word<BudgetingMethod>(method, "budgetingMethod", "budgeting method");
  const BudgetingMethod chosen = budgeting.value_or(BudgetingMethod::occurrences);
  const loader::yaml::Node objectives = spec.require("objectives");
  bool complete = !slo.service.empty() && duration && budgeting.has_value();
  if (objectives.defined() && reader.sequence(objectives, "objectives")) {
    if (objectives.size() == 0) {
      reader.error(objectives, "an SLO needs at least one objective");
      complete = false;
    }
    for (std::size_t i = 0; budgeting && i < objectives.size(); ++i) {
      auto o = read_objective(reader, objectives[i], i, chosen);
      complete = complete && o;
      if (o)
        slo.objectives.push_back(std::move(*o));
    }
  } else {
    complete = false;
  }
  if (!complete)
    return std::nullopt;
  slo.window = *duration;
  slo.method = chosen;
  const bool named = objective_names_differ(reader, slo);
  return slices_fit(reader, slo) && named ? std::optional(std::move(slo)) : std::nullopt;
}

// An SLO document; nothing for a document of another kind, or with errors.
std::optional<Slo> read_document(loader::Reader& reader, const loader::yaml::Node& node) {
  const loader::yaml::Node kind = node["kind"];
  if (node.is_map() && kind.is_scalar() && kind.scalar() != "SLO")
    return std::nullopt;
  loader::Fields document(reader, node, "an OpenSLO document", kDocument);
  if (!document.is_map())
    return std::nullopt;
  if (const loader::yaml::Node version = document.require("apiVersion"); version.defined()) {
    const std::string given = reader.text(version, "apiVersion").value_or("");
    if (!given.empty() && given != "openslo/v1") {
      reader.error(version, "apiVersion '" + given + "' is not read; expected openslo/v1");
      return std::nullopt;
    }
  }
  Slo slo;
  slo.where = reader.at(node);
  document.require("kind");
  if (const loader::yaml::Node metadata = document.require("metadata"); metadata.defined()) {
    loader::Fields meta(reader, metadata, "the SLO's metadata", kMetadata);
    if (meta.is_map()) {
      if (const loader::yaml::Node name = meta.require("name"); name.defined())
        slo.name = reader.text(name, "name").value_or("");
      if (meta.has("displayName"))
        slo.display_name = reader.text(meta.get("displayName"), "displayName").value_or("");
    }
  }
  const loader::yaml::Node spec = document.require("spec");
  if (slo.name.empty() || !spec.defined())
    return std::nullopt;
  return read_spec(reader, spec, std::move(slo));
}

}  // namespace

SloLoad load_slos(const std::string& path, const LoadOptions& options) {
  SloLoad load;
  const auto documents =
      loader::parse_documents(path, load.diagnostics, options.max_input_bytes, "OpenSLO SLOs");
  if (!documents)
    return load;
  const std::string shown = loader::shown_name(path);
  std::vector<Slo> slos;
  std::map<std::string, int> lines;  // by name: where each SLO is
  for (const loader::Document& document : *documents) {
    loader::Reader reader(shown, load.diagnostics, document.line_offset);
    if (document.node.is_null())
      continue;
    auto slo = read_document(reader, document.node);
    if (!slo)
      continue;
    const auto [it, added] = lines.emplace(slo->name, slo->where.line);
    if (!added) {
      load.diagnostics.error(slo->where, "a second SLO named '" + slo->name +
                                             "' (the first is at line " +
                                             std::to_string(it->second) + "); names must differ");
    }
    slos.push_back(std::move(*slo));
  }
  if (slos.empty() && !load.diagnostics.has_errors())
    load.diagnostics.error({shown, 1, 1},
                           "no SLO here: expected documents with apiVersion: "
                           "openslo/v1 and kind: SLO");
  if (!load.diagnostics.has_errors())
    load.slos = std::move(slos);
  return load;
}

SloLoad load_slos(const std::string& path, std::span<const Topology* const> topologies,
                  const LoadOptions& options) {
  SloLoad load = load_slos(path, options);
  bool known = true;
  for (const Topology* topology : topologies) {
    const Diagnostics found = check_slo_services(load.slos, *topology);
    for (const Diagnostic& d : found.all()) {
      const auto& said = load.diagnostics.all();
      if (std::none_of(said.begin(), said.end(), [&](const Diagnostic& e) {
            return e.where.line == d.where.line && e.where.column == d.where.column &&
                   e.message == d.message;
          }))
        load.diagnostics.error(d.where, d.message);
    }
    known = known && !found.has_errors();
  }
  if (!known)
    load.slos.clear();
  return load;
}

Diagnostics check_slo_services(std::span<const Slo> slos, const Topology& topology) {
  Diagnostics diagnostics;
  std::vector<std::string> ids;
  for (const Service& s : topology.services())
    ids.push_back(s.id);
  for (const Slo& slo : slos) {
    if (std::find(ids.begin(), ids.end(), slo.service) == ids.end()) {
      diagnostics.error(slo.service_where, "SLO '" + slo.name + "' is about service '" +
                                               slo.service + "', which topology '" +
                                               topology.name() + "' does not have" +
                                               did_you_mean(slo.service, ids));
    }
  }
  return diagnostics;
}

}  // namespace faultline
