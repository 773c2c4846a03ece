#include "faultline/reports/json_document.hpp"

#include <algorithm>
#include <stdexcept>

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// Appends value.dump(2) as it would stand `depth` levels deep in a
// document dumped with an indent of 2: every line after its first moves
// right by 2 * depth. A raw newline only ever breaks the layout, since the
// dump escapes those inside strings.
void append_at_depth(std::string& out, const ordered_json& value, int depth) {
  const std::string dumped = value.dump(2);
  const std::string margin(static_cast<std::size_t>(2 * depth), ' ');
  std::size_t from = 0;
  for (std::size_t at = dumped.find('\n'); at != std::string::npos;
       from = at + 1, at = dumped.find('\n', from)) {
    out.append(dumped, from, at + 1 - from);
    out += margin;
  }
  out.append(dumped, from);
}

}  // namespace

JsonDocument::JsonDocument(const ordered_json& object) {
  // items() of a list would make keys of its positions.
  if (!object.is_object())
    throw std::logic_error("a JSON document starts from an object, not a " +
                           std::string(object.type_name()));
  for (const auto& item : object.items())
    add(item.key(), item.value());
}

void JsonDocument::add(std::string key, ordered_json value) {
  add_list(std::move(key), 0, {});
  members_.back().value = std::move(value);
}

void JsonDocument::add_list(std::string key, std::size_t size, Entry entry) {
  if (std::ranges::any_of(members_, [&](const Member& m) { return m.key == key; }))
    throw std::logic_error("the JSON result has two members '" + key + "'");
  members_.push_back({std::move(key), ordered_json(), size, std::move(entry)});
}

ordered_json JsonDocument::tree() const {
  ordered_json j = ordered_json::object();
  for (const Member& m : members_) {
    if (!m.entry) {
      j[m.key] = m.value;
      continue;
    }
    ordered_json list = ordered_json::array();
    for (std::size_t i = 0; i < m.size; ++i)
      list.push_back(m.entry(i));
    j[m.key] = std::move(list);
  }
  return j;
}

void JsonDocument::write(const std::function<void(std::string_view)>& out) const {
  if (members_.empty()) {
    out("{}\n");
    return;
  }
  std::string piece = "{\n";
  for (std::size_t k = 0; k < members_.size(); ++k) {
    const Member& m = members_[k];
    piece += "  " + ordered_json(m.key).dump() + ": ";
    if (!m.entry) {
      append_at_depth(piece, m.value, 1);
    } else if (m.size == 0) {
      piece += "[]";
    } else {
      piece += "[\n";
      for (std::size_t i = 0; i < m.size; ++i) {
        piece += "    ";
        append_at_depth(piece, m.entry(i), 2);
        piece += i + 1 < m.size ? ",\n" : "\n";
        out(piece);
        piece.clear();
      }
      piece += "  ]";
    }
    piece += k + 1 < members_.size() ? ",\n" : "\n";
  }
  out(piece + "}\n");
}

std::string JsonDocument::text() const {
  std::string text;
  write([&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace faultline::reports
