#pragma once
// Work that must run in a process of its own (a SimGrid engine, of which a
// process may have one): forked, its result sent back through a pipe.

#include <functional>
#include <string>

namespace faultline::detail {

// Runs work in a child process and returns the text it produced. Throws
// std::runtime_error with the child's message when it throws, and with its
// exit status when it dies. The child is a fork: call this where no other
// thread holds a lock the work needs (a single-threaded caller is safe).
std::string run_isolated(const std::function<std::string()>& work);

}  // namespace faultline::detail
