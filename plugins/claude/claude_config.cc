#include "claude_config.h"

#include <rapidjson/document.h>

namespace relay::claude {

bool parseClaudeConfig(std::string_view account_type, std::string_view config_json,
                       ClaudeConfig* out, account_keys::KeyError* error) {
  using account_keys::AccountKeys;
  using account_keys::withDefault;
  if (account_type == "claude-oauth") {
    out->oauth = true;
  } else if (account_type != "claude-api") {
    *error = {"type", "unknown account type '" + std::string(account_type) + "'"};
    return false;
  }
  const std::string suffix = " for type " + std::string(account_type);
  AccountKeys keys;
  // Each type its own keys: an API key on an OAuth account (or a token on an API-key one) would
  // be ignored, and the account would not be what its configuration says.
  if (!keys.parse(config_json, error)) return false;
  bool known = out->oauth
                   ? keys.allowOnly({"refresh_token", "access_token", "expires_at", "token_url",
                                     "client_id", "authorize_url", "redirect_uri"},
                                    error)
                   : keys.allowOnly({"api_key"}, error);
  if (!known) return false;
  std::string api_url, token_url, client_id, authorize_url, redirect_uri;
  bool ok =
      keys.string("id", &out->id, error) && keys.string("name", &out->name, error) &&
      keys.string("api_url", &api_url, error) && keys.string("api_key", &out->api_key, error) &&
      keys.string("refresh_token", &out->refresh_token, error) &&
      keys.string("access_token", &out->access_token, error) &&
      keys.integer("expires_at", 0, &out->expires_at, error) &&
      keys.string("token_url", &token_url, error) && keys.string("client_id", &client_id, error) &&
      keys.string("authorize_url", &authorize_url, error) &&
      keys.string("redirect_uri", &redirect_uri, error);
  if (!ok) return false;
  out->api_url = withDefault(api_url, kDefaultApiUrl);
  out->token_url = withDefault(token_url, kDefaultTokenUrl);
  out->client_id = withDefault(client_id, kDefaultClientId);
  out->authorize_url = withDefault(authorize_url, kDefaultAuthorizeUrl);
  out->redirect_uri = redirect_uri.empty() ? std::string(kDefaultRedirectUri) : redirect_uri;
  if (!out->oauth && out->api_key.empty()) {
    *error = keys.has("api_key")
                 ? account_keys::KeyError{"api_key", "expected a non-empty string" + suffix}
                 : AccountKeys::missing("api_key", suffix);
    return false;
  }
  if (out->oauth && keys.has("refresh_token") && out->refresh_token.empty() &&
      out->access_token.empty()) {
    *error = {"refresh_token", "expected a non-empty string" + suffix +
                                   " (or leave it out and run relay-server login)"};
    return false;
  }
  return true;
}

}  // namespace relay::claude
