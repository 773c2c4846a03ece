#pragma once

#include <string>

namespace faultline::reports {

// Writes content to a temporary file beside path, then renames it over path,
// so readers see the old file or the new one, never half of one. Throws
// std::runtime_error naming the path when it cannot.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace faultline::reports
