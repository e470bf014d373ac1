// The entry points: text (YAML, or TOML by its extension) -> YAML tree -> ${ENV} substitution
// -> validated Config.
#include "core/config/config_loader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config/config_error.h"
#include "core/config/config_sections.h"
#include "core/config/source_map.h"
#include "core/config/toml_to_yaml.h"

namespace relay {

namespace {

const YAML::Node& valueOr(const MapReader& top, std::string_view key, const YAML::Node& none) {
  const MapReader::Entry* e = top.find(key);
  return e ? e->value : none;
}

const YAML::Node& keyOr(const MapReader& top, std::string_view key, const YAML::Node& none) {
  const MapReader::Entry* e = top.find(key);
  return e ? e->key_node : none;
}

std::vector<std::string> readApiKeys(const MapReader& top) {
  std::vector<std::string> keys;
  top.readStringList("api_keys", &keys);
  const MapReader::Entry* e = top.find("api_keys");
  for (size_t i = 0; i < keys.size(); i++) {
    for (size_t j = 0; j < i; j++) {
      if (keys[i] != keys[j]) continue;  // the key itself is a secret: name its line only
      throw ConfigError(markOf(e->value[i], top.file()), "api_keys[" + std::to_string(i) + "]",
                        "duplicate API key (first at line " +
                            std::to_string(markOf(e->value[j], top.file()).line) + ")");
    }
  }
  return keys;
}

Config readConfig(const YAML::Node& root, const std::string& file) {
  MapReader top(root, "", file);
  top.allowKeys({"server", "api_keys", "session", "usage", "accounts", "plugins", "filter_chains",
                 "routes", "failover"});
  const YAML::Node none;
  Config c;
  c.file = file;
  c.server = readServerSection(valueOr(top, "server", none), keyOr(top, "server", none), file);
  c.api_keys = readApiKeys(top);
  c.session = readSessionSection(valueOr(top, "session", none), keyOr(top, "session", none), file);
  c.usage = readUsageSection(valueOr(top, "usage", none), keyOr(top, "usage", none), file);
  c.accounts =
      readAccountsSection(valueOr(top, "accounts", none), keyOr(top, "accounts", none), file);
  top.readStringList("plugins", &c.plugins);
  if (const MapReader::Entry* e = top.find("plugins"); e && e->value.IsSequence()) {
    for (const YAML::Node& item : e->value) c.plugin_marks.push_back(markOf(item, file));
  }
  c.chains = readFilterChainsSection(valueOr(top, "filter_chains", none),
                                     keyOr(top, "filter_chains", none), file);
  c.routes =
      readRoutesSection(valueOr(top, "routes", none), keyOr(top, "routes", none), file, c.chains);
  // The failover filter reads its own keys; here only the shape is checked.
  if (const MapReader::Entry* e = top.find("failover"); e && !e->value.IsNull()) {
    MapReader(e->value, "failover", file, e->key_node);
    c.failover = e->value;
  }
  return c;
}

// Parses the text; a TOML file becomes YAML whose marks lead back to the TOML positions.
YAML::Node parseDocument(const std::string& text, const std::string& file_name,
                         std::vector<std::string>* warnings) {
  if (configFormatOf(file_name) != ConfigFormat::kToml) {
    forgetSourceMap(file_name);
    return YAML::Load(text);
  }
  TomlAsYaml toml = translateToml(text, file_name);
  registerSourceMap(file_name, std::make_shared<const SourceMap>(std::move(toml.map)));
  *warnings = std::move(toml.warnings);
  return YAML::Load(toml.yaml);
}

}  // namespace

ConfigFormat configFormatOf(const std::string& file_name) {
  std::string ext = std::filesystem::path(file_name).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".toml" ? ConfigFormat::kToml : ConfigFormat::kYaml;
}

ConfigResult loadConfigStringWithEnv(const std::string& text, const std::string& file_name,
                                     const EnvLookup& env) {
  ConfigResult result;
  try {
    YAML::Node root = parseDocument(text, file_name, &result.warnings);
    substituteEnvInTree(root, env, file_name);
    result.config = readConfig(root, file_name);
  } catch (const YAML::ParserException& e) {
    ConfigMark mark = sourceMark(file_name, e.mark.line, e.mark.column);
    result.error = formatConfigError(mark, "", "YAML syntax error: " + e.msg);
  } catch (const ConfigError& e) {
    result.error = e.what();
  } catch (const YAML::Exception& e) {
    result.error = formatConfigError(sourceMark(file_name, e.mark.line, e.mark.column), "", e.msg);
  }
  return result;
}

ConfigResult loadConfigString(const std::string& text, const std::string& file_name) {
  return loadConfigStringWithEnv(text, file_name, processEnv());
}

ConfigResult loadConfigFile(const std::string& path) {
  // A directory opens and reads as nothing: it would pass as an empty (all defaults) file.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    ConfigResult result;
    result.error = path + ": cannot read the configuration file: it is a directory";
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigResult result;
    result.error = path + ": cannot open the configuration file: " + std::strerror(errno);
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return loadConfigString(text.str(), path);
}

}  // namespace relay
