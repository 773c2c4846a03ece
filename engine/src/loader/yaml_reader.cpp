#include "loader/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <sstream>
#include <stdexcept>

#include "faultline/words.hpp"
#include "loader/loaders.hpp"

namespace faultline::loader {

namespace {
SourceLocation location(const std::string& file, int line, int column) {
  if (line < 0)
    return {file, 0, 0};
  return {file, line + 1, column + 1};
}

SourceLocation location(const std::string& file, const YAML::Mark& mark) {
  return location(file, mark.line, mark.column);
}

SourceLocation location(const std::string& file, const yaml::Mark& mark) {
  return location(file, mark.line, mark.column);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// Decimal digits, with a sign or not, past what 64 bits hold: a whole
// number out of range, not other than a number. (Digits with a leading 0,
// which yaml-cpp reads as octal, are not, however they read.)
bool past_64_bits(std::string_view text) {
  std::string_view digits = text;
  if (digits.starts_with('-') || digits.starts_with('+'))
    digits.remove_prefix(1);
  if (!all_digits(digits) || digits.starts_with('0'))
    return false;
  std::int64_t value = 0;
  const char* first = text.starts_with('+') ? text.data() + 1 : text.data();
  return std::from_chars(first, text.data() + text.size(), value).ec ==
         std::errc::result_out_of_range;
}

// True if text is [-]D or [-]D.D (D: digits, no leading 0 before a whole
// number's other digits, under 16 of them), which every reading agrees on.
bool plain_decimal(std::string_view text, bool fraction_allowed) {
  if (text.starts_with('-'))
    text.remove_prefix(1);
  if (text.size() >= 16)
    return false;
  const std::size_t point = text.find('.');
  if (point == std::string_view::npos)
    return all_digits(text) && (text[0] != '0' || text.size() == 1);
  return fraction_allowed && all_digits(text.substr(0, point)) &&
         all_digits(text.substr(point + 1));
}

// A scalar read as a number as yaml-cpp reads it (any base for whole
// numbers, .inf and .nan for others). Plain decimals, nearly every number
// in a topology, are read directly, to the same value, without building
// the yaml-cpp node its reading takes.
template <class Number>
bool decode(const std::string& text, Number& value) {
  if (plain_decimal(text, std::is_floating_point_v<Number>)) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
  }
  return YAML::convert<Number>::decode(YAML::Node(text), value);
}

std::string join(std::span<const schema::Key> keys) {
  std::string out;
  for (const schema::Key& key : keys) {
    if (!out.empty())
      out += ", ";
    out += key.name;
  }
  return out;
}
}  // namespace

namespace {

std::string too_large(std::uint64_t max_bytes) {
  const std::string limit = max_bytes % (1 << 20) == 0 ? fmt::format("{} MiB", max_bytes >> 20)
                                                       : fmt::format("{} bytes", max_bytes);
  return fmt::format(
      "the input is larger than {}, the most Faultline reads; a topology or scenario is "
      "usually well under 1 MiB, so check the path, or raise the limit with --max-input-mib",
      limit);
}

// Reads at most max_bytes; nothing (and a diagnostic) past that, however the
// input is fed: a pipe or a device such as /dev/zero has no size to check.
std::optional<std::string> read_bounded(std::istream& in, const std::string& name,
                                        std::uint64_t max_bytes, Diagnostics& diagnostics) {
  std::string content;
  std::array<char, 1 << 16> chunk{};
  while (in) {
    in.read(chunk.data(), chunk.size());
    content.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (content.size() > max_bytes) {
      diagnostics.error({name, 0, 0}, too_large(max_bytes));
      return std::nullopt;
    }
  }
  if (in.bad()) {
    diagnostics.error({name, 0, 0}, "cannot read the file: " + std::string(std::strerror(errno)));
    return std::nullopt;
  }
  return content;
}

std::optional<std::string> read_input(const std::string& path, std::uint64_t max_bytes,
                                      Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  if (path == "-")
    return read_bounded(std::cin, shown_name(path), max_bytes, diagnostics);
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!ec && fs::is_directory(status)) {
    diagnostics.error({path, 0, 0},
                      "this is a directory, not a file; name a topology or scenario YAML file");
    return std::nullopt;
  }
  if (!ec && fs::is_regular_file(status) && fs::file_size(path, ec) > max_bytes && !ec) {
    diagnostics.error({path, 0, 0}, too_large(max_bytes));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error({path, 0, 0},
                      "cannot open the file; check that the path exists and is readable");
    return std::nullopt;
  }
  return read_bounded(in, path, max_bytes, diagnostics);
}

// The line and column (from 1, in bytes) of the byte at `at`.
SourceLocation location_of_byte(const std::string& path, const std::string& content,
                                std::size_t at) {
  const auto line = 1 + std::count(content.begin(), content.begin() + static_cast<long>(at), '\n');
  const auto line_start = content.rfind('\n', at);
  const auto column = line_start == std::string::npos ? at + 1 : at - line_start;
  return {path, static_cast<int>(line), static_cast<int>(column)};
}

// Where the text stops being UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), if it does: the parser passes such
// bytes on into names, and the JSON written from them cannot hold them.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and the range of its second byte.
    int length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      low = lead == 0xE0 ? 0xA0 : 0x80;
      high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      low = lead == 0xF0 ? 0x90 : 0x80;
      high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    for (int k = 1; k < length; ++k) {
      if (i + k >= text.size())
        return i;
      const auto next = static_cast<unsigned char>(text[i + k]);
      const bool in_range = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
      if (!in_range)
        return i;
    }
    i += static_cast<std::size_t>(length);
  }
  return std::nullopt;
}

}  // namespace

