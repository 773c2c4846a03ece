#pragma once
// A read-only YAML document tree, built from yaml-cpp's parser events.
//
// yaml-cpp parses; this holds what it parsed. yaml-cpp's own YAML::Node
// gives every node its own heap objects and shared pointers, and at 10^5
// services (a 16 MB topology) building and freeing them took longer than
// the rest of the load. Here a document is three flat arrays (nodes, their
// children, the scalars' text), and a Node is a handle into them. A Node
// keeps its document's arrays alive, so it may outlive the parse that made it.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::loader::yaml {

// What a node holds. `null` is a plain empty value, ~ or null; `undefined`
// is what a lookup of an absent key gives.
enum class NodeKind : std::uint8_t { undefined, null, scalar, sequence, map };

// Where a node starts, counted from 0 as yaml-cpp does; -1 where it has no place.
struct Mark {
  int line = -1;
  int column = -1;
};

class Tree;
class NodeIterator;

class Node {
 public:
  Node() = default;
  Node(std::shared_ptr<const Tree> tree, std::uint32_t index)
      : tree_(std::move(tree)), index_(index) {}

  NodeKind kind() const;
  bool defined() const { return kind() != NodeKind::undefined; }
  bool is_null() const { return kind() == NodeKind::null; }
  bool is_scalar() const { return kind() == NodeKind::scalar; }
  bool is_sequence() const { return kind() == NodeKind::sequence; }
  bool is_map() const { return kind() == NodeKind::map; }
  // A scalar's text; empty for anything else.
  const std::string& scalar() const;
  yaml::Mark mark() const;
  // The items of a sequence or the pairs of a map; 0 for anything else.
  std::size_t size() const;
  // The value under the first scalar key `key` of a map; undefined when
  // there is none or this is no map.
  Node operator[](std::string_view key) const;
  // Item i of a sequence; undefined past its end or when this is none.
  Node operator[](std::size_t i) const;
  // A sequence's items or a map's pairs (see Entry); nothing for the rest.
  NodeIterator begin() const;
  NodeIterator end() const;

 private:
  std::shared_ptr<const Tree> tree_;
  std::uint32_t index_ = 0;
};

// What iterating gives: a sequence's item is the Entry itself; a map's
// pair is its `first` (the key) and `second` (the value).
struct Entry : Node {
  Node first;
  Node second;
};

class NodeIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Entry;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Entry;

  NodeIterator() = default;
  NodeIterator(std::shared_ptr<const Tree> tree, std::size_t at, bool pairs)
      : tree_(std::move(tree)), at_(at), pairs_(pairs) {}

  Entry operator*() const;
  NodeIterator& operator++() {
    at_ += pairs_ ? 2 : 1;
    return *this;
  }
  NodeIterator operator++(int) {
    NodeIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const NodeIterator& other) const { return at_ == other.at_; }

 private:
  std::shared_ptr<const Tree> tree_;
  std::size_t at_ = 0;
  bool pairs_ = false;
};

// Parses one YAML document (yaml-cpp's rules, errors and depth limit: its
// exceptions pass through). Empty text gives a null node; a second
// document with content after it is refused (YAML::Exception at it).
Node parse(const std::string& text);

// The same tree for a document yaml-cpp already holds (an edited one).
Node from_yaml_cpp(const YAML::Node& root);

}  // namespace faultline::loader::yaml
