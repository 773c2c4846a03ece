#pragma once
// Reading YAML with a diagnostic for everything that is not as expected.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "faultline/diagnostics.hpp"
#include "faultline/distribution.hpp"
#include "faultline/schema.hpp"
#include "faultline/time.hpp"
#include "faultline/words.hpp"
#include "loader/yaml_tree.hpp"

namespace faultline::loader {

// Reads and parses a file ("-": standard input). Unreadable, binary, empty
// and syntactically broken files, directories, inputs over max_bytes, and
// nesting too deep for the parser, become diagnostics.
std::optional<yaml::Node> parse_file(const std::string& path, Diagnostics& diagnostics,
                                     std::uint64_t max_bytes);

// The file ("-": standard input) as text: unreadable, binary and blank
// inputs, and inputs over max_bytes, are reported; `expected` says what it
// should hold, for the messages.
std::optional<std::string> read_text(const std::string& path, Diagnostics& diagnostics,
                                     std::uint64_t max_bytes, std::string_view expected);
// YAML (or JSON, which YAML reads) text, its syntax errors reported.
std::optional<yaml::Node> parse_text(const std::string& shown_path, const std::string& text,
                                     Diagnostics& diagnostics);

// One document of a file of several, and the lines before it.
struct Document {
  yaml::Node node;
  int line_offset = 0;
};

// Every document of a file: the text is cut at each line that starts
// with "---" and each piece parsed alone, as parse_file reads and checks a
// file (yaml-cpp 0.7's LoadAll can loop for ever on broken input that Load
// refuses or reads); `expected` says what the file should hold, for the
// messages. A document's errors give lines of the whole file.
std::optional<std::vector<Document>> parse_documents(const std::string& path,
                                                     Diagnostics& diagnostics,
                                                     std::uint64_t max_bytes,
                                                     std::string_view expected);

// "a mapping", "a sequence", "the text 'abc'", "nothing"
std::string describe(const yaml::Node& node);

class Reader {
 public:
  // `line_offset`: the lines before the text the nodes were parsed from.
  Reader(std::string file, Diagnostics& diagnostics, int line_offset = 0)
      : file_(std::move(file)), diagnostics_(diagnostics), line_offset_(line_offset) {}

  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() { return diagnostics_; }

  SourceLocation at(const yaml::Node& node) const;
  void error(const yaml::Node& node, std::string message);
  void warning(const yaml::Node& node, std::string message);

  // Each reports a problem at the node and returns nothing.
  std::optional<std::string> text(const yaml::Node& node, std::string_view what);
  // The text under key in an open-ended mapping (one whose other keys are
  // another tool's, such as a Backstage entity's), reported at
  // the mapping when absent: "<what> has no 'key'".
  std::optional<std::string> required_text(const yaml::Node& map, const std::string& key,
                                           std::string_view what);
  // Text where the key may be absent: empty when it is (or is not text, reported).
  std::string optional_text(const yaml::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const yaml::Node& node, std::string_view what,
                                      std::int64_t min, std::int64_t max);
  // A number in [min, max].
  std::optional<double> number(const yaml::Node& node, std::string_view what, double min,
                               double max);
  // true or false.
  std::optional<bool> flag(const yaml::Node& node, std::string_view what);
  // A number in [0, 1].
  std::optional<double> fraction(const yaml::Node& node, std::string_view what);
  std::optional<Duration> duration(const yaml::Node& node, std::string_view what);
  // A link capacity above 0 such as 10Gbps, 100Mbps or 1GBps, in bits per second.
  std::optional<double> bandwidth(const yaml::Node& node, std::string_view what);
  // A size above 0 such as 10kB, 2MiB or 512 (bytes), in bytes.
  std::optional<std::int64_t> bytes(const yaml::Node& node, std::string_view what);
  // A duration (fixed) or a mapping naming a distribution and its parameters.
  std::optional<Distribution> distribution(const yaml::Node& node, std::string_view what);
  // Whether distribution() warns of a law likely to reach the longest
  // duration, where draws are cut: a scenario's without a horizon.
  void warn_of_cut_draws(bool warn) { warn_of_cut_draws_ = warn; }
  // A word of E's table (words.hpp); an unknown one is reported as
  // "unknown NOUN 'x' (did you mean 'y'?); expected a, b or c".
  template <class E>
  std::optional<E> word(const yaml::Node& node, std::string_view what, std::string_view noun) {
    const std::string given = text(node, what).value_or("");
    if (given.empty())
      return std::nullopt;
    if (const auto parsed = parse_word<E>(given))
      return parsed;
    error(node, "unknown " + std::string(noun) + " '" + given + "'" +
                    did_you_mean(given, accepted_words<E>()) + "; expected " + expected_words<E>());
    return std::nullopt;
  }
  // True if node is a sequence; reports otherwise.
  bool sequence(const yaml::Node& node, std::string_view what);
  // Reports each key of the mapping given again after its first, which
  // reading by key would pass over; true if there is none. For mappings
  // not read by their shape (Fields does it for those).
  bool keys_once(const yaml::Node& map, std::string_view what);

