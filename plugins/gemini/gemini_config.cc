#include "gemini_config.h"

namespace relay::gemini {

namespace {

using account_keys::AccountKeys;
using account_keys::KeyError;
using account_keys::withDefault;

bool parseOauth(const AccountKeys& keys, GeminiConfig* c, KeyError* err) {
  const std::string suffix = " for type gemini";
  std::string token_url, client_id, client_secret, authorize_url, redirect_uri;
  if (!keys.allowOnly({"refresh_token", "access_token", "expires_at", "token_url", "client_id",
                       "client_secret", "project_id", "authorize_url", "redirect_uri"},
                      err) ||
      !keys.string("refresh_token", &c->refresh_token, err) ||
      !keys.string("access_token", &c->access_token, err) ||
      !keys.integer("expires_at", 0, &c->expires_at, err) ||
      !keys.string("token_url", &token_url, err) || !keys.string("client_id", &client_id, err) ||
      !keys.string("client_secret", &client_secret, err) ||
      !keys.string("project_id", &c->project_id, err) ||
      !keys.string("authorize_url", &authorize_url, err) ||
      !keys.string("redirect_uri", &redirect_uri, err))
    return false;
  // Without either token the account waits for `relay-server login` (or a take-over).
  if (keys.has("refresh_token") && c->refresh_token.empty() && c->access_token.empty()) {
    *err = KeyError{"refresh_token", "expected a non-empty string" + suffix +
                                         " (or leave it out and run relay-server login)"};
    return false;
  }
  c->token_url = withDefault(token_url, kDefaultTokenUrl);
  c->client_id = withDefault(client_id, kDefaultClientId);
  c->client_secret = client_secret.empty() ? std::string(kDefaultClientSecret) : client_secret;
  c->authorize_url = withDefault(authorize_url, kDefaultAuthorizeUrl);
  c->redirect_uri = redirect_uri.empty() ? std::string(kDefaultRedirectUri) : redirect_uri;
  return true;
}

bool parseApiKey(const AccountKeys& keys, GeminiConfig* c, KeyError* err) {
  const std::string suffix = " for type gemini-api";
  if (!keys.allowOnly({"api_key"}, err) || !keys.string("api_key", &c->api_key, err)) return false;
  if (c->api_key.empty()) {
    *err = keys.has("api_key") ? KeyError{"api_key", "expected a non-empty string" + suffix}
                               : AccountKeys::missing("api_key", suffix);
    return false;
  }
  return true;
}

}  // namespace

bool parseGeminiConfig(std::string_view account_type, std::string_view config_json,
                       GeminiConfig* out, KeyError* error) {
  if (account_type == "gemini") {
    out->oauth = true;
  } else if (account_type != "gemini-api") {
    *error = {"type", "unknown account type '" + std::string(account_type) + "'"};
    return false;
  }
  AccountKeys keys;
  std::string api_url;
  if (!keys.parse(config_json, error) || !keys.string("id", &out->id, error) ||
      !keys.string("api_url", &api_url, error))
    return false;
  if (out->id.empty()) keys.string("name", &out->id, error);
  out->api_url = withDefault(api_url, out->oauth ? kDefaultCodeAssistUrl : kDefaultPublicApiUrl);
  return out->oauth ? parseOauth(keys, out, error) : parseApiKey(keys, out, error);
}

bool looksLikeWrongCodeAssistHost(std::string_view api_url) {
  constexpr std::string_view kHost = "://cloudcode.googleapis.com";
  size_t at = api_url.find(kHost);
  return at != std::string_view::npos &&
         (at + kHost.size() == api_url.size() || api_url[at + kHost.size()] == '/');
}

}  // namespace relay::gemini
