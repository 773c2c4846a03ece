#pragma once
// The one diagnostics type: every problem found in the input, with where it is.

#include <string>
#include <vector>

namespace faultline {

// 1-based line and column; 0 where the position is unknown (e.g. an empty file).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation where;
  // What is wrong and what would be right, in one sentence or two.
  std::string message;
};

// "file:3:5: error: message", as compilers print it.
std::string to_string(const Diagnostic& d);

class Diagnostics {
 public:
  void error(SourceLocation where, std::string message);
  void warning(SourceLocation where, std::string message);

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  // Every diagnostic, one per line, in the order found.
  std::string to_text() const;

 private:
  std::vector<Diagnostic> items_;
};

// The candidate closest to word by edit distance, if close enough to be a
// plausible typo; empty otherwise.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "", for appending to a message.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace faultline
