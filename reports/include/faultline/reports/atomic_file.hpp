#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::reports {

// A file written piece by piece and put in place whole: a temporary file
// beside the path (created exclusively, with the permissions the file has
// or a new one gets), synced and renamed over it at commit(), the folder
// synced. Until then readers see the old file, or none; one destroyed
// before commit() leaves nothing behind. A symbolic link is followed; a
// device, pipe or socket is written through as it is (what was written
// before a failure has gone through). Throws
// std::runtime_error naming the path when it cannot.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  void write(std::string_view text);
  void commit();

 private:
  void flush();

  std::filesystem::path target_;  // the path, its links followed
  std::string temporary_;         // empty when written through
  int fd_ = -1;
  std::string buffer_;
  bool committed_ = false;
};

// An AtomicFile of content: readers see the old file or the new one, never
// half of one.
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

// Why write_directory_atomically would refuse `path` for files of these
// names whatever their content - it is not a directory, or holds other
// files - so that a command can refuse it before its work; nothing
// otherwise.
std::optional<std::string> directory_refusal(const std::string& path,
                                             std::span<const std::string_view> names);

}  // namespace faultline::reports
