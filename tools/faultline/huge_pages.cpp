#include "huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace faultline::cli {

void restart_with_huge_pages(char** argv) {
#if defined(__GLIBC__) && defined(__linux__)
  constexpr std::string_view kTunable = "glibc.malloc.hugetlb";
  const char* set = std::getenv("GLIBC_TUNABLES");
  const std::string tunables = set ? set : "";
  if (tunables.find(kTunable) != std::string::npos)
    return;
  const std::string with_huge_pages =
      (tunables.empty() ? "" : tunables + ":") + std::string(kTunable) + "=1";
  if (setenv("GLIBC_TUNABLES", with_huge_pages.c_str(), 1) != 0)
    return;
  execv("/proc/self/exe", argv);
  // Not restarted (no /proc, say): the environment is as it was.
  if (set)
    setenv("GLIBC_TUNABLES", set, 1);
  else
    unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}

}  // namespace faultline::cli
