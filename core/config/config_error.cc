#include "core/config/config_error.h"

namespace relay {

namespace {

constexpr size_t kMaxQuotedChars = 40;

}  // namespace

ConfigError::ConfigError(const ConfigMark& mark, const std::string& key_path,
                         const std::string& what)
    : std::runtime_error(formatConfigError(mark, key_path, what)) {}

std::string formatConfigError(const ConfigMark& mark, const std::string& key_path,
                              const std::string& what) {
  std::string out = mark.file;
  if (mark.line > 0) {
    out += ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
  }
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  out += what;
  return out;
}

ConfigMark markOf(const YAML::Node& node, const std::string& file) {
  ConfigMark m;
  m.file = file;
  if (!node.IsDefined()) return m;
  const YAML::Mark& ym = node.Mark();
  if (ym.line < 0) return m;
  m.line = ym.line + 1;
  m.column = ym.column + 1;
  return m;
}

std::string describeNode(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return node.size() == 0 ? "an empty map" : "a map";
  if (node.IsSequence()) return node.size() == 0 ? "an empty list" : "a list";
  const std::string& s = node.Scalar();
  if (s.size() <= kMaxQuotedChars) return "\"" + s + "\"";
  return "\"" + s.substr(0, kMaxQuotedChars) + "...\"";
}

}  // namespace relay
