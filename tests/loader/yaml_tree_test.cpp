// The loader's YAML tree against yaml-cpp's own YAML::Node: the same
// documents must give the same kinds, text, places and lookups, since the
// tree replaced YAML::Node under every reader and no file may read
// differently for it. And numbers read as yaml-cpp reads them.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "loader/yaml_reader.hpp"
#include "loader/yaml_tree.hpp"

namespace faultline::loader {
namespace FAULTLINE_TEST_FILE {

yaml::NodeKind kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
      return yaml::NodeKind::undefined;
    case YAML::NodeType::Null:
      return yaml::NodeKind::null;
    case YAML::NodeType::Scalar:
      return yaml::NodeKind::scalar;
    case YAML::NodeType::Sequence:
      return yaml::NodeKind::sequence;
    case YAML::NodeType::Map:
      return yaml::NodeKind::map;
  }
  return yaml::NodeKind::undefined;
}

// Walks both trees together; `path` names the node in a failure.
void expect_same(const yaml::Node& ours, const YAML::Node& theirs, const std::string& path) {
  ASSERT_EQ(ours.kind(), kind_of(theirs)) << path;
  EXPECT_EQ(ours.mark().line, theirs.Mark().line) << path;
  EXPECT_EQ(ours.mark().column, theirs.Mark().column) << path;
  EXPECT_EQ(ours.size(), theirs.IsSequence() || theirs.IsMap() ? theirs.size() : 0) << path;
  if (theirs.IsScalar()) {
    EXPECT_EQ(ours.scalar(), theirs.Scalar()) << path;
  }
  if (theirs.IsSequence()) {
    for (std::size_t i = 0; i < theirs.size(); ++i)
      expect_same(ours[i], theirs[i], path + "[" + std::to_string(i) + "]");
  }
  if (theirs.IsMap()) {
    auto our_pair = ours.begin();
    for (const auto& pair : theirs) {
      ASSERT_FALSE(our_pair == ours.end()) << path;
      const yaml::Entry entry = *our_pair++;
      expect_same(entry.first, pair.first, path + " key");
      expect_same(entry.second, pair.second, path + "." + pair.first.as<std::string>("?"));
    }
    EXPECT_TRUE(our_pair == ours.end()) << path;
  }
}

TEST(YamlTree, ReadsEveryDocumentAsYamlCppDoes) {
  const std::vector<std::string> documents = {
      "",
      "# only a comment\n",
      "~",
      "plain text",
      "- a\n- 'quoted'\n- \"double\"\n- ~\n- null\n-\n- [1, 2, {x: y}]\n",
      "a: 1\nb:\n  c: [x, y]\n  d: {e: f}\nempty:\nnull_word: null\n",
      // A key given twice: both pairs are kept, in order, as yaml-cpp does.
      "id: one\nid: two\n",
      // Anchors and aliases: an alias is the anchored node, at its place.
      "base: &b {median: 1h, p95: 2h}\nfirst: *b\nsecond: *b\nlist: &l [1, 2]\nagain: *l\n",
      "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
      "? [complex, key]\n: value\n? plain\n: other\n",
      "first: document\n---\n",
  };
  for (const std::string& text : documents) {
    SCOPED_TRACE(text);
    expect_same(yaml::parse(text), YAML::Load(text), "root");
  }
}

// Where yaml-cpp reads the first document and drops the rest, a second
// one with content is refused, at its start.
TEST(YamlTree, RefusesASecondDocument) {
  try {
    yaml::parse("first: document\n---\nsecond: document\n");
    FAIL() << "the second document was left out without a word";
  } catch (const YAML::Exception& e) {
    EXPECT_EQ(e.mark.line, 2);
    EXPECT_EQ(e.mark.column, 0);
  }
  EXPECT_THROW(yaml::parse("[1, 2]\n[3]\n"), YAML::Exception) << "two JSON values";
}

