#pragma once
// Work that must run in a process of its own (a SimGrid engine, of which a
// process may have one): forked, its result sent back through a pipe.

#include <sys/types.h>

#include <functional>
#include <span>
#include <string>

namespace faultline::detail {

// Work started in a child process, whose text is collected later, so that
// several children can run at once. The child is a fork: start it where no
// other thread holds a lock the work needs (a single-threaded caller is
// safe). A child not collected is killed.
class IsolatedWork {
 public:
  explicit IsolatedWork(const std::function<std::string()>& work);
  IsolatedWork(const IsolatedWork&) = delete;
  IsolatedWork& operator=(const IsolatedWork&) = delete;
  IsolatedWork(IsolatedWork&& other) noexcept;
  IsolatedWork& operator=(IsolatedWork&&) = delete;
  ~IsolatedWork();

  // Waits for the child and returns the text it produced. Throws
  // std::runtime_error with the child's message when it threw, and with its
  // exit status when it died.
  std::string result();

  // Waits until one of the works has its answer ready (or its child died)
  // and returns its position.
  static std::size_t wait_for_any(std::span<IsolatedWork* const> works);

 private:
  pid_t child_ = -1;
  int pipe_ = -1;
};

// Runs work in a child process and returns the text it produced; see
// IsolatedWork.
std::string run_isolated(const std::function<std::string()>& work);

}  // namespace faultline::detail
