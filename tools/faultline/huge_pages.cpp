#include "huge_pages.hpp"

#include <sys/auxv.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace faultline::cli {

void restart_with_huge_pages(char** argv) {
#if defined(__GLIBC__) && defined(__linux__)
  constexpr std::string_view kTunable = "glibc.malloc.hugetlb";
  // A set-user-id (or capability) program has its tunables taken away by
  // glibc, so it would never see the one it restarted for, and restart
  // for ever.
  if (getauxval(AT_SECURE) != 0)
    return;
  const char* set = std::getenv("GLIBC_TUNABLES");
  const std::string tunables = set ? set : "";
  if (tunables.find(kTunable) != std::string::npos)
    return;
  // The program's own path, not /proc/self/exe: the kernel names a process
  // after the file it executes, and `ps` or `pkill faultline` should
  // still find it.
  std::array<char, 4096> path{};
  const ssize_t length = readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (length <= 0 || static_cast<std::size_t>(length) >= path.size() - 1)
    return;
  const std::string with_huge_pages =
      (tunables.empty() ? "" : tunables + ":") + std::string(kTunable) + "=1";
  if (setenv("GLIBC_TUNABLES", with_huge_pages.c_str(), 1) != 0)
    return;
  execv(path.data(), argv);
  // Not restarted (the file was replaced, say): the environment is as it was.
  if (set)
    setenv("GLIBC_TUNABLES", set, 1);
  else
    unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}

}  // namespace faultline::cli
