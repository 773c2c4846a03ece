#include "loader/scenario_text.hpp"

#include <filesystem>

namespace faultline::detail {

std::string scenario_text(YAML::Node root, const std::string& source,
                          const std::string& destination, const std::string& comment) {
  namespace fs = std::filesystem;
  const fs::path topology =
      fs::absolute(fs::path(source).parent_path() / root["topology"].Scalar()).lexically_normal();
  const fs::path folder = fs::absolute(fs::path(destination)).parent_path();
  root["topology"] = topology.lexically_relative(folder).generic_string();
  YAML::Emitter out;
  out << YAML::Comment(comment) << YAML::Newline << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace faultline::detail
