// The writer must write byte for byte what nlohmann's dump(2) writes for the
// same value: every golden file and every merge of shards compares bytes.
// Numbers and escapes go through nlohmann's serializer, a detail of the
// library, so they are its by construction; these cases check that the
// writer hands every value over whole, at every depth and in keys, and
// that plain text, written without it, is what it would write.
#include "faultline/reports/json_writer.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace faultline::reports {
namespace FAULTLINE_TEST_FILE {

using nlohmann::ordered_json;

template <class T>
std::string written(const T& v, int depth = 0) {
  std::string out;
  JsonWriter(out, depth).value(v);
  return out;
}

TEST(JsonWriter, WritesNumbersAsNlohmannDumpsThem) {
  constexpr double kMax = std::numeric_limits<double>::max();
  for (const double x : {0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3, 1e-4, 1e-5, 123456789012345.0, 1e15,
                         1e16, 1e17, 2.5e-300, kMax, std::numeric_limits<double>::min(),
                         std::numeric_limits<double>::denorm_min(), 5e-324 * 3})
    EXPECT_EQ(written(x), ordered_json(x).dump()) << x;
  // Any finite bit pattern, and the shortest digits of uniform draws.
  std::mt19937_64 bits(7);
  for (int i = 0; i < 20'000; ++i) {
    const auto x = std::bit_cast<double>(bits());
    if (std::isfinite(x)) {
      ASSERT_EQ(written(x), ordered_json(x).dump()) << x;
    }
    const double u = std::ldexp(static_cast<double>(bits() >> 11), -53) * 1e6;
    ASSERT_EQ(written(u), ordered_json(u).dump()) << u;
  }
  // Not finite: null, as nlohmann writes it.
  EXPECT_EQ(written(std::nan("")), "null");
  EXPECT_EQ(written(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(written(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(written(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(written(-3), "-3");
  EXPECT_EQ(written(true), "true");
  EXPECT_EQ(written(nullptr), "null");
  EXPECT_EQ(written(std::optional<double>()), "null");
  EXPECT_EQ(written(std::optional<double>(2.0)), "2.0");
}

TEST(JsonWriter, EscapesTextAsNlohmannDoes) {
  for (const std::string& text :
       {std::string("plain"), std::string(""), std::string("a \"quote\" and a \\ backslash"),
        std::string("tab\tnew\nline\r\b\f"), std::string("\x01\x1f\x7f", 3),
        std::string("caf\u00e9 \u65e5\u672c \U0001F600"), std::string("nul\0byte", 8)}) {
    EXPECT_EQ(written(text), ordered_json(text).dump()) << text;
    std::string out;
    JsonWriter(out).object().key(text).value(1).end();
    EXPECT_EQ(out, ordered_json::object({{text, 1}}).dump(2)) << text;
  }
  // Text that is not UTF-8 is refused as nlohmann refuses it.
  EXPECT_THROW(written(std::string("\xff\xfe")), ordered_json::type_error);
}

// A value standing d levels deep: each line after its first moves right by
// 2 * d, as in a document dumped whole.
TEST(JsonWriter, WritesATreeAtItsDepth) {
  const ordered_json tree = {{"a", {1, {{"b", ordered_json::array()}}, "x"}},
                             {"c", ordered_json::object()},
                             {"d", {{"e", nullptr}}}};
  EXPECT_EQ(written(tree), tree.dump(2));
  std::string shifted = tree.dump(2);
  for (std::size_t at = shifted.find('\n'); at != std::string::npos;
       at = shifted.find('\n', at + 1))
    shifted.insert(at + 1, "    ");
  EXPECT_EQ(written(tree, 2), shifted);
  const ordered_json document = {{"list", {tree, tree}}};
  std::string out;
  JsonWriter w(out);
  w.object().key("list").list().value(tree);
  w.object().key("a").list().value(1).object().key("b").list().end().end().value("x").end();
  w.member("c", ordered_json::object()).key("d").object().member("e", nullptr).end();
  w.end().end().end();
  EXPECT_EQ(out, document.dump(2));
}

TEST(JsonWriter, EmptyObjectsAndListsStandOnOneLine) {
  std::string out;
  JsonWriter(out).list().object().end().list().end().end();
  EXPECT_EQ(out, ordered_json({ordered_json::object(), ordered_json::array()}).dump(2));
  out.clear();
  JsonWriter(out).object().end();
  EXPECT_EQ(out, "{}");
}

TEST(JsonWriter, RefusesAMalformedDocument) {
  std::string out;
  EXPECT_THROW(JsonWriter(out).key("a"), std::logic_error) << "a key outside an object";
  EXPECT_THROW(JsonWriter(out).list().key("a"), std::logic_error) << "a key in a list";
  EXPECT_THROW(JsonWriter(out).object().value(1), std::logic_error) << "a value without its key";
  EXPECT_THROW(JsonWriter(out).object().key("a").key("b"), std::logic_error) << "two keys";
  EXPECT_THROW(JsonWriter(out).object().key("a").end(), std::logic_error) << "a key, no value";
  EXPECT_THROW(JsonWriter(out).end(), std::logic_error) << "nothing open";
  EXPECT_THROW(JsonWriter(out).value(1).value(2), std::logic_error) << "two values";
  JsonWriter deep(out, 200);
  EXPECT_NO_THROW(deep.value(ordered_json{{"a", 1}}));
  EXPECT_THROW(JsonWriter(out, 201).value(1), std::logic_error) << "deeper than a report nests";
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline::reports
