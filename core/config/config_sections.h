// One reader per top-level section of the configuration (internal to core/config).
// Each takes the section's value node and its key node (to locate an empty section).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/yaml_reader.h"

namespace relay {

ServerConfig readServerSection(const YAML::Node& node, const YAML::Node& key,
                               const std::string& file);
SessionConfig readSessionSection(const YAML::Node& node, const YAML::Node& key,
                                 const std::string& file);
UsageConfig readUsageSection(const YAML::Node& node, const YAML::Node& key,
                             const std::string& file);
std::vector<AccountConfig> readAccountsSection(const YAML::Node& node, const YAML::Node& key,
                                               const std::string& file);
std::map<std::string, ChainConfig> readFilterChainsSection(const YAML::Node& node,
                                                           const YAML::Node& key,
                                                           const std::string& file);
// Checks each route's chain against `chains` and the built-in chain names.
std::vector<RouteConfig> readRoutesSection(const YAML::Node& node, const YAML::Node& key,
                                           const std::string& file,
                                           const std::map<std::string, ChainConfig>& chains);

// The account mapping as a JSON object, with the validated types of the known keys.
std::string accountJson(const MapReader& account, const AccountConfig& parsed);

// The chain names the server defines without configuration.
bool isBuiltinChainName(const std::string& name);

}  // namespace relay
