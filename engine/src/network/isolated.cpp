#include "network/isolated.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

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

IsolatedWork::IsolatedWork(const std::function<std::string()>& work) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  child_ = ::fork();
  if (child_ < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("cannot start a process: ") + std::strerror(errno));
  }
  if (child_ == 0) {
    // An interrupt is the parent's to act on (it finishes or drops the work
    // under way): Ctrl-C reaches the whole process group, and a child it
    // stopped would leave no answer, which reads as a failure.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
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
  pipe_ = fds[0];
}

IsolatedWork::IsolatedWork(IsolatedWork&& other) noexcept
    : child_(std::exchange(other.child_, -1)), pipe_(std::exchange(other.pipe_, -1)) {}

IsolatedWork::~IsolatedWork() {
  if (pipe_ >= 0)
    ::close(pipe_);
  if (child_ > 0) {
    ::kill(child_, SIGKILL);
    int status = 0;
    while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string IsolatedWork::result() {
  std::string answer;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(pipe_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(std::exchange(pipe_, -1));
  int status = 0;
  while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = -1;
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

std::size_t IsolatedWork::wait_for_any(std::span<IsolatedWork* const> works) {
  std::vector<pollfd> fds;
  for (const IsolatedWork* work : works)
    fds.push_back({work->pipe_, POLLIN, 0});
  for (;;) {
    const int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw std::runtime_error(std::string("cannot wait for the network simulations: ") +
                               std::strerror(errno));
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents != 0)
        return i;
    }
  }
}

std::string run_isolated(const std::function<std::string()>& work) {
  return IsolatedWork(work).result();
}

}  // namespace faultline::detail
