// Errors a provider plugin reports about one account's keys, located in the config file:
// "relay.yaml:12:5: accounts[0].api_key: expected a non-empty string".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/config/config.h"

namespace relay {

// Where key_path ("api_key", "model_map.gpt-4.1", "proxy.port") sits in the account mapping:
// the key itself when at_key, else its value (the key when the value is empty). The account's
// own mark when the path is empty or not found.
ConfigMark accountKeyMark(const AccountConfig& account, std::string_view key_path, bool at_key);

// "file:line:col: accounts[index].<key_path>: message" (".<key_path>" left out when empty).
// An "unknown key ..." message points at the key, any other at the value.
std::string accountKeyError(const AccountConfig& account, size_t index, std::string_view key_path,
                            std::string_view message);

}  // namespace relay
