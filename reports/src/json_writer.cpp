#include "faultline/reports/json_writer.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace faultline::reports {

using nlohmann::ordered_json;

// nlohmann's serializer, the one dump() uses, writing into the output
// string: a detail of the library, pinned by json_writer_test, which
// compares what this writer writes with dump() for numbers, escapes and
// nested trees. Made, it reads the C locale's separators with
// localeconv(), which glibc fills in one static buffer for every caller:
// writers made on several threads at once (a long list's entries) take
// turns for that.
struct JsonWriter::Serializer {
  explicit Serializer(std::string& out)
      : made(making), dump(nlohmann::detail::output_adapter<char, std::string>(out), ' ') {
    made.unlock();
  }
  static inline std::mutex making;
  std::unique_lock<std::mutex> made;
  nlohmann::detail::serializer<ordered_json> dump;
};

namespace {

// Text nlohmann writes as it stands between quotes: printable ASCII other
// than the quote and the backslash. Anything else (escapes, UTF-8, which
// nlohmann checks) goes through its serializer.
bool written_as_is(std::string_view text) {
  return std::ranges::all_of(text,
                             [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

}  // namespace

JsonWriter::JsonWriter(std::string& out, int depth)
    : out_(out),
      depth_(static_cast<std::size_t>(depth)),
      serializer_(std::make_unique<Serializer>(out)) {}

JsonWriter::~JsonWriter() = default;

void JsonWriter::new_line(std::size_t depth) {
  out_ += '\n';
  out_.append(2 * depth, ' ');
}

void JsonWriter::before_value() {
  if (open_.empty()) {
    if (wrote_value_)
      throw std::logic_error("a second JSON value where one was wanted");
    wrote_value_ = true;
    return;
  }
  Open& innermost = open_.back();
  if (innermost.is_object) {
    if (!innermost.awaits_value)
      throw std::logic_error("a value in a JSON object without its key");
    innermost.awaits_value = false;
    return;
  }
  if (!innermost.empty)
    out_ += ',';
  innermost.empty = false;
  new_line(depth_ + open_.size());
}

JsonWriter& JsonWriter::object() {
  before_value();
  out_ += '{';
  open_.push_back({.is_object = true});
  return *this;
}

JsonWriter& JsonWriter::list() {
  before_value();
  out_ += '[';
  open_.push_back({.is_object = false});
  return *this;
}

JsonWriter& JsonWriter::end() {
  if (open_.empty() || open_.back().awaits_value)
    throw std::logic_error("a JSON object or list closed that is not open, or a key without value");
  const Open closed = open_.back();
  open_.pop_back();
  if (!closed.empty)
    new_line(depth_ + open_.size());
  out_ += closed.is_object ? '}' : ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (open_.empty() || !open_.back().is_object || open_.back().awaits_value)
    throw std::logic_error("the JSON key '" + std::string(name) + "' outside an object's members");
  Open& innermost = open_.back();
  if (!innermost.empty)
    out_ += ',';
  innermost.empty = false;
  innermost.awaits_value = true;
  new_line(depth_ + open_.size());
  if (written_as_is(name)) {
    out_ += '"';
    out_ += name;
    out_ += '"';
  } else {
    serializer_->dump.dump(ordered_json(name), false, false, 0);
  }
  out_ += ": ";
  return *this;
}

JsonWriter& JsonWriter::dumped(const ordered_json& tree) {
  // nlohmann's serializer doubles its 512-space margin once when a tree
  // needs more; starting deeper than that would read past it.
  if (depth_ + open_.size() > kDeepest)
    throw std::logic_error("a JSON value nested deeper than the writer allows");
  before_value();
  serializer_->dump.dump(tree, true, false, 2, static_cast<unsigned>(2 * (depth_ + open_.size())));
  return *this;
}

JsonWriter& JsonWriter::value_written(std::string_view text) {
  before_value();
  out_ += text;
  return *this;
}

JsonWriter& JsonWriter::value(const ordered_json& tree) {
  return dumped(tree);
}

JsonWriter& JsonWriter::value(std::string_view text) {
  if (!written_as_is(text))
    return dumped(ordered_json(text));
  before_value();
  out_ += '"';
  out_ += text;
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::value(std::nullptr_t) {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  return dumped(ordered_json(number));
}

}  // namespace faultline::reports