std::string shown_name(const std::string& path) {
  return path == "-" ? "<stdin>" : path;
}

std::optional<std::string> read_text(const std::string& file, Diagnostics& diagnostics,
                                     std::uint64_t max_bytes, std::string_view expected) {
  auto input = read_input(file, max_bytes, diagnostics);
  if (!input)
    return std::nullopt;
  const std::string& content = *input;
  const std::string path = shown_name(file);

  if (const auto nul = content.find('\0'); nul != std::string::npos) {
    diagnostics.error(location_of_byte(path, content, nul),
                      "this is not a YAML file: it holds binary data (a NUL byte); expected " +
                          std::string(expected) + " written as YAML text");
    return std::nullopt;
  }
  if (content.find_first_not_of(" \t\r\n") == std::string::npos) {
    diagnostics.error({path, 0, 0}, "the file is empty; expected " + std::string(expected));
    return std::nullopt;
  }
  if (const auto bad = first_invalid_utf8(content)) {
    diagnostics.error(
        location_of_byte(path, content, *bad),
        fmt::format("byte 0x{:02X} here is not UTF-8 text, as Faultline reads; save the "
                    "file as UTF-8 (a Latin-1 or Windows-1252 editor writes such "
                    "bytes for accented letters)",
                    static_cast<unsigned char>(content[*bad])));
    return std::nullopt;
  }
  return input;
}

