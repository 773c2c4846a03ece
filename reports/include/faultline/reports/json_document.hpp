#pragma once
// A JSON result made member by member, so that a list of one entry per
// service need never stand whole in memory: at 10^5 services a
// simulation's JSON is half a gigabyte as text and several times that as
// a tree.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/reports/json_writer.hpp"

namespace faultline::reports {

class JsonDocument {
 public:
  // Writes one member's value.
  using Writing = std::function<void(JsonWriter&)>;
  // Writes entry i of a list member.
  using Entry = std::function<void(JsonWriter&, std::size_t)>;

  JsonDocument() = default;
  // A document whose first members are those of `object`, in its order;
  // anything but an object is a defect of the report (std::logic_error).
  explicit JsonDocument(const nlohmann::ordered_json& object);

  // Members keep the order they are added in; a key added twice, or an
  // empty writing or entry, is a defect of the report (std::logic_error).
  void add(std::string key, nlohmann::ordered_json value);
  // A member written only when the document is.
  void add_written(std::string key, Writing writing);
  // A list of `size` entries, each written by `entry` as one whole value
  // into a writer of its own (std::logic_error otherwise): in turn, or for
  // a long list written by several threads (see write), on any of them.
  void add_list(std::string key, std::size_t size, Entry entry);

  // The whole document as one tree, read back from its text.
  nlohmann::ordered_json tree() const;
  // The document as nlohmann's dump(2) would write its tree, and a newline,
  // handed to `out` in pieces, a list's entry (or block of entries) at a
  // time. Up to `threads` threads write the blocks of a long list ahead,
  // each entry with a writer of its own, while the caller's thread hands
  // the blocks done to `out` in order: the text is the same for any number
  // of threads. Entries may then be written on several threads at once,
  // so they only read what they write of.
  void write(const std::function<void(std::string_view)>& out, unsigned threads = 1) const;
  // The same text, whole.
  std::string text() const;

 private:
  struct Member {
    std::string key;
    Writing writing;       // of a member that is no list; empty for a list
    std::size_t size = 0;  // of a list
    Entry entry;           // of a list
  };
  void check_new(const std::string& key) const;
  // Entry i of list m, written whole at `depth`.
  static std::string entry_text(const Member& m, std::size_t i, int depth);
  // The entries of list m, open in w, in blocks written by `threads`
  // threads; the text goes to `out` through `piece`, w's output.
  static void write_blocks(const Member& m, JsonWriter& w, unsigned threads, std::string& piece,
                           const std::function<void(std::string_view)>& out);

  std::vector<Member> members_;
};

}  // namespace faultline::reports
