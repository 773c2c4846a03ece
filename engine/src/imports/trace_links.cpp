// Calls that traces saw, from Jaeger's or Zipkin's dependency links or from
// the OpenTelemetry service graph's metrics, and how they differ from a
// topology's dependencies.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <variant>

#include "faultline/imports.hpp"
#include "loader/loaders.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline {

namespace {

constexpr std::string_view kServiceGraphMetric = "traces_service_graph_request_total";
constexpr auto kMostCalls = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Pairs in order of first appearance, their calls summed.
class CallTally {
 public:
  // Counts past 2^63 - 1 stay there rather than wrap.
  void add(const std::string& client, const std::string& server, std::uint64_t calls) {
    const auto [it, added] = index_.try_emplace({client, server}, calls_.size());
    if (added)
      calls_.push_back({client, server, 0});
    std::uint64_t& total = calls_[it->second].calls;
    total = std::min(total + std::min(calls, kMostCalls), kMostCalls);
  }
  std::vector<ObservedCall> take() && { return std::move(calls_); }

 private:
  std::map<std::pair<std::string, std::string>, std::size_t> index_;
  std::vector<ObservedCall> calls_;
};

// Jaeger's /api/dependencies ({"data": [...]}) or Zipkin's
// /api/v2/dependencies (an array) of {parent, child, callCount}. JSON is
// read as the YAML it also is, for the line and column of every value.
void read_links_json(loader::Reader& reader, const loader::yaml::Node& root, CallTally& tally) {
  if (root.is_map() && !reader.keys_once(root, "the dependencies"))
    return;
  const loader::yaml::Node links = root.is_map() ? root["data"] : root;
  if (!links.is_sequence()) {
    reader.error(root,
                 "expected dependency links: an array of {parent, child, callCount} "
                 "(Zipkin) or {\"data\": [...]} (Jaeger); found " +
                     loader::describe(root));
    return;
  }
  for (const loader::yaml::Node& link : links) {
    if (!link.is_map()) {
      reader.error(link, "a dependency link must be an object {parent, child, callCount}; found " +
                             loader::describe(link));
      continue;
    }
    if (!reader.keys_once(link, "the link"))
      continue;
    const auto parent = reader.required_text(link, "parent", "the link");
    const auto child = reader.required_text(link, "child", "the link");
    const loader::yaml::Node count = link["callCount"];
    if (!count.defined()) {
      reader.error(link, "the link has no 'callCount'");
      continue;
    }
    const auto calls =
        reader.integer(count, "the link's callCount", 0, std::numeric_limits<std::int64_t>::max());
    if (parent && child && calls)
      tally.add(*parent, *child, static_cast<std::uint64_t>(*calls));
  }
}

// One sample line of the Prometheus text format: its metric name, labels
// and value; `error` says what is wrong and at which column (0-based) when
// it is no sample.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct LineError {
  std::size_t column = 0;
  std::string message;
};

std::size_t name_end(std::string_view line, std::size_t from) {
  std::size_t i = from;
  while (i < line.size() &&
         (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == ':'))
    ++i;
  return i;
}

// A label value after its opening quote, escapes undone; i ends past the
// closing quote.
std::optional<std::string> label_value(std::string_view line, std::size_t& i) {
  std::string value;
  while (i < line.size() && line[i] != '"') {
    if (line[i] == '\\' && i + 1 < line.size()) {
      ++i;
      value += line[i] == 'n' ? '\n' : line[i];
    } else {
      value += line[i];
    }
    ++i;
  }
  if (i >= line.size())
    return std::nullopt;
  ++i;
  return value;
}

std::optional<LineError> read_labels(std::string_view line, std::size_t& i, Sample& sample) {
  ++i;  // past '{'
  while (i < line.size() && line[i] != '}') {
    const std::size_t end = name_end(line, i);
    if (end == i || end + 1 >= line.size() || line[end] != '=' || line[end + 1] != '"')
      return LineError{i, "expected a label such as client=\"checkout\""};
    const std::string name(line.substr(i, end - i));
    const std::size_t name_at = i;
    i = end + 2;
    auto value = label_value(line, i);
    if (!value)
      return LineError{end + 1, "the label's value has no closing quote"};
    // As Prometheus refuses it: which of the two is meant cannot be told.
    if (!sample.labels.emplace(name, std::move(*value)).second)
      return LineError{name_at, "the label " + name + " is given twice"};
    if (i < line.size() && line[i] == ',')
      ++i;
    else if (i < line.size() && line[i] != '}')
      return LineError{i, "expected ',' or '}' after the label " + name};
  }
  if (i >= line.size())
    return LineError{line.size(), "the labels have no closing '}'"};
  ++i;
  return std::nullopt;
}

