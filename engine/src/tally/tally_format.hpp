#pragma once
// What the tally writer and reader agree on besides the statistics' list
// (tally_fields.hpp): the file's first word and its header's lines.

#include <string_view>

namespace faultline::detail {

// The first word of every tally file, before the format version.
inline constexpr std::string_view kTallyMagic = "faultline-tally";

// The header's fixed lines, in order, from line 1; the inputs follow, then
// "body".
enum class HeaderLine {
  magic = 1,
  command,
  faultline_version,
  seed,
  runs,
  range,
  sample_every,
  fidelity,
  strategies,
  first_input,
};

}  // namespace faultline::detail