TEST(YamlTree, LooksUpAsYamlCppDoes) {
  const std::string text = "a: 1\nid: one\nid: two\n? [k]\n: v\nlist: [x, y]\n";
  const yaml::Node root = yaml::parse(text);
  EXPECT_EQ(root["a"].scalar(), "1");
  EXPECT_EQ(root["id"].scalar(), "one");  // the first of a key given twice
  EXPECT_FALSE(root["absent"].defined());
  EXPECT_FALSE(root["list"]["a"].defined());  // a sequence has no keys
  EXPECT_EQ(root["list"][1].scalar(), "y");
  EXPECT_FALSE(root["list"][2].defined());
  EXPECT_FALSE(root[0].defined());  // a map has no items
  EXPECT_FALSE(yaml::Node().defined());
  EXPECT_EQ(yaml::Node().mark().line, -1);
}

TEST(YamlTree, OutlivesItsDocument) {
  yaml::Node kept;
  {
    const yaml::Node root = yaml::parse("spec: {owner: team-a}\n");
    kept = root["spec"];
  }
  EXPECT_EQ(kept["owner"].scalar(), "team-a");
}

TEST(YamlTree, ReportsSyntaxErrorsAsYamlCppDoes) {
  for (const std::string text : {"a: [1, 2\n", "a: b: c\n", "- &x 1\n- *y\n", "{a: 1"}) {
    SCOPED_TRACE(text);
    std::string ours;
    std::string theirs;
    try {
      yaml::parse(text);
    } catch (const YAML::Exception& e) {
      ours = e.what();
    }
    try {
      YAML::Load(text);
    } catch (const YAML::Exception& e) {
      theirs = e.what();
    }
    EXPECT_FALSE(ours.empty());
    EXPECT_EQ(ours, theirs);
  }
}

TEST(YamlTree, CopiesAnEditedYamlCppTree) {
  YAML::Node root = YAML::Load("steps:\n  - {id: a, duration: 1h}\n");
  YAML::Node added;
  added["id"] = "b";
  root["steps"].push_back(added);
  const yaml::Node copy = yaml::from_yaml_cpp(root);
  expect_same(copy, root, "root");
  EXPECT_EQ(copy["steps"][1]["id"].scalar(), "b");
  EXPECT_EQ(copy["steps"][1].mark().line, -1);  // an added node has no place
}

// Whole numbers and numbers as the readers take them, against yaml-cpp's
// reading of the same text: plain decimals take a shorter way, which must
// agree; other forms (other bases, exponents, signs, .inf) are yaml-cpp's.
TEST(YamlTree, ReadsNumbersAsYamlCppDoes) {
  Diagnostics diagnostics;
  Reader reader("numbers.yaml", diagnostics);
  for (const std::string text :
       {"0", "7", "-12", "010", "0x1F", "+5", "1e3", "1.5", "-0", "123456789012345",
        "1234567890123456789", "99999999999999999999", "", "1_000", " 3"}) {
    SCOPED_TRACE("'" + text + "'");
    const yaml::Node node = yaml::parse("n: '" + text + "'")["n"];
    std::int64_t expected = 0;
    const bool whole = YAML::convert<std::int64_t>::decode(YAML::Node(text), expected);
    const auto ours = reader.integer(node, "n", INT64_MIN, INT64_MAX);
    EXPECT_EQ(ours.has_value(), whole);
    if (whole && ours) {
      EXPECT_EQ(*ours, expected);
    }
  }
  for (const std::string text :
       {"0", "0.5", "-2.25", "1.", ".5", "00.5", "1e-3", "0x10", "+1.5", "3.14159265358979323846",
        "12345678901234567", "1.2.3", "-", ".inf", "nan"}) {
    SCOPED_TRACE("'" + text + "'");
    const yaml::Node node = yaml::parse("n: '" + text + "'")["n"];
    double expected = 0;
    const bool number =
        YAML::convert<double>::decode(YAML::Node(text), expected) && std::isfinite(expected);
    const auto ours = reader.number(node, "n", -1e300, 1e300);
    EXPECT_EQ(ours.has_value(), number);
    if (number && ours) {
      EXPECT_EQ(*ours, expected);
    }
  }
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline::loader