 private:
  // Warns of a law whose draws reach the bound on every duration.
  void warn_if_bounded(const yaml::Node& node, std::string_view what, const Distribution& law);
  std::string file_;
  Diagnostics& diagnostics_;
  int line_offset_ = 0;
  bool warn_of_cut_draws_ = false;
};

// One YAML mapping being read by its shape (schema.hpp): keys the shape
// does not list and duplicate keys are reported on construction, missing
// required ones on request.
class Fields {
 public:
  Fields(Reader& reader, const yaml::Node& map, std::string what, const schema::Shape& shape);

  bool is_map() const { return is_map_; }
  const yaml::Node& node() const { return map_; }
  // The value under key; an undefined node when absent. Reading a key the
  // shape does not list is a defect of the loader (std::logic_error).
  yaml::Node get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).defined(); }
  // As get, but reports "missing required field" when absent.
  yaml::Node require(std::string_view key);

 private:
  // Reports a key the shape does not list, with the likeliest it meant.
  void report_unknown(const yaml::Node& key);

  Reader& reader_;
  const schema::Shape& shape_;
  yaml::Node map_;
  std::string what_;
  bool is_map_ = false;
  std::vector<std::pair<std::string, yaml::Node>> values_;
  // Known keys that an unknown key was a likely typo of: already reported.
  std::vector<std::string> misspelt_;
};

// Ids of one kind of thing in a file: duplicates and unknown references are
// reported, unknown ones with the closest known id.
class IdTable {
 public:
  // Finds an id's index in an index kept elsewhere.
  using Finder = std::function<std::optional<std::uint32_t>(std::string_view)>;
  // Lists every id, for a did-you-mean.
  using Lister = std::function<std::vector<std::string>()>;

  explicit IdTable(std::string kind) : kind_(std::move(kind)) {}
  IdTable(std::string kind, std::vector<std::string> ids);
  // Ids resolved through another's index (the topology's): nothing is
  // copied, which at 10^5 services saves about a tenth of a second of every
  // load, and the ids are listed only for an unknown reference's message.
  IdTable(std::string kind, Finder find, Lister list)
      : kind_(std::move(kind)), find_(std::move(find)), list_(std::move(list)) {}

  const std::string& kind() const { return kind_; }
  // Registers the id of item index, found at node; reports a duplicate.
  void add(Reader& reader, const yaml::Node& node, const std::string& id, std::uint32_t index);
  std::optional<std::uint32_t> find(const std::string& id) const;
  // Reads a reference at node and resolves it, reporting what is unknown.
  std::optional<std::uint32_t> resolve(Reader& reader, const yaml::Node& node);
  // A sequence of references (or a single one).
  std::vector<std::uint32_t> resolve_list(Reader& reader, const yaml::Node& node);
  // The same, each item once: one given again is reported where it is
  // given again, with the message twice(its id), and left out.
  std::vector<std::uint32_t> resolve_list_once(
      Reader& reader, const yaml::Node& node,
      const std::function<std::string(const std::string&)>& twice);

 private:
  std::string kind_;
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::pair<std::uint32_t, int>> index_;  // id -> (index, line)
  // Set for a table resolved through another's index; ids_ is then empty.
  Finder find_;
  Lister list_;
};

// Registers the ids of a top-level list's items, so that references may point
// forward; the items themselves are read afterwards.
IdTable collect_ids(Reader& reader, const yaml::Node& list, const std::string& kind);

}  // namespace faultline::loader
