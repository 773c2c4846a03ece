#include "completion.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace faultline::cli {

namespace {

// An option as bash sees it: its spellings and what its value is.
struct Spelled {
  std::vector<std::string> names;  // --json, -h
  bool takes_value = false;
  bool text = false;  // a text value, which may be a file name
};

Spelled spelled(const CLI::Option& option) {
  Spelled out;
  for (const std::string& name : option.get_lnames())
    out.names.push_back("--" + name);
  for (const std::string& name : option.get_snames())
    out.names.push_back("-" + name);
  out.takes_value = option.get_expected_max() > 0;  // a flag expects none
  out.text = option.get_type_name().starts_with("TEXT");
  return out;
}

std::vector<Spelled> options_of(const CLI::App& app) {
  std::vector<Spelled> out;
  for (const CLI::Option* option : app.get_options()) {
    if (option->nonpositional())
      out.push_back(spelled(*option));
  }
  return out;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& word : words)
    out += (out.empty() ? "" : std::string(separator)) + word;
  return out;
}

std::string choose_from(const std::vector<std::string>& words) {
  return fmt::format("COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))", joined(words, " "));
}

constexpr const char* kFiles = "COMPREPLY=($(compgen -f -- \"$cur\"))";

// The `case $prev` arms: what follows an option that takes a value.
std::string value_arms(const std::vector<Spelled>& options, const CompletionWords& words) {
  std::string out;
  for (const Spelled& option : options) {
    if (!option.takes_value)
      continue;
    const auto listed = words.find(option.names.front());
    const std::string reply = listed != words.end() ? choose_from(listed->second)
                              : option.text         ? kFiles
                                                    : ":";
    out += fmt::format("        {}) {}; return ;;\n", joined(option.names, "|"), reply);
  }
  return out;
}

// What to offer in a context: after an option that takes a value, its
// value; otherwise an option when the word starts with '-', else `rest`.
std::string context(const std::vector<Spelled>& options, const CompletionWords& words,
                    const std::string& rest) {
  std::vector<std::string> names;
  for (const Spelled& option : options)
    names.insert(names.end(), option.names.begin(), option.names.end());
  std::string arms = value_arms(options, words);
  std::string out;
  if (!arms.empty())
    out += "      case $prev in\n" + arms + "      esac\n";
  out += fmt::format(
      "      if [[ $cur == -* ]]; then\n        {}\n      else\n        {}\n      fi ;;\n",
      choose_from(names), rest);
  return out;
}

// The loop that finds the command, stepping over global options' values;
// a command with subcommands (`parents`) reads on to its subcommand, so
// that `command` is "import deps".
std::string command_finder(const std::vector<Spelled>& global,
                           const std::vector<std::string>& parents) {
  std::vector<std::string> valued;
  for (const Spelled& option : global) {
    if (option.takes_value)
      valued.insert(valued.end(), option.names.begin(), option.names.end());
  }
  const std::string skip =
      valued.empty() ? "" : fmt::format("      {}) ((i++)) ;;\n", joined(valued, "|"));
  const std::string found =
      parents.empty()
          ? "break"
          : fmt::format("case $command in {}) ;; *) break ;; esac", joined(parents, "|"));
  return "  local command=\"\" i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in\n" +
         skip +
         "      -*) ;;\n"
         "      *) command=${command:+$command }${COMP_WORDS[i]}\n"
         "         " +
         found +
         " ;;\n"
         "    esac\n"
         "  done\n";
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

// The `case $command` arm of a command (`key`: its words, "import deps")
// and those of its subcommands; a command with subcommands offers them, and
// goes in `parents`.
void add_arms(const CLI::App& command, const std::string& key, const std::vector<Spelled>& global,
              const CompletionWords& words, std::string& arms, std::vector<std::string>& parents) {
  std::vector<Spelled> options = options_of(command);
  for (const Spelled& option : global) {
    if (option.takes_value)  // fallthrough: global options work after the command too
      options.push_back(option);
  }
  std::vector<std::string> subcommands;
  for (const CLI::App* sub : subcommands_of(command))
    subcommands.push_back(sub->get_name());
  const auto listed = words.find(key);
  const std::string rest = !subcommands.empty()    ? choose_from(subcommands)
                           : listed != words.end() ? choose_from(listed->second)
                                                   : kFiles;
  arms += "    \"" + key + "\")\n" + context(options, words, rest);
  if (subcommands.empty())
    return;
  parents.push_back(key);
  for (const CLI::App* sub : subcommands_of(command))
    add_arms(*sub, key + " " + sub->get_name(), global, words, arms, parents);
}

}  // namespace

std::string bash_completion(const CLI::App& app, const CompletionWords& words) {
  const std::vector<Spelled> global = options_of(app);
  std::vector<std::string> commands;
  std::vector<std::string> parents;
  std::string arms;
  for (const CLI::App* command : subcommands_of(app)) {
    commands.push_back(command->get_name());
    add_arms(*command, command->get_name(), global, words, arms, parents);
  }
  return "# bash completion for faultline, generated from its command-line definition by\n"
         "# `faultline completion bash`. Load it with: source <(faultline completion bash)\n"
         "_faultline() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n" +
         command_finder(global, parents) +
         "  COMPREPLY=()\n"
         "  case $command in\n"
         "    \"\")\n" +
         context(global, words, choose_from(commands)) + arms +
         "  esac\n"
         "}\n"
         "complete -o filenames -F _faultline faultline\n";
}

}  // namespace faultline::cli
