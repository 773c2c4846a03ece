#include "faultline/reports/schema.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// The texts the loader's parsers take (time.hpp, scenario_clock.hpp,
// yaml_reader.cpp), as ECMA-262 patterns.
// A duration's units come largest first, each once: one alternative per
// first unit, the smaller ones optional after it (no lookahead, which
// draft-07's regular expressions need not take).
std::string duration_text() {
  constexpr std::array<const char*, 5> kUnits = {"d", "h", "m", "s", "ms"};
  std::string text = "(0";
  for (std::size_t first = 0; first < kUnits.size(); ++first) {
    text += fmt::format("|[0-9]+{}", kUnits[first]);
    for (std::size_t next = first + 1; next < kUnits.size(); ++next)
      text += fmt::format("([0-9]+{})?", kUnits[next]);
  }
  return text + ")";
}
constexpr const char* kLocalTimeText =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?";
constexpr const char* kDecimal = "[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?";

std::string anchored(const std::string& text) {
  return "^" + text + "$";
}

ordered_json pattern(const std::string& text) {
  return {{"type", "string"}, {"pattern", anchored(text)}};
}

ordered_json any_of(std::vector<ordered_json> alternatives) {
  return {{"anyOf", std::move(alternatives)}};
}

ordered_json reference(const schema::Shape& shape) {
  return {{"$ref", "#/definitions/" + std::string(shape.name)}};
}

// Draft-07 ignores what stands beside a $ref, so a described reference
// holds it in an allOf.
ordered_json described(ordered_json schema, std::string_view description) {
  if (schema.contains("$ref"))
    schema = {{"allOf", {std::move(schema)}}};
  schema["description"] = std::string(description);
  return schema;
}

ordered_json duration() {
  return any_of({pattern(duration_text()), {{"const", 0}}});
}

ordered_json bounded(const char* type, const schema::Value& v) {
  ordered_json out{{"type", type}};
  const bool whole = std::string_view(type) == "integer";
  for (const auto& [key, bound] : {std::pair{"minimum", v.min}, std::pair{"maximum", v.max}}) {
    if (!std::isfinite(bound))
      continue;
    if (whole)
      out[key] = static_cast<std::int64_t>(bound);
    else
      out[key] = bound;
  }
  return out;
}

ordered_json value_schema(const schema::Value& v);

ordered_json list(const schema::Value& v) {
  ordered_json out{{"type", "array"}, {"items", value_schema(*v.item)}};
  if (v.length > 0) {
    out["minItems"] = v.length;
    out["maxItems"] = v.length;
  }
  return v.note.empty() ? out : described(std::move(out), v.note);
}

// The schema of a value alone; a key adds its description.
ordered_json value_schema(const schema::Value& v) {
  using schema::Form;
  switch (v.form) {
    case Form::text: {
      // Names and ids are text whatever they look like: a YAML 1.2 reader
      // takes `id: 2018` as a number, the loader as the text "2018".
      const ordered_json out{{"type", {"string", "number", "boolean"}}};
      return v.note.empty() ? out : described(out, v.note);
    }
    case Form::word:
      return {{"enum", std::vector<std::string>(v.words.begin(), v.words.end())}};
    case Form::integer:
      return bounded("integer", v);
    case Form::number:
      return bounded("number", v);
    case Form::flag:
      return {{"type", "boolean"}};
    case Form::duration:
      return duration();
    case Form::distribution:
      return any_of({duration(), reference(schema::distribution)});
    case Form::time:
      return pattern("(T0(\\+" + duration_text() + ")?|" + kLocalTimeText + ")");
    case Form::local_time:
      return pattern(kLocalTimeText);
    case Form::time_zone:
      return pattern("[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*");
    case Form::bandwidth:
      return pattern(fmt::format("{}(bps|kbps|Mbps|Gbps|Tbps|Bps|kBps|MBps|GBps)", kDecimal));
    case Form::size:
      return any_of({{{"type", "number"}, {"minimum", 1}},
                     pattern(fmt::format("{}(B|kB|MB|GB|KiB|MiB|GiB)?", kDecimal))});
    case Form::clock_span:
      return pattern("[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}");
    case Form::mapping:
      return reference(*v.shape);
    case Form::list:
      return list(v);
    case Form::one_or_list:
      return any_of({value_schema(*v.item), {{"type", "array"}, {"items", value_schema(*v.item)}}});
    case Form::either: {
      std::vector<ordered_json> alternatives;
      for (const schema::Value& a : v.alternatives)
        alternatives.push_back(value_schema(a));
      return any_of(std::move(alternatives));
    }
  }
  return {};
}

