// The original product's config.toml, read through the same validation as YAML: the TOML
// document becomes an equivalent YAML text (one token per line) and a SourceMap that leads each
// generated line back to the TOML line and column it came from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config/source_map.h"

namespace relay {

struct TomlAsYaml {
  std::string yaml;
  SourceMap map;
  std::vector<std::string> warnings;  // located, like errors: "file:line:col: key: what"
};

// Throws ConfigError located in the TOML file on a syntax error, or when api_keys is given both
// at the top level and inside [server]. Keys keep their document order.
TomlAsYaml translateToml(std::string_view text, const std::string& file);

}  // namespace relay
