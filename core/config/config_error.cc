#include "core/config/config_error.h"

#include "core/config/source_map.h"

namespace relay {

namespace {

constexpr size_t kMaxQuotedChars = 40;

}  // namespace

ConfigError::ConfigError(const ConfigMark& mark, const std::string& key_path,
                         const std::string& what)
    : std::runtime_error(formatConfigError(mark, key_path, what)) {}

std::string formatConfigError(const ConfigMark& mark, const std::string& key_path,
                              const std::string& what) {
  // Appends only: GCC 12 at -O3 reports a false -Wrestrict inside chains of
  // `"literal" + std::string` temporaries (GCC bug 105329).
  const std::string line = std::to_string(mark.line);
  const std::string column = std::to_string(mark.column);
  std::string out;
  out.reserve(mark.file.size() + line.size() + column.size() + key_path.size() + what.size() + 8);
  out.append(mark.file);
  if (mark.line > 0) out.append(":").append(line).append(":").append(column);
  out.append(": ");
  if (!key_path.empty()) out.append(key_path).append(": ");
  out.append(what);
  return out;
}

ConfigMark markOf(const YAML::Node& node, const std::string& file) {
  if (!node.IsDefined()) return ConfigMark{file, 0, 0};
  const YAML::Mark& ym = node.Mark();
  return sourceMark(file, ym.line, ym.column);
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
