#include "claude_refresh.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bounded_json.h"
#include "host_api.h"
#include "sha256_hex.h"
#include "token_answer.h"

namespace relay::claude {

namespace {

void writeString(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void ready(const ClaudeAccount& account) {
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, credentials_ready)) h->credentials_ready(account.hostAccount());
}

// Ends a refresh that failed. A transient failure keeps the current access token in use until
// it expires and retries in the background meanwhile; a dead grant needs a login.
void failed(ClaudeAccount& account, const std::string& why,
            relay_failure_class_t failure_class = RELAY_CLASS_TRANSIENT) {
  // The host names the account; the reason (for /health, the accounts table and the client's
  // 503) says what happened to its credentials.
  std::string reason = "token refresh failed: " + why;
  logLine(RELAY_LOG_WARN, account.label() + ": " + reason);
  const relay_host_t* h = host();
  if (failure_class == RELAY_CLASS_TRANSIENT) {
    int64_t retry_at = account.noteTransientRefreshFailure(nowMs());
    if (retry_at > 0 && h && RELAY_HOST_HAS(h, schedule_refresh))
      h->schedule_refresh(account.hostAccount(), retry_at, account.tokens().expires_at_ms);
  }
  if (h && RELAY_HOST_HAS(h, credentials_failed_as))
    h->credentials_failed_as(account.hostAccount(), failure_class, toSlice(reason));
  else if (h && RELAY_HOST_HAS(h, credentials_failed))
    h->credentials_failed(account.hostAccount(), toSlice(reason));
}

void storePut(const ClaudeAccount& account, std::string_view key, std::string_view value) {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, store_put) ||
      h->store_put(account.hostAccount(), toSlice(key), toSlice(value)) != RELAY_OK) {
    // The old refresh token is already dead: keep going with the in-memory copy.
    logLine(RELAY_LOG_ERROR, account.label() + ": could not persist " + std::string(key));
  }
}

// Background refresh ahead of expiry, but never sooner than half the remaining lifetime.
int64_t refreshAt(int64_t now_ms, int64_t expires_at_ms) {
  return std::max(expires_at_ms - kRefreshAheadMs, now_ms + (expires_at_ms - now_ms) / 2);
}

// A 1.3 host confirms the commit of what was stored (credentials_committed) after ready.
bool hostConfirmsCommit() {
  const relay_host_t* h = host();
  return h && (h->abi_version >> 16) == RELAY_PLUGIN_ABI_MAJOR && (h->abi_version & 0xffff) >= 3;
}

void applyGrant(ClaudeAccount& account, const TokenGrant& grant, bool forced) {
  TokenState state = account.newestTokens();
  state.access_token = grant.access_token;
  if (!grant.refresh_token.empty()) state.refresh_token = grant.refresh_token;
  state.expires_at_ms = nowMs() + grant.expires_in_seconds * 1000;
  // Stored before anyone uses the new pair: the rotated refresh token first.
  storePut(account, kStoreRefreshToken, state.refresh_token);
  storePut(account, kStoreAccessToken, state.access_token);
  storePut(account, kStoreExpiresAtMs, std::to_string(state.expires_at_ms));
  storePut(account, kStoreConfigTokenSha, sha256Hex(account.config().refresh_token));
  // Durable rotation: the new access token is published in credentials_committed, once the
  // host says the rotated refresh token is on disk; an older host gets it at once.
  if (hostConfirmsCommit())
    account.holdGrant(std::move(state), forced);
  else
    account.setTokens(std::move(state));
  scheduleBackgroundRefresh(account);
  ready(account);
}

}  // namespace

void scheduleBackgroundRefresh(const ClaudeAccount& account) {
  int64_t expires_at_ms = account.newestTokens().expires_at_ms;
  const relay_host_t* h = host();
  if (!account.config().oauth || expires_at_ms == 0 || !h || !RELAY_HOST_HAS(h, schedule_refresh))
    return;
  h->schedule_refresh(account.hostAccount(), refreshAt(nowMs(), expires_at_ms), expires_at_ms);
}