ordered_json required(std::span<const std::string_view> keys) {
  return {{"required", std::vector<std::string>(keys.begin(), keys.end())}};
}

// Exactly one of keys is given: exactly one `required` holds.
ordered_json exactly_one(std::span<const std::string_view> keys) {
  std::vector<ordered_json> each;
  for (const std::string_view key : keys)
    each.push_back(required(std::span(&key, 1)));
  return {{"oneOf", std::move(each)}};
}

// If the shape's picking key has the variant's word, the variant keys it
// does not take are absent, those it needs present, and exactly one of its
// alternatives given.
ordered_json variant_rule(const schema::Shape& shape, const schema::Variant& variant) {
  ordered_json then = ordered_json::object();
  std::vector<ordered_json> absent;
  for (const std::string_view key : shape.variant_keys) {
    if (std::find(variant.takes.begin(), variant.takes.end(), key) == variant.takes.end())
      absent.push_back(required(std::span(&key, 1)));
  }
  if (!absent.empty())
    then["not"] = any_of(std::move(absent));
  if (!variant.needs.empty())
    then["required"] = required(variant.needs)["required"];
  if (!variant.exactly_one_of.empty())
    then["oneOf"] = exactly_one(variant.exactly_one_of)["oneOf"];
  const std::string picked_by(shape.picked_by);
  return {{"if",
           {{"properties", {{picked_by, {{"const", std::string(variant.word)}}}}},
            {"required", {picked_by}}}},
          {"then", std::move(then)}};
}

// A key's description, and for text what it names: "The region it runs
// in: a region id."
std::string description_of(const schema::Key& key) {
  std::string out(key.description);
  if (key.value.form != schema::Form::text || key.value.note.empty())
    return out;
  if (out.ends_with('.'))
    out.pop_back();
  return out + ": " + std::string(key.value.note) + ".";
}

ordered_json shape_schema(const schema::Shape& shape) {
  ordered_json out{{"type", "object"}, {"description", std::string(shape.description)}};
  ordered_json properties = ordered_json::object();
  std::vector<std::string> needed;
  for (const schema::Key& key : shape.keys) {
    ordered_json property = described(value_schema(key.value), description_of(key));
    properties[std::string(key.name)] = std::move(property);
    if (key.required)
      needed.emplace_back(key.name);
  }
  out["properties"] = std::move(properties);
  out["additionalProperties"] = false;
  if (!needed.empty())
    out["required"] = needed;
  std::vector<ordered_json> rules;
  if (!shape.exactly_one_of.empty())
    rules.push_back(exactly_one(shape.exactly_one_of));
  for (const schema::Variant& variant : shape.variants)
    rules.push_back(variant_rule(shape, variant));
  if (!rules.empty())
    out["allOf"] = std::move(rules);
  return out;
}

// The shapes a value's schema refers to, in the order first met.
void collect(const schema::Value& v, std::vector<const schema::Shape*>& shapes);

void collect(const schema::Shape& shape, std::vector<const schema::Shape*>& shapes) {
  if (std::find(shapes.begin(), shapes.end(), &shape) != shapes.end())
    return;
  shapes.push_back(&shape);
  for (const schema::Key& key : shape.keys)
    collect(key.value, shapes);
}

void collect(const schema::Value& v, std::vector<const schema::Shape*>& shapes) {
  if (v.shape != nullptr)
    collect(*v.shape, shapes);
  if (v.item != nullptr)
    collect(*v.item, shapes);
  for (const schema::Value& a : v.alternatives)
    collect(a, shapes);
  if (v.form == schema::Form::distribution)
    collect(schema::distribution, shapes);
}

}  // namespace

ordered_json json_schema(const schema::Shape& root) {
  std::vector<const schema::Shape*> shapes;
  collect(root, shapes);
  ordered_json definitions = ordered_json::object();
  for (const schema::Shape* shape : shapes) {
    if (shape != &root)
      definitions[std::string(shape->name)] = shape_schema(*shape);
  }
  ordered_json out{{"$schema", "http://json-schema.org/draft-07/schema#"},
                   {"title", "Faultline " + std::string(root.name)}};
  out.update(shape_schema(root));
  out["definitions"] = std::move(definitions);
  return out;
}

}  // namespace faultline::reports
