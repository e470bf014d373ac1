// How a configuration error is located and worded: "file:line:col: key.path: what".
#pragma once

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>

#include "core/config/config.h"

namespace relay {

// Thrown by the section readers; loadConfig* turns it into ConfigResult::error. Filter
// factories may throw it too (through the readers) and catch it to fill their *error.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const ConfigMark& mark, const std::string& key_path, const std::string& what);
};

// "relay.yaml:7:3: server.prot: unknown key"; an empty key_path is left out.
std::string formatConfigError(const ConfigMark& mark, const std::string& key_path,
                              const std::string& what);

// The node's 1-based position; yaml-cpp's marks are 0-based and -1 when unknown.
ConfigMark markOf(const YAML::Node& node, const std::string& file);

// For messages: "a map", "a list", "nothing" or the quoted scalar (long ones shortened).
std::string describeNode(const YAML::Node& node);

}  // namespace relay
