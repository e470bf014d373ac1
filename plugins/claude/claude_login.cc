#include "claude_login.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>

#include "bounded_json.h"
#include "claude_refresh.h"
#include "credential_file.h"
#include "host_api.h"
#include "login_steps.h"
#include "sha256_hex.h"

namespace relay::claude {

namespace {

void done(const ClaudeAccount& account, int32_t outcome, std::string_view identity,
          std::string_view reason) {
  loginDone(account.hostAccount(), outcome, identity, reason);
}

bool put(const ClaudeAccount& account, std::string_view key, std::string_view value) {
  return storePut(account.hostAccount(), key, value);
}

// Writes the pair the way a refresh does, so the relay (and its restart) picks it up.
bool storeTokens(ClaudeAccount& account, const TokenState& state) {
  bool ok = put(account, kStoreRefreshToken, state.refresh_token) &&
            put(account, kStoreAccessToken, state.access_token) &&
            put(account, kStoreExpiresAtMs, std::to_string(state.expires_at_ms)) &&
            put(account, kStoreConfigTokenSha, sha256Hex(account.config().refresh_token));
  if (ok) account.setTokens(state);
  return ok;
}

constexpr CliTakeOver kClaudeCodeTakeOver = {
    "claude", kClaudeCodeSource, kClaudeCodeDefaultPath, "claude-api",
    "not taking over Claude Code's login without --take-over: Claude refresh tokens are "
    "single-use, so once the relay refreshes the token, Claude Code is signed out of that "
    "login (and if Claude Code refreshes first, the relay is). Prefer `relay-server login` "
    "(a login of the relay's own) or a `claude setup-token` token as access_token; add "
    "--take-over to go ahead anyway"};

std::string isoDate(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string authorizeUrl(const ClaudeConfig& config, std::string_view state,
                         std::string_view code_challenge) {
  std::string url = config.authorize_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "code=true&client_id=" + percentEncode(config.client_id) +
         "&response_type=code&redirect_uri=" + percentEncode(config.redirect_uri) +
         "&scope=" + percentEncode(kLoginScopes) +
         "&code_challenge=" + percentEncode(code_challenge) +
         "&code_challenge_method=S256&state=" + percentEncode(state);
  return url;
}

std::string exchangeRequestBody(const ClaudeConfig& config, std::string_view code,
                                std::string_view state, std::string_view code_verifier) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto field = [&w](const char* key, std::string_view value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  field("grant_type", "authorization_code");
  field("code", code);
  field("state", state);
  field("client_id", config.client_id);
  field("redirect_uri", config.redirect_uri);
  field("code_verifier", code_verifier);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string identityOf(std::string_view token_answer) {
  rapidjson::Document doc;
  if (parseBoundedJson(token_answer, doc) != JsonParse::kOk || !doc.IsObject()) return {};
  std::string email, org;
  if (auto a = doc.FindMember("account"); a != doc.MemberEnd())
    email = stringMember(a->value, "email_address");
  if (auto o = doc.FindMember("organization"); o != doc.MemberEnd())
    org = stringMember(o->value, "name");
  if (!email.empty() && !org.empty()) return email + ", " + org;
  return email.empty() ? org : email;
}

int beginLogin(ClaudeAccount& account, std::string_view state, std::string_view code_challenge,
               relay_error_t* err) {
  return offerAuthorizeUrl(account.hostAccount(), account.config().oauth,
                           kClaudeCodeTakeOver.api_kind,
                           authorizeUrl(account.config(), state, code_challenge), err);
}

int startExchange(ClaudeAccount& account, std::string_view code, std::string_view state,
                  std::string_view code_verifier) {
  std::string body = exchangeRequestBody(account.config(), code, state, code_verifier);
  const relay_header_t headers[] = {
      {toSlice("content-type"), toSlice("application/json")},
      {toSlice("accept"), toSlice("application/json")},
      {toSlice("anthropic-beta"), toSlice("oauth-2025-04-20")},
  };
  return postCodeExchange(account, account.config().token_url, headers,
                          sizeof(headers) / sizeof(headers[0]), body);
}

void finishExchange(ClaudeAccount& account, uint64_t call_id, const relay_http_response_t& resp) {
  if (!account.endLogin(call_id)) return;
  if (ExchangeFailure failure; exchangeFailed(resp, tokenErrorCode, &failure))
    return done(account, failure.outcome, "", failure.reason);
  TokenGrant grant;
  std::string why;
  if (!parseTokenGrant(toView(resp.body), &grant, &why))
    return done(account, RELAY_LOGIN_FAILED, "", "HTTP 200 but " + why);
  TokenState state;
  state.access_token = grant.access_token;
  state.refresh_token = grant.refresh_token;
  state.expires_at_ms = nowMs() + grant.expires_in_seconds * 1000;
  if (!storeTokens(account, state))
    return done(account, RELAY_LOGIN_FAILED, "", "the host could not store the tokens");
  done(account, RELAY_LOGIN_OK, identityOf(toView(resp.body)), "");
}

int importCredentials(ClaudeAccount& account, std::string_view source, std::string_view path,
                      bool take_over) {
  std::string file, why;
  rapidjson::Document doc;
  const rapidjson::Value* oauth = nullptr;
  if (openTakeOver(kClaudeCodeTakeOver, source, account.config().oauth, take_over, path, &file,
                   &doc, &why)) {
    auto it = doc.FindMember("claudeAiOauth");
    if (it == doc.MemberEnd() || !it->value.IsObject())
      why = file + " has no claudeAiOauth login";
    else
      oauth = &it->value;
  }
  TokenState state;
  if (oauth) {
    state.access_token = stringMember(*oauth, "accessToken");
    state.refresh_token = stringMember(*oauth, "refreshToken");
    state.expires_at_ms = unixMsMember(*oauth, "expiresAt");
    if (state.access_token.empty() && state.refresh_token.empty())
      why = file + " holds no accessToken or refreshToken";
  }
  if (!why.empty()) {
    done(account, RELAY_LOGIN_FAILED, "", why);
    return RELAY_OK;
  }
  if (!storeTokens(account, state)) {
    done(account, RELAY_LOGIN_FAILED, "", "the host could not store the tokens");
    return RELAY_OK;
  }
  done(account, RELAY_LOGIN_OK, "taken over from " + file, "");
  return RELAY_OK;
}

void reloadCredentials(ClaudeAccount& account) {
  account.loadTokens();
  scheduleBackgroundRefresh(account);
  warnIfSetupTokenExpiring(account);
  abandonRefresh(account);  // after the new tokens are in: its waiters go on with them
}

void rememberSetupTokenExpiry(ClaudeAccount& account) {
  const ClaudeConfig& c = account.config();
  if (!c.oauth || !c.refresh_token.empty() || c.access_token.empty() || c.expires_at <= 0) return;
  TokenState t = account.tokens();
  if (t.access_token != c.access_token) return;  // stored tokens are in use instead
  std::string expires = std::to_string(t.expires_at_ms);
  const relay_host_t* h = host();
  relay_slice_t stored{nullptr, 0};
  if (h && RELAY_HOST_HAS(h, store_get) &&
      h->store_get(account.hostAccount(), toSlice(kStoreExpiresAtMs), &stored) == RELAY_OK &&
      toView(stored) == expires)
    return;
  put(account, kStoreExpiresAtMs, expires);
}

void warnIfSetupTokenExpiring(ClaudeAccount& account) {
  if (!account.config().oauth) return;
  TokenState t = account.tokens();
  if (!t.refresh_token.empty() || t.access_token.empty() || t.expires_at_ms == 0) return;
  int64_t left = t.expires_at_ms - nowMs();
  if (left > kSetupTokenWarnMs || !account.takeExpiryWarning()) return;
  std::string when = isoDate(t.expires_at_ms);
  std::string days = std::to_string(left > 0 ? left / (24 * 3600 * 1000) : 0);
  logLine(RELAY_LOG_WARN,
          account.label() +
              (left > 0 ? ": its access token expires at " + when + " (in " + days + " days)"
                        : ": its access token expired at " + when) +
              " and it has no refresh_token: make a new one with `claude "
              "setup-token`, or run `relay-server login`");
}

}  // namespace relay::claude
