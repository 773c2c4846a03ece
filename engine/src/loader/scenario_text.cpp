#include "loader/scenario_text.hpp"

#include <filesystem>

namespace faultline::detail {

namespace {

// The node as yaml-cpp would write it, save that a scalar the source
// quoted stays quoted: a local time such as "2024-01-10 09:00:30" written
// bare is a timestamp to other YAML readers, and the README's schema check
// (yaml.safe_load, then jsonschema) refused the saved file (found by a
// helper). Flow collections stay flow, as written.
void emit(YAML::Emitter& out, const YAML::Node& node) {
  // An explicit tag (!!str) is kept, as yaml-cpp's own writer keeps it.
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!")
    out << YAML::VerbatimTag(tag);
  switch (node.Type()) {
    case YAML::NodeType::Map:
      if (node.Style() == YAML::EmitterStyle::Flow)
        out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& entry : node) {
        out << YAML::Key;
        emit(out, entry.first);
        out << YAML::Value;
        emit(out, entry.second);
      }
      out << YAML::EndMap;
      return;
    case YAML::NodeType::Sequence:
      if (node.Style() == YAML::EmitterStyle::Flow)
        out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : node)
        emit(out, item);
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Scalar:
      if (tag == "!")  // quoted in the source
        out << YAML::DoubleQuoted;
      out << node.Scalar();
      return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out << YAML::Null;
      return;
  }
}

}  // namespace

std::string scenario_text(YAML::Node root, const std::string& source,
                          const std::string& destination, const std::string& comment) {
  namespace fs = std::filesystem;
  const fs::path topology =
      fs::absolute(fs::path(source).parent_path() / root["topology"].Scalar()).lexically_normal();
  const fs::path folder = fs::absolute(fs::path(destination)).parent_path();
  root["topology"] = topology.lexically_relative(folder).generic_string();
  YAML::Emitter out;
  out << YAML::Comment(comment) << YAML::Newline;
  emit(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace faultline::detail