namespace {

// Runs the parse, reporting what the parser refuses.
template <class Parse>
auto parsed(const std::string& path, Diagnostics& diagnostics, Parse parse)
    -> std::optional<decltype(parse())> {
  try {
    return parse();
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp reports this only as "bad file", at no position.
    diagnostics.error({path, 0, 0}, "the YAML nests deeper than the parser's limit of " +
                                        std::to_string(e.depth()) +
                                        " levels; look for runaway brackets or indentation");
  } catch (const YAML::ParserException& e) {
    diagnostics.error(location(path, e.mark), "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    diagnostics.error(location(path, e.mark), "cannot read the YAML: " + e.msg);
  }
  return std::nullopt;
}

}  // namespace

std::optional<yaml::Node> parse_text(const std::string& shown_path, const std::string& text,
                                     Diagnostics& diagnostics) {
  return parsed(shown_path, diagnostics, [&] { return yaml::parse(text); });
}

std::optional<yaml::Node> parse_file(const std::string& file, Diagnostics& diagnostics,
                                     std::uint64_t max_bytes) {
  const auto content =
      read_text(file, diagnostics, max_bytes,
                "a YAML mapping, such as a topology with 'regions', 'services' and 'user_groups'");
  if (!content)
    return std::nullopt;
  const std::string path = shown_name(file);
  auto root = parse_text(path, *content, diagnostics);
  if (root && root->is_null()) {
    diagnostics.error(location(path, root->mark()),
                      "the file holds only comments or an empty document; expected a YAML "
                      "mapping");
    return std::nullopt;
  }
  return root;
}

std::optional<std::vector<Document>> parse_documents(const std::string& file,
                                                     Diagnostics& diagnostics,
                                                     std::uint64_t max_bytes,
                                                     std::string_view expected) {
  const auto content = read_text(file, diagnostics, max_bytes, expected);
  if (!content)
    return std::nullopt;
  const std::string path = shown_name(file);
  std::vector<Document> documents;
  std::size_t start = 0;
  int start_line = 0;
  int line = 0;
  bool parsed_all = true;
  const auto parse_piece = [&](std::size_t end) {
    Diagnostics piece_diagnostics;
    auto node = parse_text(path, content->substr(start, end - start), piece_diagnostics);
    for (Diagnostic d : piece_diagnostics.all()) {
      if (d.where.line > 0)
        d.where.line += start_line;
      diagnostics.error(d.where, d.message);
    }
    parsed_all = parsed_all && node.has_value();
    if (node)
      documents.push_back({std::move(*node), start_line});
  };
  for (std::size_t at = 0; at < content->size(); ++line) {
    const std::size_t next = std::min(content->find('\n', at), content->size());
    const std::string_view text = std::string_view(*content).substr(at, next - at);
    const bool marker = text.starts_with("---") &&
                        (text.size() == 3 || text[3] == ' ' || text[3] == '\t' || text[3] == '\r');
    if (marker && at > start) {
      parse_piece(at);
      start = at;
      start_line = line;
    }
    at = next + 1;
  }
  parse_piece(content->size());
  if (!parsed_all)
    return std::nullopt;
  return documents;
}

std::string describe(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::NodeKind::map:
      return "a mapping";
    case yaml::NodeKind::sequence:
      return "a list";
    case yaml::NodeKind::scalar:
      return "'" + node.scalar() + "'";
    default:
      return "nothing";
  }
}

bool Reader::keys_once(const yaml::Node& map, std::string_view what) {
  bool once = true;
  std::vector<yaml::Node> keys;
  for (const auto& kv : map) {
    if (kv.first.is_scalar())
      keys.push_back(kv.first);
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto first =
        std::find_if(keys.begin(), keys.begin() + static_cast<long>(i),
                     [&](const yaml::Node& k) { return k.scalar() == keys[i].scalar(); });
    if (first == keys.begin() + static_cast<long>(i))
      continue;
    once = false;
    error(keys[i], "key '" + keys[i].scalar() + "' appears twice in " + std::string(what) +
                       " (first at line " + std::to_string(at(*first).line) + "); give it once");
  }
  return once;
}

SourceLocation Reader::at(const yaml::Node& node) const {
  SourceLocation where = location(file_, node.mark());
  if (where.line > 0)
    where.line += line_offset_;
  return where;
}

void Reader::error(const yaml::Node& node, std::string message) {
  diagnostics_.error(at(node), std::move(message));
}

void Reader::warning(const yaml::Node& node, std::string message) {
  diagnostics_.warning(at(node), std::move(message));
}

std::optional<std::string> Reader::text(const yaml::Node& node, std::string_view what) {
  if (node.is_scalar() && node.scalar().empty()) {
    error(node, std::string(what) + " is empty; give it as text");
    return std::nullopt;
  }
  if (!node.is_scalar()) {
    error(node, std::string(what) + " must be text, found " + describe(node));
    return std::nullopt;
  }
  return node.scalar();
}

std::optional<std::string> Reader::required_text(const yaml::Node& map, const std::string& key,
                                                 std::string_view what) {
  const yaml::Node value = map[key];
  if (!value.defined()) {
    error(map, std::string(what) + " has no '" + key + "'");
    return std::nullopt;
  }
  return text(value, std::string(what) + "'s " + key);
}

std::string Reader::optional_text(const yaml::Node& node, std::string_view what) {
  if (!node.defined())
    return {};
  return text(node, what).value_or("");
}

