// ${VAR} and ${VAR:-default} in configuration strings, resolved before any type check so
// `port: ${PORT}` is read as an integer.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace relay {

// Looks a variable up; nullopt when unset. Tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvLookup processEnv();

// Replaces every ${NAME} (NAME: letters, digits, '_') and ${NAME:-default} (default used when
// NAME is unset or empty); "$${" stays a literal "${". Returns false with *error set on an
// unset variable without default or malformed syntax; the error names the variable, never the
// surrounding text, which may be a secret.
bool substituteEnv(std::string_view text, const EnvLookup& env, std::string* out,
                   std::string* error);

// Applies substituteEnv to every scalar value of the tree (not to map keys). Throws
// ConfigError at the first failure, located at the scalar with its key path.
void substituteEnvInTree(YAML::Node root, const EnvLookup& env, const std::string& file);

}  // namespace relay
