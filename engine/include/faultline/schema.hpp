#pragma once
// The shape of Faultline's two YAML formats, topology and scenario: every
// mapping the loader reads, each key it takes, what the key holds and what it
// means. The loader reads each mapping's keys by its shape, so a key is known
// to both or to neither; `faultline schema` writes the shapes as JSON Schema
// for editors and validators. The loader stays the authority: it checks what
// a schema cannot (references, sums, the topology a scenario names) and says
// where.

#include <cstdint>
#include <span>
#include <string_view>

namespace faultline::schema {

struct Shape;

// How a value is written.
enum class Form : std::uint8_t {
  text,          // any scalar, read as text (names, ids, references)
  word,          // one of `words`
  integer,       // a whole number in [min, max]
  number,        // a number in [min, max]
  flag,          // true or false
  duration,      // 90m, 1h30m, 2d, 45s, 250ms or 0
  distribution,  // a duration, or {distribution: KIND, ...}
  time,          // T0, T0+35h14m or a local date-time
  local_time,    // a local date-time: "2018-09-25 21:22"
  time_zone,     // an IANA name: Europe/London
  bandwidth,     // 10Gbps, 1GBps
  size,          // 10kB, 2MiB, 512
  clock_span,    // "08:00-17:00"
  mapping,       // a mapping of `shape`
  list,          // a list of `item`
  one_or_list,   // an `item`, or a list of them
  either,        // one of `alternatives`
};

struct Value {
  Form form;
  // What a text names ("a service id"), or a word list's or list's meaning.
  std::string_view note = {};
  std::span<const std::string_view> words = {};
  // Bounds of an integer or number (infinite: none), and the length of a
  // list when fixed.
  double min = 0;
  double max = 0;
  const Shape* shape = nullptr;
  const Value* item = nullptr;
  std::span<const Value> alternatives = {};
  std::uint32_t length = 0;
};

struct Key {
  std::string_view name;
  Value value;
  std::string_view description;
  bool required = false;
};

// One value of the key that picks a variant (a fault's kind, a step's
// action): which of the shape's variant keys it takes, which of them it
// needs, and of which it needs exactly one.
struct Variant {
  std::string_view word;
  std::span<const std::string_view> takes;
  std::span<const std::string_view> needs = {};
  std::span<const std::string_view> exactly_one_of = {};
};

struct Shape {
  // The JSON Schema definition's name.
  std::string_view name;
  std::string_view description;
  std::span<const Key> keys;
  // Keys of which exactly one must be given, whatever the variant.
  std::span<const std::string_view> exactly_one_of = {};
  // The key that picks a variant, the keys only some variants take, and
  // each variant in the order of its word table.
  std::string_view picked_by = {};
  std::span<const std::string_view> variant_keys = {};
  std::span<const Variant> variants = {};

  const Key* find(std::string_view key) const;
};

// The roots.
extern const Shape topology;
extern const Shape scenario;

// Topology mappings.
extern const Shape link;
extern const Shape network;
extern const Shape request;
extern const Shape region;
extern const Shape service;
extern const Shape failover;
extern const Shape overload;
extern const Shape health_check;
extern const Shape failures;
extern const Shape deployment;
extern const Shape dependency;
extern const Shape user_group;
extern const Shape tenant;
extern const Shape generated_tenants;
extern const Shape tenant_sizes;
extern const Shape weekly_activity;

// Scenario mappings.
extern const Shape fault;
extern const Shape tenant_selector;
extern const Shape crew;
extern const Shape crew_resize;
extern const Shape shift;
extern const Shape step;
extern const Shape hold_up;
extern const Shape condition;
extern const Shape requirement;
extern const Shape method;
extern const Shape arrival;
extern const Shape unknown;
extern const Shape success_prior;
extern const Shape batches;
extern const Shape wave;
extern const Shape milestone;

// Both.
extern const Shape distribution;

// Words the loader takes that name no enum of the model.
namespace bare_words {
inline constexpr std::string_view kShiftDays[] = {"weekdays", "every-day"};
inline constexpr std::string_view kStandby[] = {"cold"};
inline constexpr std::string_view kActivity[] = {"business-day", "always"};
inline constexpr std::string_view kUnlimited[] = {"unlimited"};
inline constexpr std::string_view kAllTenants[] = {"all"};
}  // namespace bare_words

}  // namespace faultline::schema
