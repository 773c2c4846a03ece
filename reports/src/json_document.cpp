#include "faultline/reports/json_document.hpp"

#include <algorithm>
#include <stdexcept>

namespace faultline::reports {

using nlohmann::ordered_json;

JsonDocument::JsonDocument(const ordered_json& object) {
  // items() of a list would make keys of its positions.
  if (!object.is_object())
    throw std::logic_error("a JSON document starts from an object, not a " +
                           std::string(object.type_name()));
  for (const auto& item : object.items())
    add(item.key(), item.value());
}

void JsonDocument::add(std::string key, ordered_json value) {
  add_written(std::move(key), [value = std::move(value)](JsonWriter& w) { w.value(value); });
}

void JsonDocument::add_written(std::string key, Writing writing) {
  if (!writing)
    throw std::logic_error("the JSON member '" + key + "' has nothing to write it");
  check_new(key);
  members_.push_back({std::move(key), std::move(writing), 0, {}});
}

void JsonDocument::add_list(std::string key, std::size_t size, Entry entry) {
  if (!entry)
    throw std::logic_error("the JSON list '" + key + "' has nothing to write its entries");
  check_new(key);
  members_.push_back({std::move(key), {}, size, std::move(entry)});
}

void JsonDocument::check_new(const std::string& key) const {
  if (std::ranges::any_of(members_, [&](const Member& m) { return m.key == key; }))
    throw std::logic_error("the JSON result has two members '" + key + "'");
}

ordered_json JsonDocument::tree() const {
  return ordered_json::parse(text());
}

void JsonDocument::write(const std::function<void(std::string_view)>& out) const {
  std::string piece;
  JsonWriter w(piece);
  w.object();
  for (const Member& m : members_) {
    w.key(m.key);
    if (m.writing) {
      m.writing(w);
      continue;
    }
    w.list();
    for (std::size_t i = 0; i < m.size; ++i) {
      m.entry(w, i);
      out(piece);
      piece.clear();
    }
    w.end();
  }
  w.end();
  out(piece + "\n");
}

std::string JsonDocument::text() const {
  std::string text;
  write([&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace faultline::reports
