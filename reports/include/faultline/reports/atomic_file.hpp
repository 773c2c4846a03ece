#pragma once

#include <string>
#include <utility>
#include <vector>

namespace faultline::reports {

// Writes content to a temporary file beside path, then renames it over path,
// so readers see the old file or the new one, never half of one. Throws
// std::runtime_error naming the path when it cannot.
void write_file_atomically(const std::string& path, const std::string& content);

// A file of a directory written by write_directory_atomically: its name and
// its content.
using NamedFile = std::pair<std::string, std::string>;

// Writes the files into a new directory beside `path`, then puts that
// directory in path's place with one rename (an exchange when path exists,
// after which the old one is removed), so readers see the old directory or
// the new one, never a mix. An existing path is replaced only when it is a
// directory holding nothing but files of these names, so that a mistyped
// path never removes anything else. Throws std::runtime_error naming the
// path when it cannot.
void write_directory_atomically(const std::string& path, const std::vector<NamedFile>& files);

}  // namespace faultline::reports
