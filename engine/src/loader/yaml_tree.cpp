#include "loader/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>

#include <istream>
#include <streambuf>

namespace faultline::loader::yaml {

// A document: every node in the order the parser met it, a sequence's
// items or a map's keys and values (alternating) as one run of `children`,
// and the scalars' text.
class Tree {
 public:
  struct Record {
    NodeKind kind = NodeKind::undefined;
    Mark mark;
    // A scalar's text in `scalars`; a collection's run in `children`,
    // `count` entries long (two per pair of a map).
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };

  std::vector<Record> records;
  std::vector<std::uint32_t> children;
  std::vector<std::string> scalars;
};

namespace {

const std::string kNoText;

// Builds a Tree from the parser's events. A collection's children are
// gathered on a stack of open collections and copied into place when it
// ends, so each collection's children stay one contiguous run.
class TreeBuilder : public YAML::EventHandler {
 public:
  // Room for a document of `bytes`, guessing a node per 8 bytes of text
  // and a scalar per 16, so that a large document's arrays seldom grow
  // (and move what they hold); room guessed too large is address space
  // never touched.
  explicit TreeBuilder(std::size_t bytes = 0) {
    tree_->records.reserve(bytes / 8);
    tree_->children.reserve(bytes / 8);
    tree_->scalars.reserve(bytes / 16);
  }

  std::shared_ptr<Tree> take() {
    if (tree_->records.empty())
      add(NodeKind::null, YAML::Mark::null_mark(), YAML::NullAnchor);
    return std::move(tree_);
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    attach(add(NodeKind::null, mark, anchor));
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override { attach(anchors_[anchor]); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    const std::uint32_t index = add(NodeKind::scalar, mark, anchor);
    tree_->records[index].first = static_cast<std::uint32_t>(tree_->scalars.size());
    tree_->scalars.push_back(value);
    attach(index);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(add(NodeKind::sequence, mark, anchor));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(add(NodeKind::map, mark, anchor));
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    std::uint32_t index = 0;
    std::vector<std::uint32_t> children;
  };

  std::uint32_t add(NodeKind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    const auto index = static_cast<std::uint32_t>(tree_->records.size());
    tree_->records.push_back({kind, {mark.line, mark.column}, 0, 0});
    if (anchor != YAML::NullAnchor) {
      if (anchors_.size() <= anchor)
        anchors_.resize(anchor + 1);
      anchors_[anchor] = index;
    }
    return index;
  }

  void attach(std::uint32_t index) {
    if (depth_ > 0)
      open_[depth_ - 1].children.push_back(index);
  }

  // The vectors of closed collections are kept for the next ones at their
  // depth, so a document of many small maps allocates few of them.
  void open(std::uint32_t index) {
    if (open_.size() == depth_)
      open_.emplace_back();
    open_[depth_].index = index;
    open_[depth_].children.clear();
    ++depth_;
  }

  void close() {
    Open& done = open_[--depth_];
    Tree::Record& record = tree_->records[done.index];
    record.first = static_cast<std::uint32_t>(tree_->children.size());
    record.count = static_cast<std::uint32_t>(done.children.size());
    tree_->children.insert(tree_->children.end(), done.children.begin(), done.children.end());
    attach(done.index);
  }

  std::shared_ptr<Tree> tree_ = std::make_shared<Tree>();
  std::vector<std::uint32_t> anchors_;
  std::vector<Open> open_;
  std::size_t depth_ = 0;
};

// Replays a yaml-cpp tree as parser events; an alias is a node met again,
// and is given as the same node (yaml-cpp keeps no anchors once parsed).
class YamlCppWalk {
 public:
  explicit YamlCppWalk(TreeBuilder& builder) : builder_(builder) {}

