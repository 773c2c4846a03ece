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
#include <utility>

namespace faultline::reports {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " " + path + ": " + std::strerror(errno));
}

// Writes all of content to fd, however the writes are split.
void write_all(int fd, std::string_view content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("write", path);
    done += static_cast<std::size_t>(n);
  }
}

// Makes a directory entry (a rename, a new file) last through a crash.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    fail("open the folder", dir.string());
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0)
    fail("sync the folder", dir.string());
}

// As the kernel follows links: at most 40 of them in a chain.
constexpr int kMostLinks = 40;

// What the link at `link` leads to, read as from the link's folder.
fs::path link_target(const fs::path& link) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(link, ec);
  if (ec)
    throw std::runtime_error("cannot follow the link " + link.string() + ": " + ec.message());
  return target.is_absolute() ? target : link.parent_path() / target;
}

bool is_link(const fs::path& path) {
  std::error_code ec;
  return fs::is_symlink(fs::symlink_status(path, ec));
}

// "out/" and "out/." name the directory "out".
fs::path without_trailing_dots(fs::path path) {
  while (path.has_parent_path() && path.parent_path() != path &&
         (!path.has_filename() || path.filename() == "."))
    path = path.parent_path();
  return path;
}

// The path a symbolic link leads to, through any chain of links; the path
// itself when it is no link. A directory's path, and each link's target on
// the way to it, may end in "/" or "/." (found in review: a link to "real/"
// had the report written inside real).
enum class Names { file, directory };
fs::path follow_links(fs::path path, Names names = Names::file) {
  const auto tidy = [names](fs::path p) {
    return names == Names::directory ? without_trailing_dots(std::move(p)) : p;
  };
  path = tidy(std::move(path));
  for (int hops = 0; hops < kMostLinks; ++hops) {
    if (!is_link(path))
      return path;
    path = tidy(link_target(path));
  }
  throw std::runtime_error("too many levels of links at " + path.string());
}

// A new file takes the permissions any new file gets; a replaced one keeps
// its own.
mode_t new_file_mode(const fs::path& target) {
  struct stat existing {};
  if (::stat(target.c_str(), &existing) == 0)
    return existing.st_mode & 07777;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

// Pieces are gathered up to this size before a write.
constexpr std::size_t kBuffered = 1 << 20;

}  // namespace

AtomicFile::AtomicFile(const std::string& path) : target_(follow_links(fs::path(path))) {
  std::error_code ec;
  if (target_.has_parent_path())
    fs::create_directories(target_.parent_path(), ec);
  if (ec)
    throw std::runtime_error("cannot create the folder for " + path + ": " + ec.message());
  const fs::file_status status = fs::status(target_, ec);
  if (fs::is_directory(status))
    throw std::runtime_error(path + " is a directory; name a file");
  // A device, pipe or socket is written to as it is: replacing it with a
  // plain file would silently lose what the user pointed at.
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0)
      fail("open", target_.string());
    return;
  }
  const fs::path folder = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  temporary_ = (folder / ("." + target_.filename().string() + ".tmp-XXXXXX")).string();
  fd_ = ::mkstemp(temporary_.data());
  if (fd_ < 0) {
    temporary_.clear();
    fail("create a file beside", target_.string());
  }
  if (::fchmod(fd_, new_file_mode(target_)) != 0) {
    // The destructor of an object whose constructor throws never runs.
    const int error = errno;
    ::close(fd_);
    ::unlink(temporary_.c_str());
    errno = error;
    fail("set the permissions of", temporary_);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0)
    ::close(fd_);
  if (!committed_ && !temporary_.empty())
    ::unlink(temporary_.c_str());
}

void AtomicFile::write(std::string_view text) {
  if (buffer_.size() + text.size() < kBuffered) {
    buffer_ += text;
    return;
  }
  // A large piece goes straight out rather than through a copy.
  flush();
  write_all(fd_, text, target_.string());
}

void AtomicFile::flush() {
  write_all(fd_, buffer_, target_.string());
  buffer_.clear();
}

void AtomicFile::commit() {
  flush();
  if (!temporary_.empty() && ::fsync(fd_) != 0)
    fail("sync", target_.string());
  if (::close(std::exchange(fd_, -1)) != 0)
    fail("write", target_.string());
  if (!temporary_.empty()) {
    if (::rename(temporary_.c_str(), target_.c_str()) != 0)
      fail("write", target_.string());
    sync_directory(target_.has_parent_path() ? target_.parent_path() : fs::path("."));
  }
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

namespace {

// Whether an existing directory may be replaced: it holds only files named
// like the new ones (an earlier report), or nothing.
bool replaceable(const fs::path& dir, std::span<const std::string_view> names) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = std::find(names.begin(), names.end(), name) != names.end();
    if (!ours || !entry.is_regular_file())
      return false;
  }
  return !ec;
}

// The directory a path names: a link, through any chain of links, the one
// it leads to, which is replaced while the link stays (a link to a report
// was refused as "not a directory").
fs::path directory_named(const std::string& path) {
  return follow_links(path, Names::directory);
}

// Each file is synced, and then the folder, before the folder is swapped in.
void write_into(const fs::path& dir, const std::vector<NamedFile>& files) {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  for (const auto& [name, content] : files) {
    const fs::path file = dir / name;
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666 & ~mask);
    if (fd < 0)
      fail("create", file.string());
    try {
      write_all(fd, content, file.string());
      if (::fsync(fd) != 0)
        fail("sync", file.string());
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0)
      fail("write", file.string());
  }
  sync_directory(dir);
}

}  // namespace

std::optional<std::string> directory_refusal(const std::string& path,
                                             std::span<const std::string_view> names) {
  fs::path target;
  try {
    target = directory_named(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target, ec)))
    return std::nullopt;
  if (!fs::is_directory(fs::symlink_status(target, ec)))
    return path + " exists and is not a directory; name a new directory";
  if (!replaceable(target, names))
    return path + " holds files that are not a report's; name a new or empty directory";
  return std::nullopt;
}

void write_directory_atomically(const std::string& path, const std::vector<NamedFile>& files) {
  const fs::path target = directory_named(path);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw std::runtime_error("cannot create the folder for " + path + ": " + ec.message());

  std::vector<std::string_view> names;
  for (const NamedFile& f : files)
    names.push_back(f.first);
  if (const auto refusal = directory_refusal(path, names))
    throw std::runtime_error(*refusal);
  const bool exists = fs::exists(fs::symlink_status(target, ec));

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
  sync_directory(parent);
  // After the exchange the temporary name holds the old report.
  std::error_code ignored;
  fs::remove_all(temporary, ignored);
}

}  // namespace faultline::reports
