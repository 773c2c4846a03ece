#pragma once
// JSON text written as it is made, laid out exactly as nlohmann's dump(2)
// lays out the same tree: the reports' large lists (a simulation's entry per
// service at 10^5 services is half a gigabyte) are written without building
// a tree of small allocations first. Scalars go through nlohmann's own
// serializer, so numbers and escapes are its, byte for byte.

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::reports {

class JsonWriter {
 public:
  // Appends to `out` a value standing `depth` levels deep in a document
  // indented by 2: every line after its first moves right by 2 * depth.
  explicit JsonWriter(std::string& out, int depth = 0);
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // Opens an object or a list as the next value; end() closes the
  // innermost one open.
  JsonWriter& object();
  JsonWriter& list();
  JsonWriter& end();
  // The key of the next member of the object open; a key out of an object
  // is a defect of the report (std::logic_error).
  JsonWriter& key(std::string_view name);

  JsonWriter& value(const nlohmann::ordered_json& tree);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(std::nullptr_t);
  JsonWriter& value(bool flag);
  JsonWriter& value(double number);
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonWriter& value(T number) {
    if constexpr (std::signed_integral<T>)
      return dumped(nlohmann::ordered_json(static_cast<std::int64_t>(number)));
    else
      return dumped(nlohmann::ordered_json(static_cast<std::uint64_t>(number)));
  }
  // null when empty.
  template <class T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : value(nullptr);
  }

  // The depth at which the next value stands: a writer of its own made at
  // this depth writes that value's text as this one would.
  int next_depth() const { return static_cast<int>(depth_ + open_.size()); }
  // A value another writer wrote whole at next_depth(): it goes in with the
  // separator and margin this writer puts before any value there.
  JsonWriter& value_written(std::string_view text);
  // The writer's one value is written and closed.
  bool complete() const { return wrote_value_ && open_.empty(); }

  // key(name) and value(v) together.
  template <class T>
  JsonWriter& member(std::string_view name, const T& v) {
    return key(name).value(v);
  }

 private:
  // The deepest a value may stand: reports nest a few levels.
  static constexpr std::size_t kDeepest = 200;
  struct Open {
    bool is_object = false;
    bool empty = true;
    bool awaits_value = false;  // of an object, after its key
  };

  JsonWriter& dumped(const nlohmann::ordered_json& tree);
  // The separator and margin that go before the next value in a list, or
  // the check that an object's key came first.
  void before_value();
  void new_line(std::size_t depth);

  std::string& out_;
  std::size_t depth_;  // of the innermost container open
  std::vector<Open> open_;
  bool wrote_value_ = false;  // the one value a writer writes
  struct Serializer;
  std::unique_ptr<Serializer> serializer_;
};

}  // namespace faultline::reports
