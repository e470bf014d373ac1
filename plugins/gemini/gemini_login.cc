#include "gemini_login.h"

#include <rapidjson/document.h>

#include "bounded_json.h"
#include "credential_file.h"
#include "gemini_host.h"
#include "gemini_refresh.h"
#include "login_steps.h"
#include "sha256_hex.h"
#include "token_answer.h"

namespace relay::gemini {

namespace {

void done(const GeminiAccount& account, int32_t outcome, std::string_view identity,
          std::string_view reason) {
  loginDone(account.hostAccount(), outcome, identity, reason);
}

bool put(const GeminiAccount& account, std::string_view key, std::string_view value) {
  return storePut(account.hostAccount(), key, value);
}

// Writes the login the way account_new reads it back; the project of an earlier login is
// forgotten (another Google account may have signed in), unless project_id is configured.
bool storeLogin(GeminiAccount& account, const std::string& refresh, const std::string& access,
                int64_t expires_at_ms) {
  bool ok = put(account, kStoreRefreshToken, refresh) && put(account, kStoreAccessToken, access) &&
            put(account, kStoreExpiresAtMs, std::to_string(expires_at_ms)) &&
            put(account, kStoreConfigTokenSha, sha256Hex(account.config().refresh_token)) &&
            (!account.config().project_id.empty() || put(account, kStoreProjectId, ""));
  if (ok) account.setLogin(refresh, access, expires_at_ms);
  return ok;
}

constexpr CliTakeOver kGeminiCliTakeOver = {
    "gemini", kGeminiCliSource, kGeminiCliDefaultPath, "gemini-api",
    "not taking over Gemini CLI's login without --take-over: the relay and Gemini CLI would "
    "then share one Google login (Google does not rotate the refresh token, so both keep "
    "working, but they share its quota, and signing out or revoking access in either ends "
    "it for both). Prefer `relay-server login` (a login of the relay's own); add "
    "--take-over to go ahead anyway"};

std::string base64UrlDecode(std::string_view in) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-' || c == '+')
      v = 62;
    else if (c == '_' || c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return {};
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

}  // namespace

std::string authorizeUrl(const GeminiConfig& config, std::string_view state,
                         std::string_view code_challenge) {
  std::string url = config.authorize_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "client_id=" + percentEncode(config.client_id) +
         "&redirect_uri=" + percentEncode(config.redirect_uri) +
         "&response_type=code&scope=" + percentEncode(kLoginScopes) +
         "&access_type=offline&prompt=consent&code_challenge=" + percentEncode(code_challenge) +
         "&code_challenge_method=S256&state=" + percentEncode(state);
  return url;
}

std::string exchangeRequestBody(const GeminiConfig& config, std::string_view code,
                                std::string_view code_verifier) {
  return "grant_type=authorization_code&code=" + percentEncode(code) +
         "&code_verifier=" + percentEncode(code_verifier) +
         "&client_id=" + percentEncode(config.client_id) +
         "&client_secret=" + percentEncode(config.client_secret) +
         "&redirect_uri=" + percentEncode(config.redirect_uri);
}

std::string emailOf(std::string_view token_answer) {
  rapidjson::Document doc;
  if (parseBoundedJson(token_answer, doc) != JsonParse::kOk || !doc.IsObject()) return {};
  return emailOfIdToken(stringMember(doc, "id_token"));
}

std::string emailOfIdToken(std::string_view id_token) {
  size_t first = id_token.find('.');
  size_t second = first == std::string::npos ? first : id_token.find('.', first + 1);
  if (second == std::string::npos) return {};
  rapidjson::Document claims;
  std::string payload =
      base64UrlDecode(std::string_view(id_token).substr(first + 1, second - first - 1));
  if (parseBoundedJson(payload, claims) != JsonParse::kOk) return {};
  return stringMember(claims, "email");
}

int beginLogin(GeminiAccount& account, std::string_view state, std::string_view code_challenge,
               relay_error_t* err) {
  return offerAuthorizeUrl(account.hostAccount(), account.config().oauth,
                           kGeminiCliTakeOver.api_kind,
                           authorizeUrl(account.config(), state, code_challenge), err);
}

int startExchange(GeminiAccount& account, std::string_view code, std::string_view,
                  std::string_view code_verifier) {
  std::string body = exchangeRequestBody(account.config(), code, code_verifier);
  const relay_header_t headers[] = {
      {toSlice("content-type"), toSlice("application/x-www-form-urlencoded")},
      {toSlice("accept"), toSlice("application/json")},
  };
  return postCodeExchange(account, account.config().token_url, headers,
                          sizeof(headers) / sizeof(headers[0]), body);
}

void finishExchange(GeminiAccount& account, uint64_t call_id, const relay_http_response_t& resp) {
  if (!account.endLogin(call_id)) return;
  if (ExchangeFailure failure; exchangeFailed(resp, oauthErrorCode, &failure))
    return done(account, failure.outcome, "", failure.reason);
  std::string_view body = toView(resp.body);
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject())
    return done(account, RELAY_LOGIN_FAILED, "", "HTTP 200 but the token answer is not JSON");
  std::string access = stringMember(doc, "access_token");
  std::string refresh = stringMember(doc, "refresh_token");
  if (access.empty() || refresh.empty())
    return done(account, RELAY_LOGIN_FAILED, "",
                "HTTP 200 but the token answer lacks an access_token or refresh_token");
  int64_t expires_in = expiresInSeconds(doc, kDefaultExpiresInSeconds, kMaxExpiresInSeconds);
  if (!storeLogin(account, refresh, access, nowMs() + expires_in * 1000))
    return done(account, RELAY_LOGIN_FAILED, "", "the host could not store the tokens");
  done(account, RELAY_LOGIN_OK, emailOf(body), "");
}

int importCredentials(GeminiAccount& account, std::string_view source, std::string_view path,
                      bool take_over) {
  std::string file, why;
  rapidjson::Document doc;
  std::string refresh, access;
  int64_t expires_at_ms = 0;
  if (openTakeOver(kGeminiCliTakeOver, source, account.config().oauth, take_over, path, &file, &doc,
                   &why)) {
    refresh = stringMember(doc, "refresh_token");
    access = stringMember(doc, "access_token");
    expires_at_ms = unixMsMember(doc, "expiry_date");  // google-auth-library: unix ms
    if (refresh.empty()) why = file + " holds no refresh_token";
  }
  if (!why.empty()) {
    done(account, RELAY_LOGIN_FAILED, "", why);
    return RELAY_OK;
  }
  if (expires_at_ms == 0) access.clear();  // without an expiry the access token is refreshed
  if (!storeLogin(account, refresh, access, expires_at_ms)) {
    done(account, RELAY_LOGIN_FAILED, "", "the host could not store the tokens");
    return RELAY_OK;
  }
  std::string email = emailOfIdToken(stringMember(doc, "id_token"));  // if the file keeps one
  done(account, RELAY_LOGIN_OK,
       email.empty() ? "taken over from " + file : email + ", taken over from " + file, "");
  return RELAY_OK;
}

}  // namespace relay::gemini
