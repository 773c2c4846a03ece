#pragma once
// faultline rehearse: an interactive session over a scenario's nominal run.

#include <istream>
#include <ostream>
#include <string>

#include "faultline/loader.hpp"

namespace faultline::cli {

// Reads commands from `in` until it ends or `quit`; `echo` repeats each
// command (for scripts) and `prompt` asks for each (for a terminal);
// `script_file` names the file `in` reads, if any, which save must not
// overwrite, as it must not the scenario or its topology. Returns the exit
// code: 2 when the scenario is bad or, for a script, when a command was
// refused.
int rehearse(const std::string& scenario_path, const LoadOptions& options, std::istream& in,
             std::ostream& out, bool echo, bool prompt, const std::string& script_file = {});

}  // namespace faultline::cli
