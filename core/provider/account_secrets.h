// The core does not know which of a provider's account keys hold secrets, so it goes by the
// key's name: every string under a key containing token, key, secret or password (any case,
// at any depth of the account mapping) is registered with the log masking (addRedactedValue in
// core/obs/redact.h).
#pragma once

#include <string_view>
#include <vector>

#include "core/config/config.h"

namespace relay {

// True for names like api_key, refresh_token, client_secret, echo_secret, password.
bool looksLikeSecretKey(std::string_view key);

void registerAccountSecrets(const std::vector<AccountConfig>& accounts);

}  // namespace relay