std::optional<std::int64_t> Reader::integer(const yaml::Node& node, std::string_view what,
                                            std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const std::string range =
      " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", found ";
  if (node.is_scalar() && past_64_bits(node.scalar())) {
    error(node, std::string(what) + range + node.scalar());
    return std::nullopt;
  }
  if (!node.is_scalar() || !decode(node.scalar(), value)) {
    error(node, std::string(what) + " must be a whole number, found " + describe(node));
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, std::string(what) + range + std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<double> Reader::number(const yaml::Node& node, std::string_view what, double min,
                                     double max) {
  const std::string range = fmt::format("between {} and {}", min, max);
  double value = 0;
  if (!node.is_scalar() || !decode(node.scalar(), value) || !std::isfinite(value)) {
    error(node, std::string(what) + " must be a number " + range + ", found " + describe(node));
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, std::string(what) + " must be " + range + ", found " + node.scalar());
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Reader::flag(const yaml::Node& node, std::string_view what) {
  if (node.is_scalar() && (node.scalar() == "true" || node.scalar() == "false"))
    return node.scalar() == "true";
  error(node, std::string(what) + " must be true or false, found " + describe(node));
  return std::nullopt;
}

std::optional<double> Reader::fraction(const yaml::Node& node, std::string_view what) {
  return number(node, what, 0.0, 1.0);
}

std::optional<Duration> Reader::duration(const yaml::Node& node, std::string_view what) {
  if (node.is_scalar()) {
    const std::string& s = node.scalar();
    if (const auto d = parse_duration(s))
      return d;
    if (!s.empty() && s[0] == '-' && parse_duration(s.substr(1))) {
      error(node, std::string(what) + " cannot be negative, found " + s);
      return std::nullopt;
    }
    if (is_duration_beyond_range(s)) {
      error(node, std::string(what) + " must be at most " + format_duration(kLongestDuration) +
                      " (1000 years), found " + s);
      return std::nullopt;
    }
  }
  error(node, std::string(what) +
                  " must be a duration such as 90m, 1h30m or 2d (units d, h, m, "
                  "s, ms, largest first, each once), found " +
                  describe(node));
  return std::nullopt;
}

namespace {

// A number followed by one of the units, and the unit's factor; nothing when
// the text is not such a quantity.
std::optional<double> quantity(const std::string& text,
                               std::initializer_list<std::pair<std::string_view, double>> units) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string_view unit = std::string_view(text).substr(used);
  for (const auto& [name, factor] : units) {
    if (unit == name)
      return value * factor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> Reader::bandwidth(const yaml::Node& node, std::string_view what) {
  if (node.is_scalar()) {
    const auto v = quantity(node.scalar(), {{"bps", 1},
                                            {"kbps", 1e3},
                                            {"Mbps", 1e6},
                                            {"Gbps", 1e9},
                                            {"Tbps", 1e12},
                                            {"Bps", 8},
                                            {"kBps", 8e3},
                                            {"MBps", 8e6},
                                            {"GBps", 8e9}});
    if (v && *v > 0 && std::isfinite(*v))
      return v;
  }
  error(node, std::string(what) +
                  " must be a bandwidth above 0 such as 10Gbps, 100Mbps or 1GBps (bits: bps, "
                  "kbps, Mbps, Gbps, Tbps; bytes: Bps, kBps, MBps, GBps), found " +
                  describe(node));
  return std::nullopt;
}

std::optional<std::int64_t> Reader::bytes(const yaml::Node& node, std::string_view what) {
  if (node.is_scalar()) {
    const auto v = quantity(node.scalar(), {{"", 1},
                                            {"B", 1},
                                            {"kB", 1e3},
                                            {"MB", 1e6},
                                            {"GB", 1e9},
                                            {"KiB", 1024.0},
                                            {"MiB", 1024.0 * 1024},
                                            {"GiB", 1024.0 * 1024 * 1024}});
    if (v && *v >= 1 && *v < 1e15)
      return static_cast<std::int64_t>(std::llround(*v));
  }
  error(node, std::string(what) +
                  " must be a size of 1 byte or more such as 10kB, 2MiB or 512, found " +
                  describe(node));
  return std::nullopt;
}

namespace {

std::string join_keys(const std::vector<std::string_view>& keys) {
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == keys.size() ? " and " : ", ");
    out += keys[i];
  }
  return out;
}

}  // namespace

namespace {

std::optional<DistributionKind> find_kind(Reader& reader, const yaml::Node& kind_node,
                                          const std::string& kind) {
  if (const auto k = parse_word<DistributionKind>(kind))
    return k;
  reader.error(kind_node, "unknown distribution '" + kind + "'" +
                              did_you_mean(kind, accepted_words<DistributionKind>()) +
                              "; expected one of " + expected_words<DistributionKind>());
  return std::nullopt;
}

// The keys the kind takes as written (a lognormal: median and p95, or mu
// and sigma); nothing, with each key that does not apply and each one
// missing reported, unless they are all there.
std::optional<std::vector<std::string_view>> kind_keys(Reader& reader, Fields& f,
                                                       const yaml::Node& node,
                                                       std::string_view what, DistributionKind k) {
  const std::string kind(word_of(k));
  const auto row_keys = word_row(k).keys;
  std::vector<std::string_view> keys(row_keys.begin(), row_keys.end());
  const bool lognormal = k == DistributionKind::lognormal;
  const std::string takes =
      lognormal ? std::string("median and p95, or mu and sigma") : join_keys(keys);
  if (lognormal && (f.has("mu") || f.has("sigma")))
    keys = {"mu", "sigma"};
  bool complete = true;
  for (const std::string_view key : schema::distribution.variant_keys) {
    const yaml::Node value = f.get(key);
    if (value.defined() && std::find(keys.begin(), keys.end(), key) == keys.end()) {
      reader.error(value, "'" + std::string(key) + "' does not apply to a " + kind +
                              " distribution; it takes " + takes);
      complete = false;
    }
  }
  for (const auto key : keys) {
    if (!f.has(key)) {
      reader.error(node, std::string(what) + ": a " + kind + " distribution needs " + takes +
                             "; '" + std::string(key) + "' is missing");
      complete = false;
    }
  }
  if (!complete)
    return std::nullopt;
  return keys;
}

std::optional<Distribution> empirical(Reader& reader, Fields& f, std::string_view what) {
  const yaml::Node list = f.get("samples");
  if (!reader.sequence(list, "samples of " + std::string(what)))
    return std::nullopt;
  std::vector<Duration> samples;
  bool all = true;
  for (const auto& item : list) {
    if (const auto s = reader.duration(item, "a sample of " + std::string(what)))
      samples.push_back(*s);
    else
      all = false;
  }
  if (!all)
    return std::nullopt;
  return Distribution::empirical(std::move(samples));
}

// The distribution from its keys, all present; the constructors throw for
// parameters out of range.
std::optional<Distribution> make_distribution(Reader& reader, Fields& f, std::string_view what,
                                              DistributionKind kind, bool by_mu) {
  const auto d = [&](std::string_view key) {
    return reader.duration(f.get(key), std::string(key) + " of " + std::string(what));
  };
  const auto number = [&](std::string_view key) -> std::optional<double> {
    double value = 0;
    const yaml::Node n = f.get(key);
    if (!n.is_scalar() || !decode(n.scalar(), value) || !std::isfinite(value)) {
      reader.error(n, std::string(key) + " of " + std::string(what) + " must be a number, found " +
                          describe(n));
      return std::nullopt;
    }
    return value;
  };
  switch (kind) {
    case DistributionKind::fixed:
      if (const auto v = d("value"))
        return Distribution::fixed(*v);
      break;
    case DistributionKind::uniform:
      if (const auto lo = d("min"), hi = d("max"); lo && hi)
        return Distribution::uniform(*lo, *hi);
      break;
    case DistributionKind::triangular:
    case DistributionKind::pert:
      if (const auto lo = d("min"), mode = d("mode"), hi = d("max"); lo && mode && hi) {
        return kind == DistributionKind::pert ? Distribution::pert(*lo, *mode, *hi)
                                              : Distribution::triangular(*lo, *mode, *hi);
      }
      break;
    case DistributionKind::normal:
      if (const auto mean = d("mean"), sd = d("sd"); mean && sd)
        return Distribution::normal(*mean, *sd);
      break;
    case DistributionKind::lognormal:
      if (by_mu) {
        if (const auto mu = number("mu"), sigma = number("sigma"); mu && sigma)
          return Distribution::lognormal(*mu, *sigma);
      } else if (const auto median = d("median"), p95 = d("p95"); median && p95) {
        return Distribution::lognormal_from_median_p95(*median, *p95);
      }
      break;
    case DistributionKind::exponential:
      if (const auto mean = d("mean"))
        return Distribution::exponential(*mean);
      break;
    case DistributionKind::weibull: {
      const auto shape = number("shape");
      const auto scale = d("scale");
      if (shape && scale)
        return Distribution::weibull(*shape, *scale);
      break;
    }
    case DistributionKind::empirical:
      return empirical(reader, f, what);
  }
  return std::nullopt;
}

}  // namespace

// Draws longer than kLongestDuration are cut to it, which changes a run's
// results where no horizon ends it first: said when it is likely to
// happen once in a billion draws or more (found in review: said with a
// horizon too, and of a topology's times to failure, which need one).
void Reader::warn_if_bounded(const yaml::Node& node, std::string_view what,
                             const Distribution& law) {
  constexpr double kOnceInABillion = 1e-9;
  const double beyond = law.probability_beyond(kLongestDuration);
  if (beyond < kOnceInABillion)
    return;
  warning(node, fmt::format("{} ({}) draws more than {}, the longest a duration can be, with "
                            "probability {:.2g}; such draws are cut to {}, which a run without "
                            "a horizon shows: give it a narrower spread or the scenario a horizon",
                            what, law.describe(), format_duration(kLongestDuration), beyond,
                            format_duration(kLongestDuration)));
}

std::optional<Distribution> Reader::distribution(const yaml::Node& node, std::string_view what) {
  if (!node.is_map()) {
    if (node.is_scalar()) {
      if (const auto d = duration(node, what))
        return Distribution::fixed(*d);
      return std::nullopt;
    }
    error(node, std::string(what) +
                    " must be a duration (90m) or a distribution such as {distribution: "
                    "lognormal, median: 4h, p95: 12h}, found " +
                    describe(node));
    return std::nullopt;
  }
  Fields f(*this, node, std::string(what), schema::distribution);
  const yaml::Node kind_node = f.require("distribution");
  if (!kind_node.defined())
    return std::nullopt;
  const auto kind = text(kind_node, "the distribution of " + std::string(what));
  if (!kind)
    return std::nullopt;
  const auto k = find_kind(*this, kind_node, *kind);
  if (!k)
    return std::nullopt;
  const auto keys = kind_keys(*this, f, node, what, *k);
  if (!keys)
    return std::nullopt;
  try {
    auto law = make_distribution(*this, f, what, *k, keys->front() == "mu");
    if (law && warn_of_cut_draws_)
      warn_if_bounded(node, what, *law);
    return law;
  } catch (const std::invalid_argument& e) {
    error(node,
          "the " + *kind + " distribution of " + std::string(what) + " is invalid: " + e.what());
  }
  return std::nullopt;
}

bool Reader::sequence(const yaml::Node& node, std::string_view what) {
  if (node.is_sequence())
    return true;
  error(node, std::string(what) + " must be a list, found " + describe(node));
  return false;
}

Fields::Fields(Reader& reader, const yaml::Node& map, std::string what, const schema::Shape& shape)
    : reader_(reader), shape_(shape), map_(map), what_(std::move(what)), is_map_(map.is_map()) {
  if (!is_map_) {
    reader_.error(map, what_ + " must be a mapping of keys to values (known keys: " +
                           join(shape.keys) + "), found " + describe(map));
    return;
  }
  values_.reserve(map.size());
  for (const auto& kv : map) {
    const yaml::Node& key = kv.first;
    if (!key.is_scalar()) {
      reader_.error(key, "keys in " + what_ + " must be plain names, found " + describe(key));
      continue;
    }
    const std::string& name = key.scalar();
    if (shape.find(name) == nullptr) {
      report_unknown(key);
      continue;
    }
    const auto earlier = std::find_if(values_.begin(), values_.end(),
                                      [&](const auto& v) { return v.first == name; });
    if (earlier != values_.end()) {
      reader_.error(key, "key '" + name + "' appears twice in " + what_ + " (first at line " +
                             std::to_string(reader_.at(earlier->second).line) + "); give it once");
      continue;
    }
    values_.emplace_back(name, kv.second);
  }
}

void Fields::report_unknown(const yaml::Node& key) {
  std::vector<std::string> candidates;
  for (const schema::Key& k : shape_.keys)
    candidates.emplace_back(k.name);
  const std::string& name = key.scalar();
  reader_.error(key, "unknown key '" + name + "' in " + what_ + did_you_mean(name, candidates) +
                         "; known keys: " + join(shape_.keys));
  misspelt_.push_back(closest_match(name, candidates));
}

yaml::Node Fields::get(std::string_view key) const {
  // A key the shape does not list would be one the schema does not know.
  if (shape_.find(key) == nullptr) {
    throw std::logic_error("the loader reads '" + std::string(key) + "' of " + what_ +
                           ", which the shape '" + std::string(shape_.name) + "' does not list");
  }
  for (const auto& [name, value] : values_) {
    if (name == key)
      return value;
  }
  return yaml::Node();
}

yaml::Node Fields::require(std::string_view key) {
  yaml::Node value = get(key);
  const bool reported = std::find(misspelt_.begin(), misspelt_.end(), key) != misspelt_.end();
  if (!value.defined() && is_map_ && !reported) {
    reader_.error(map_, what_ + " is missing the required key '" + std::string(key) + "'");
  }
  return value;
}

IdTable::IdTable(std::string kind, std::vector<std::string> ids) : kind_(std::move(kind)) {
  for (std::uint32_t i = 0; i < ids.size(); ++i)
    index_.emplace(ids[i], std::pair{i, 0});
  ids_ = std::move(ids);
}

void IdTable::add(Reader& reader, const yaml::Node& node, const std::string& id,
                  std::uint32_t index) {
  const int line = reader.at(node).line;
  const auto [it, inserted] = index_.emplace(id, std::pair{index, line});
  if (!inserted) {
    reader.error(node, "duplicate " + kind_ + " id '" + id + "' (first defined at line " +
                           std::to_string(it->second.second) + "); ids must be unique");
    return;
  }
  ids_.push_back(id);
}

std::optional<std::uint32_t> IdTable::find(const std::string& id) const {
  if (find_)
    return find_(id);
  const auto it = index_.find(id);
  if (it == index_.end())
    return std::nullopt;
  return it->second.first;
}

// A missing reference was reported where its key was required.
std::optional<std::uint32_t> IdTable::resolve(Reader& reader, const yaml::Node& node) {
  if (!node.defined())
    return std::nullopt;
  const auto id = reader.text(node, "a " + kind_ + " reference");
  if (!id)
    return std::nullopt;
  if (const auto found = find(*id))
    return found;
  reader.error(node,
               "unknown " + kind_ + " '" + *id + "'" + did_you_mean(*id, list_ ? list_() : ids_));
  return std::nullopt;
}

std::vector<std::uint32_t> IdTable::resolve_list(Reader& reader, const yaml::Node& node) {
  std::vector<std::uint32_t> out;
  if (node.is_scalar()) {
    if (const auto one = resolve(reader, node))
      out.push_back(*one);
    return out;
  }
  if (!reader.sequence(node, "a list of " + kind_ + " ids"))
    return out;
  for (const auto& item : node) {
    if (const auto one = resolve(reader, item))
      out.push_back(*one);
  }
  return out;
}

std::vector<std::uint32_t> IdTable::resolve_list_once(
    Reader& reader, const yaml::Node& node,
    const std::function<std::string(const std::string&)>& twice) {
  if (!node.is_sequence())
    return resolve_list(reader, node);
  std::vector<std::uint32_t> out;
  for (const auto& item : node) {
    const auto one = resolve(reader, item);
    if (!one)
      continue;
    if (std::find(out.begin(), out.end(), *one) != out.end()) {
      reader.error(item, twice(item.scalar()));
      continue;
    }
    out.push_back(*one);
  }
  return out;
}

IdTable collect_ids(Reader& reader, const yaml::Node& list, const std::string& kind) {
  IdTable table(kind);
  if (!list.defined() || !list.is_sequence())
    return table;
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    const yaml::Node item = list[i];
    if (!item.is_map())
      continue;
    const yaml::Node id = item["id"];
    if (id.defined() && id.is_scalar() && !id.scalar().empty()) {
      table.add(reader, id, id.scalar(), i);
    }
  }
  return table;
}

}  // namespace faultline::loader
