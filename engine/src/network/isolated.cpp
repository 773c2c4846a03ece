#include "network/isolated.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace faultline::detail {

namespace {

// The child's answer starts with one of these bytes.
constexpr char kDone = 'D';
constexpr char kFailed = 'F';

void write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string run_isolated(const std::function<std::string()>& work) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("cannot start a process: ") + std::strerror(errno));
  }
  if (child == 0) {
    ::close(fds[0]);
    std::string answer;
    try {
      answer = kDone + work();
    } catch (const std::exception& e) {
      answer = kFailed + std::string(e.what());
    }
    write_all(fds[1], answer);
    ::close(fds[1]);
    // No destructors or exit handlers: they belong to the parent's state.
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string answer;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (answer.empty() || (answer.front() != kDone && answer.front() != kFailed)) {
    throw std::runtime_error(WIFSIGNALED(status)
                                 ? "the network simulation was killed by signal " +
                                       std::to_string(WTERMSIG(status))
                                 : "the network simulation ended without an answer (exit status " +
                                       std::to_string(WEXITSTATUS(status)) + ")");
  }
  if (answer.front() == kFailed)
    throw std::runtime_error("the network simulation failed: " + answer.substr(1));
  return answer.substr(1);
}

}  // namespace faultline::detail
