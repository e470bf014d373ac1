// The configuration's formats, and loadConfigString with the environment supplied by the caller
// (tests, embedding).
#pragma once

#include <string>

#include "core/config/config.h"
#include "core/config/env_substitution.h"

namespace relay {

enum class ConfigFormat { kYaml, kToml };

// By extension: ".toml" is TOML (the original product's config.toml); anything else
// (".yaml", ".yml") is YAML.
ConfigFormat configFormatOf(const std::string& file_name);

ConfigResult loadConfigStringWithEnv(const std::string& text, const std::string& file_name,
                                     const EnvLookup& env);

}  // namespace relay
