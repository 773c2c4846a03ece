#pragma once
// Bash completion for the faultline command, generated from its CLI11
// definition: the commands, each one's options, which options take a value,
// and the words an option or a command's argument accepts.

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace faultline::cli {

// The words a value may be, by option name ("--strategy") or, for a
// command's positional argument, by command name ("schema"); none for text
// that names no file (a duration). Other values complete as file names when
// they are text, and not at all when numbers.
using CompletionWords = std::map<std::string, std::vector<std::string>>;

// A bash script defining _faultline and registering it for `faultline`.
std::string bash_completion(const CLI::App& app, const CompletionWords& words);

}  // namespace faultline::cli
