// Asks each account's provider plugin whether it accepts the account's configuration:
// account_new + account_free on a host account that refuses all I/O. Used by start-up and
// --check-config, so a key only the plugin knows is checked before anything runs.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/plugin/plugin_registry.h"

namespace relay {

// The first rejection as "file:line:col: accounts[i].<key>: message" (the plugin names the
// key through relay_error_t.key, ABI 1.1); empty when every account is accepted. Accounts
// whose plugin has no account_new are skipped (their provider does not serve yet).
std::string validateAccounts(const std::vector<AccountConfig>& accounts,
                             const PluginRegistry& plugins);

// The host's wording of an account_new rejection: err.key (when the plugin's ABI has it) and
// err.message, located with the account's marks.
std::string accountRejection(const AccountConfig& account, size_t index, const LoadedPlugin& plugin,
                             const relay_error_t& err);

}  // namespace relay