std::variant<Sample, LineError> parse_sample(std::string_view line) {
  Sample sample;
  std::size_t i = name_end(line, 0);
  if (i == 0)
    return LineError{0, "expected a metric name, a comment (#) or a blank line"};
  sample.name = line.substr(0, i);
  if (i < line.size() && line[i] == '{') {
    if (auto error = read_labels(line, i, sample))
      return *error;
  }
  const std::size_t start = line.find_first_not_of(" \t", i);
  if (start == i || start == std::string_view::npos)
    return LineError{i, "expected a space and the sample's value"};
  const std::string value(line.substr(start, line.find_first_of(" \t", start) - start));
  try {
    std::size_t used = 0;
    sample.value = std::stod(value, &used);
    if (used != value.size())
      throw std::invalid_argument(value);
  } catch (const std::exception&) {
    return LineError{start, "the sample's value '" + value + "' is not a number"};
  }
  return sample;
}

// traces_service_graph_request_total{client, server} samples; other
// metrics are passed over.
void read_service_graph(const std::string& path, const std::string& text, CallTally& tally,
                        Diagnostics& diagnostics) {
  std::size_t line_start = 0;
  for (int line_number = 1; line_start < text.size(); ++line_number) {
    const std::size_t end = std::min(text.find('\n', line_start), text.size());
    std::string_view line = std::string_view(text).substr(line_start, end - line_start);
    if (line.ends_with('\r'))  // a file written on Windows
      line.remove_suffix(1);
    line_start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos || line.starts_with('#'))
      continue;
    const auto parsed = parse_sample(line);
    if (const auto* error = std::get_if<LineError>(&parsed)) {
      diagnostics.error({path, line_number, static_cast<int>(error->column) + 1}, error->message);
      continue;
    }
    const Sample& sample = std::get<Sample>(parsed);
    if (sample.name != kServiceGraphMetric)
      continue;
    const auto client = sample.labels.find("client");
    const auto server = sample.labels.find("server");
    if (client == sample.labels.end() || server == sample.labels.end()) {
      diagnostics.error({path, line_number, 1},
                        fmt::format("{} needs the labels client and server", kServiceGraphMetric));
      continue;
    }
    // A counter's total is whole; a share of a call is a rate or an
    // average, not a count (found by a helper: 0.4 was rounded to no call,
    // and the traffic it showed to drift, and 2.7 to 3 calls).
    if (!(sample.value >= 0) || !(sample.value < 0x1p63) ||
        sample.value != std::floor(sample.value)) {
      diagnostics.error({path, line_number, 1},
                        "a request count must be a whole number from 0 to 2^63 (the counter's "
                        "total, not a rate), found " +
                            fmt::format("{}", sample.value));
      continue;
    }
    tally.add(client->second, server->second, static_cast<std::uint64_t>(sample.value));
  }
}

}  // namespace

std::optional<std::vector<ObservedCall>> read_trace_links(const std::string& path,
                                                          const LoadOptions& options,
                                                          Diagnostics& diagnostics) {
  const std::string shown = loader::shown_name(path);
  const auto text = loader::read_text(path, diagnostics, options.max_input_bytes,
                                      "dependency links (JSON) or service graph metrics");
  if (!text)
    return std::nullopt;
  CallTally tally;
  const std::size_t first = text->find_first_not_of(" \t\r\n");
  if ((*text)[first] == '[' || (*text)[first] == '{') {
    const auto root = loader::parse_text(shown, *text, diagnostics);
    loader::Reader reader(shown, diagnostics);
    if (root)
      read_links_json(reader, *root, tally);
  } else {
    read_service_graph(shown, *text, tally, diagnostics);
  }
  if (diagnostics.has_errors())
    return std::nullopt;
  auto calls = std::move(tally).take();
  if (calls.empty()) {
    diagnostics.error({shown, 0, 0},
                      fmt::format("no calls between services: expected dependency links or {} "
                                  "samples",
                                  kServiceGraphMetric));
    return std::nullopt;
  }
  return calls;
}

DependencyDrift dependency_drift(const Topology& topology, const std::vector<ObservedCall>& calls) {
  DependencyDrift drift;
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  std::set<std::uint32_t> traced;
  std::set<std::string> unknown;
  for (const ObservedCall& call : calls) {
    const auto client = topology.find_service(call.client);
    const auto server = topology.find_service(call.server);
    for (const auto& [name, id] : {std::pair{&call.client, client}, {&call.server, server}}) {
      if (id)
        traced.insert(id->value);
      else if (unknown.insert(*name).second)
        drift.unknown_services.push_back(*name);
    }
    if (client && server && client != server && call.calls > 0)
      seen.insert({client->value, server->value});
    if (client && client == server && call.calls > 0)
      drift.to_itself.push_back(call);
  }
  for (const ObservedCall& call : calls) {
    const auto client = topology.find_service(call.client);
    const auto server = topology.find_service(call.server);
    if (!client || !server || client == server || call.calls == 0)
      continue;
    const auto& deps = topology.service(*client).dependencies;
    if (std::ranges::none_of(deps, [&](const Dependency& d) { return d.service == *server; }))
      drift.undeclared.push_back(call);
    else
      ++drift.calls_matched;
  }
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    for (const Dependency& d : topology.services()[s].dependencies) {
      const DeclaredDependency declared{ServiceId{s}, d.service, d.kind};
      if (!traced.contains(s) || !traced.contains(d.service.value))
        drift.not_traced.push_back(declared);
      else if (!seen.contains({s, d.service.value}))
        drift.never_called.push_back(declared);
    }
  }
  return drift;
}

}  // namespace faultline
