#include "faultline/reports/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace faultline::reports {

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path())
    fs::create_directories(target.parent_path(), ec);
  if (ec)
    throw std::runtime_error("cannot create the folder for " + path + ": " + ec.message());

  const fs::path temporary =
      target.string() + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      const std::string reason = std::strerror(errno);
      fs::remove(temporary, ec);
      throw std::runtime_error("cannot write " + path + ": " + reason);
    }
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
}

namespace {

namespace fs = std::filesystem;

// Whether an existing directory may be replaced: it holds only files named
// like the new ones (an earlier report), or nothing.
bool replaceable(const fs::path& dir, const std::vector<NamedFile>& files) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = std::any_of(files.begin(), files.end(),
                                  [&](const NamedFile& f) { return f.first == name; });
    if (!ours || !entry.is_regular_file())
      return false;
  }
  return !ec;
}

void write_into(const fs::path& dir, const std::vector<NamedFile>& files) {
  for (const auto& [name, content] : files) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out)
      throw std::runtime_error("cannot write " + (dir / name).string() + ": " +
                               std::strerror(errno));
  }
}

}  // namespace

void write_directory_atomically(const std::string& path, const std::vector<NamedFile>& files) {
  fs::path target(path);
  if (!target.has_filename())
    target = target.parent_path();  // "out/" names the directory "out"
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw std::runtime_error("cannot create the folder for " + path + ": " + ec.message());

  const bool exists = fs::exists(fs::symlink_status(target, ec));
  if (exists && !fs::is_directory(fs::symlink_status(target, ec)))
    throw std::runtime_error(path + " exists and is not a directory; name a new directory");
  if (exists && !replaceable(target, files)) {
    throw std::runtime_error(path +
                             " holds files that are not a report's; name a new or empty directory");
  }

  std::string pattern = (parent / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a directory beside " + path + ": " +
                             std::strerror(errno));
  const fs::path temporary(pattern);
  // mkdtemp makes it private; a report gets the permissions of any new
  // directory.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temporary.c_str(), 0777 & ~mask);
  try {
    write_into(temporary, files);
    if (!exists) {
      fs::rename(temporary, target);
    } else if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, target.c_str(),
                           RENAME_EXCHANGE) != 0) {
      throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
    }
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove_all(temporary, ignored);
    throw std::runtime_error(e.what());
  }
  // After the exchange the temporary name holds the old report.
  std::error_code ignored;
  fs::remove_all(temporary, ignored);
}

}  // namespace faultline::reports