  void walk(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        builder_.OnScalar(mark, node.Tag(), YAML::NullAnchor, node.Scalar());
        return;
      case YAML::NodeType::Sequence:
        builder_.OnSequenceStart(mark, node.Tag(), YAML::NullAnchor, node.Style());
        for (const YAML::Node& item : node)
          walk(item);
        builder_.OnSequenceEnd();
        return;
      case YAML::NodeType::Map:
        builder_.OnMapStart(mark, node.Tag(), YAML::NullAnchor, node.Style());
        for (const auto& pair : node) {
          walk(pair.first);
          walk(pair.second);
        }
        builder_.OnMapEnd();
        return;
      default:
        builder_.OnNull(mark, YAML::NullAnchor);
    }
  }

 private:
  TreeBuilder& builder_;
};

// The parser's input: the text itself, not a copy (an istringstream copies).
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(const std::string& text) {
    // The buffer is only read: get area functions never write through it.
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

NodeKind Node::kind() const {
  return tree_ ? tree_->records[index_].kind : NodeKind::undefined;
}

const std::string& Node::scalar() const {
  return is_scalar() ? tree_->scalars[tree_->records[index_].first] : kNoText;
}

yaml::Mark Node::mark() const {
  return tree_ ? tree_->records[index_].mark : yaml::Mark{};
}

std::size_t Node::size() const {
  switch (kind()) {
    case NodeKind::sequence:
      return tree_->records[index_].count;
    case NodeKind::map:
      return tree_->records[index_].count / 2;
    default:
      return 0;
  }
}

Node Node::operator[](std::string_view key) const {
  if (!is_map())
    return {};
  const Tree::Record& map = tree_->records[index_];
  for (std::uint32_t at = map.first; at < map.first + map.count; at += 2) {
    const Tree::Record& k = tree_->records[tree_->children[at]];
    if (k.kind == NodeKind::scalar && tree_->scalars[k.first] == key)
      return {tree_, tree_->children[at + 1]};
  }
  return {};
}

Node Node::operator[](std::size_t i) const {
  if (!is_sequence() || i >= size())
    return {};
  return {tree_, tree_->children[tree_->records[index_].first + i]};
}

NodeIterator Node::begin() const {
  if (!is_sequence() && !is_map())
    return {};
  return {tree_, tree_->records[index_].first, is_map()};
}

NodeIterator Node::end() const {
  if (!is_sequence() && !is_map())
    return {};
  const Tree::Record& record = tree_->records[index_];
  return {tree_, record.first + record.count, is_map()};
}

Entry NodeIterator::operator*() const {
  if (!pairs_)
    return {Node(tree_, tree_->children[at_]), {}, {}};
  return {{}, Node(tree_, tree_->children[at_]), Node(tree_, tree_->children[at_ + 1])};
}

namespace {

// Documents after the first that hold nothing (a stray "---" at the end)
// are passed over; a few at most, as yaml-cpp can report documents without
// end on broken input: past them, the text is refused.
constexpr int kMostDocumentsLookedAt = 16;

// Refuses the rest of the text if it holds a document with content: what
// was written there would be silently left out.
void refuse_a_second_document(YAML::Parser& parser) {
  for (int looked = 0; looked < kMostDocumentsLookedAt; ++looked) {
    TreeBuilder next;
    if (!parser.HandleNextDocument(next))
      return;
    const Node root{next.take(), 0};
    if (!root.is_null()) {
      YAML::Mark mark;
      mark.line = root.mark().line;
      mark.column = root.mark().column;
      throw YAML::Exception(mark,
                            "a second document begins here (after '---', or a second JSON "
                            "value); a topology, scenario or file of traced calls holds one, "
                            "and the rest would be left out: remove it or give it a file of its "
                            "own");
    }
  }
  throw YAML::Exception(YAML::Mark::null_mark(),
                        "more than " + std::to_string(kMostDocumentsLookedAt) +
                            " documents follow the first; a file holds one");
}

}  // namespace

Node parse(const std::string& text) {
  TextBuffer buffer(text);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  TreeBuilder builder(text.size());
  parser.HandleNextDocument(builder);
  Node root{builder.take(), 0};
  refuse_a_second_document(parser);
  return root;
}

Node from_yaml_cpp(const YAML::Node& root) {
  TreeBuilder builder;
  YamlCppWalk(builder).walk(root);
  return {builder.take(), 0};
}

}  // namespace faultline::loader::yaml