std::string refreshRequestBody(std::string_view refresh_token, std::string_view client_id) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("grant_type");
  w.String("refresh_token");
  w.Key("refresh_token");
  writeString(w, refresh_token);
  w.Key("client_id");
  writeString(w, client_id);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool parseTokenGrant(std::string_view body, TokenGrant* out, std::string* why) {
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) {
    *why = "the token answer is not JSON";
    return false;
  }
  auto access = doc.FindMember("access_token");
  if (access == doc.MemberEnd() || !access->value.IsString() ||
      access->value.GetStringLength() == 0) {
    *why = "the token answer has no access_token";
    return false;
  }
  out->access_token.assign(access->value.GetString(), access->value.GetStringLength());
  auto refresh = doc.FindMember("refresh_token");
  if (refresh != doc.MemberEnd() && refresh->value.IsString())
    out->refresh_token.assign(refresh->value.GetString(), refresh->value.GetStringLength());
  constexpr double kMaxExpiresIn = 10.0 * 365 * 24 * 3600;
  out->expires_in_seconds = expiresInSeconds(doc, out->expires_in_seconds, kMaxExpiresIn);
  return true;
}

std::string tokenErrorCode(std::string_view body) {
  std::string code = oauthErrorCode(body);
  return code.empty() ? apiErrorType(body) : code;
}

relay_failure_class_t refreshFailureClass(int status, std::string_view oauth_error) {
  bool refused = status == 400 || status == 401 || status == 403;
  return refused && oauth_error == "invalid_grant" ? RELAY_CLASS_PERMANENT : RELAY_CLASS_TRANSIENT;
}

void abandonRefresh(ClaudeAccount& account) {
  if (!account.abandonRefresh()) return;
  logLine(RELAY_LOG_INFO, account.label() + ": new credentials replace the refresh in flight");
  ready(account);
}

int startRefresh(ClaudeAccount& account, bool force) {
  if (!account.config().oauth || (!force && !account.refreshDue(nowMs()))) {
    ready(account);
    return RELAY_OK;
  }
  TokenState tokens = account.newestTokens();
  if (tokens.refresh_token.empty()) {  // only a login (or new config tokens) helps
    failed(account,
           tokens.access_token.empty()
               ? "not logged in: run relay-server login --config FILE " + account.config().id
               : "no refresh_token configured (the access token expired)",
           RELAY_CLASS_PERMANENT);
    return RELAY_OK;
  }
  std::optional<uint64_t> call_id = account.beginRefresh();
  if (!call_id) return RELAY_OK;  // the refresh in flight ends with credentials_*
  account.setRefreshForced(force);
  std::string body = refreshRequestBody(tokens.refresh_token, account.config().client_id);
  const relay_header_t headers[] = {
      {toSlice("content-type"), toSlice("application/json")},
      {toSlice("accept"), toSlice("application/json")},
      {toSlice("anthropic-beta"), toSlice("oauth-2025-04-20")},
  };
  relay_http_request_t request{};
  request.struct_size = sizeof(request);
  request.method = toSlice("POST");
  request.url = toSlice(account.config().token_url);
  request.headers = headers;
  request.header_count = sizeof(headers) / sizeof(headers[0]);
  request.body = toSlice(body);
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, http_call) ||
      h->http_call(account.hostAccount(), &request, *call_id) != RELAY_OK) {
    account.endRefresh(*call_id);
    failed(account, "the host could not start the token request");
  }
  return RELAY_OK;
}

void finishRefresh(ClaudeAccount& account, uint64_t call_id, const relay_http_response_t& resp) {
  if (!account.endRefresh(call_id)) {
    logLine(RELAY_LOG_DEBUG, account.label() + ": ignoring an unknown http answer");
    return;
  }
  if (resp.status == 0) {
    std::string error(toView(resp.error));
    failed(account, "transport error (status 0)" + (error.empty() ? "" : ": " + error));
    return;
  }
  if (resp.status != 200) {
    std::string code = tokenErrorCode(toView(resp.body));
    failed(account, "HTTP " + std::to_string(resp.status) + (code.empty() ? "" : " " + code),
           refreshFailureClass(resp.status, code));
    return;
  }
  TokenGrant grant;
  std::string why;
  if (!parseTokenGrant(toView(resp.body), &grant, &why)) {
    std::string code = tokenErrorCode(toView(resp.body));
    failed(account, "HTTP 200 " + (code.empty() ? why : code));
    return;
  }
  applyGrant(account, grant, account.refreshForced());
}

void commitRefresh(ClaudeAccount& account, bool committed) {
  account.commitGrant(committed, nowMs());
  if (!committed)
    logLine(RELAY_LOG_WARN, account.label() +
                                ": the rotated tokens are not on disk yet; keeping the current "
                                "access token while it is valid");
}

}  // namespace relay::claude
