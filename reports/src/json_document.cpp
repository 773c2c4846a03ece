#include "faultline/reports/json_document.hpp"

#include <algorithm>
#include <deque>
#include <future>
#include <stdexcept>

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {
// A long list's entries are written in blocks of kBlock by several
// threads; below kSharedFrom entries the threads would cost more than they
// save.
constexpr std::size_t kBlock = 256;
constexpr std::size_t kSharedFrom = 4 * kBlock;
}  // namespace

// Each entry is written by a writer of its own at the list's depth, on
// whichever thread: an entry that writes no whole value is refused the
// same way however the list is written.
std::string JsonDocument::entry_text(const Member& m, std::size_t i, int depth) {
  std::string text;
  JsonWriter entry(text, depth);
  m.entry(entry, i);
  if (!entry.complete())
    throw std::logic_error("entry " + std::to_string(i) + " of the JSON list '" + m.key +
                           "' is no whole value");
  return text;
}

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

void JsonDocument::write(const std::function<void(std::string_view)>& out, unsigned threads) const {
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
    if (threads > 1 && m.size >= kSharedFrom) {
      write_blocks(m, w, threads, piece, out);
    } else {
      for (std::size_t i = 0; i < m.size; ++i) {
        w.value_written(entry_text(m, i, w.next_depth()));
        out(piece);
        piece.clear();
      }
    }
    w.end();
  }
  w.end();
  out(piece + "\n");
}

// At most `threads` blocks are under way, each on a thread of its own, so
// that memory stays a few blocks' text however long the list; the caller's
// thread hands each block out (to a file, as a rule) while the next ones
// are written.
void JsonDocument::write_blocks(const Member& m, JsonWriter& w, unsigned threads,
                                std::string& piece,
                                const std::function<void(std::string_view)>& out) {
  const int depth = w.next_depth();
  const auto block = [&m, depth](std::size_t from, std::size_t to) {
    std::vector<std::string> texts;
    for (std::size_t i = from; i < to; ++i)
      texts.push_back(entry_text(m, i, depth));
    return texts;
  };
  std::deque<std::future<std::vector<std::string>>> ahead;
  std::size_t next = 0;
  const auto start_blocks = [&] {
    while (next < m.size && ahead.size() < threads) {
      const std::size_t to = std::min(m.size, next + kBlock);
      ahead.push_back(std::async(std::launch::async, block, next, to));
      next = to;
    }
  };
  start_blocks();
  while (!ahead.empty()) {
    const std::vector<std::string> texts = ahead.front().get();
    ahead.pop_front();
    start_blocks();
    for (const std::string& text : texts)
      w.value_written(text);
    out(piece);
    piece.clear();
  }
}

std::string JsonDocument::text() const {
  std::string text;
  write([&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace faultline::reports
