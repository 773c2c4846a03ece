#pragma once
// Boost.Graph's DOT and GraphML writers, as analyze's service graph and
// replay's runbook graph both use them: the attributes are the caller's
// dynamic properties, the DOT node ids those under "node_id".

#include <algorithm>
#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/dynamic_property_map.hpp>
#include <cctype>
#include <sstream>
#include <string>
#include <string_view>

// GCC 12 at -O2 takes the edge iterators of a Boost adjacency list, whose
// optional member stays empty until an edge is found, for uninitialised
// where the writers walk the edges: a false alarm, which clang does not
// raise. Being a diagnostic of the optimiser, it is turned off for the rest
// of each file that includes this one, not for these lines alone.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace faultline::reports {

// Boost writes a DOT id or value bare when it is a plain word, and so
// wrote DOT's keywords bare too (node, edge, graph, digraph, subgraph and
// strict, in any case), which no reader takes for an id or a value (found
// by a helper: a service named edge or graph, or a region named Node, made
// the file unreadable). Quotes each such word after the opening digraph.
inline std::string quote_dot_keywords(const std::string& dot) {
  const auto is_keyword = [](std::string word) {
    for (char& c : word)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return word == "node" || word == "edge" || word == "graph" || word == "digraph" ||
           word == "subgraph" || word == "strict";
  };
  const auto in_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  std::string out;
  bool opened = false;  // past the opening "digraph"
  for (std::size_t i = 0; i < dot.size();) {
    if (dot[i] == '"') {  // a quoted string, its escaped quotes within it
      const std::size_t start = i++;
      while (i < dot.size() && dot[i] != '"')
        i += dot[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, dot.size());
      out.append(dot, start, i - start);
    } else if (in_word(dot[i])) {
      const std::size_t start = i;
      while (i < dot.size() && in_word(dot[i]))
        ++i;
      const std::string word = dot.substr(start, i - start);
      out += opened && is_keyword(word) ? "\"" + word + "\"" : word;
      opened = true;
    } else {
      out += dot[i++];
    }
  }
  return out;
}

// Text the user wrote, as DOT reads it back. Boost escapes quotes only, and
// Graphviz and Boost read a quoted string as written but for \" (found by
// a helper: an id or name ending in a backslash, C:\store\, escaped the
// closing quote, and no reader took the file). A backslash that would
// escape a quote, its own or the closing one, is doubled, which makes the
// file readable but reads back with two: such an id has no DOT spelling of
// its own (GraphML keeps it exactly). The others stay single, and read
// back exactly.
inline std::string dot_value(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\\' && (i + 1 == text.size() || text[i + 1] == '"'))
      out += '\\';
  }
  return out;
}

// A label, which Graphviz reads as an escString: every backslash doubled,
// drawn as one, so that the user's \n or \l is not a line break. The line
// breaks the writer adds go in after.
inline std::string dot_label(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '\\')
      out += c;
  }
  return out;
}

// What a graph builder does to the user's text: for DOT, dot_value and
// dot_label; for GraphML, whose writer escapes it all, nothing.
using GraphText = std::string (*)(std::string_view);
inline std::string as_written(std::string_view text) {
  return std::string(text);
}
struct GraphTexts {
  GraphText value;
  GraphText label;
};
inline constexpr GraphTexts kDotTexts{dot_value, dot_label};
inline constexpr GraphTexts kGraphMlTexts{as_written, as_written};

template <class Graph>
std::string as_dot(const Graph& graph, const boost::dynamic_properties& dp) {
  std::ostringstream out;
  boost::write_graphviz_dp(out, graph, dp, "node_id");
  return quote_dot_keywords(out.str());
}

template <class Graph>
std::string as_graphml(const Graph& graph, const boost::dynamic_properties& dp) {
  std::ostringstream out;
  boost::write_graphml(out, graph, dp, true);
  return out.str();
}

}  // namespace faultline::reports
