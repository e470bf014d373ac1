#include "core/config/env_substitution.h"

#include <cctype>
#include <cstdlib>

#include "core/config/config_error.h"

namespace relay {

namespace {

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Resolves the body of one ${...}; false with *error on failure.
bool resolveReference(std::string_view body, const EnvLookup& env, std::string* out,
                      std::string* error) {
  size_t name_end = 0;
  while (name_end < body.size() && isNameChar(body[name_end])) name_end++;
  std::string name(body.substr(0, name_end));
  std::string_view rest = body.substr(name_end);
  bool has_default = rest.substr(0, 2) == ":-";
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) ||
      (!rest.empty() && !has_default)) {
    *error = "malformed environment reference ${" + std::string(body.substr(0, 40)) +
             "} (expected ${NAME} or ${NAME:-default})";
    return false;
  }
  std::optional<std::string> value = env(name);
  if (has_default && (!value || value->empty())) {
    *out += rest.substr(2);
    return true;
  }
  if (!value) {
    *error = "environment variable " + name + " is not set (write ${" + name +
             ":-default} to give a default)";
    return false;
  }
  *out += *value;
  return true;
}

void substituteNode(YAML::Node node, const std::string& path, const EnvLookup& env,
                    const std::string& file) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      substituteNode(it->second, path.empty() ? key : path + "." + key, env, file);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); i++) {
      substituteNode(node[i], path + "[" + std::to_string(i) + "]", env, file);
    }
  } else if (node.IsScalar() && node.Scalar().find('$') != std::string::npos) {
    std::string out, error;
    if (!substituteEnv(node.Scalar(), env, &out, &error)) {
      throw ConfigError(markOf(node, file), path, error);
    }
    node = out;  // keeps the node's mark and tag
  }
}

}  // namespace

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

bool substituteEnv(std::string_view text, const EnvLookup& env, std::string* out,
                   std::string* error) {
  out->clear();
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      *out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      *out += text[i++];
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      *error = "unterminated ${ (expected ${NAME} or ${NAME:-default})";
      return false;
    }
    if (!resolveReference(text.substr(i + 2, close - i - 2), env, out, error)) return false;
    i = close + 1;
  }
  return true;
}

void substituteEnvInTree(YAML::Node root, const EnvLookup& env, const std::string& file) {
  substituteNode(root, "", env, file);
}

}  // namespace relay
