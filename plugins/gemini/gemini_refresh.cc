#include "gemini_refresh.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "bounded_json.h"
#include "gemini_host.h"
#include "token_answer.h"

namespace relay::gemini {

namespace {

// What gemini-cli sends as client metadata with loadCodeAssist and onboardUser.
constexpr std::string_view kClientMetadata =
    R"({"ideType":"IDE_UNSPECIFIED","platform":"PLATFORM_UNSPECIFIED","pluginType":"GEMINI"})";

void ready(const GeminiAccount& account) {
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, credentials_ready)) h->credentials_ready(account.hostAccount());
}

// failure_class: RELAY_CLASS_PERMANENT for a dead grant (the account waits for a login),
// else transient (the token endpoint or Code Assist may recover; the account can be probed).
void failed(GeminiAccount& account, const std::string& why,
            relay_failure_class_t failure_class = RELAY_CLASS_TRANSIENT) {
  account.endFlow();
  std::string reason = account.label() + ": " + why;
  logLine(RELAY_LOG_WARN, reason);
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, credentials_failed_as))
    h->credentials_failed_as(account.hostAccount(), failure_class, toSlice(reason));
  else if (h && RELAY_HOST_HAS(h, credentials_failed))
    h->credentials_failed(account.hostAccount(), toSlice(reason));
}

void succeeded(GeminiAccount& account) {
  account.endFlow();
  ready(account);
}

void storePut(const GeminiAccount& account, std::string_view key, std::string_view value) {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, store_put) ||
      h->store_put(account.hostAccount(), toSlice(key), toSlice(value)) != RELAY_OK)
    logLine(RELAY_LOG_WARN, account.label() + ": could not store " + std::string(key));
}

bool call(GeminiAccount& account, FlowStep step, std::string_view method, const std::string& url,
          const std::string& body, bool form, const std::string& bearer) {
  uint64_t id = account.nextCall(step);
  std::string auth = "Bearer " + bearer;
  relay_header_t headers[3];
  size_t n = 0;
  headers[n++] = {toSlice("content-type"),
                  toSlice(form ? "application/x-www-form-urlencoded" : "application/json")};
  headers[n++] = {toSlice("accept"), toSlice("application/json")};
  if (!bearer.empty()) headers[n++] = {toSlice("authorization"), toSlice(auth)};
  if (httpCall(account.hostAccount(), method, url, headers, n, body, id) != RELAY_OK) {
    failed(account, "the host could not start an HTTP call");
    return false;
  }
  return true;
}

std::string codeAssistUrl(const GeminiAccount& account, std::string_view method) {
  return account.config().api_url + "/v1internal:" + std::string(method);
}

void startLoadCodeAssist(GeminiAccount& account) {
  std::string body = std::string(R"({"metadata":)") + std::string(kClientMetadata) + "}";
  call(account, FlowStep::kLoadCodeAssist, "POST", codeAssistUrl(account, "loadCodeAssist"), body,
       false, account.snapshot().access_token);
}

// The project is needed for generate calls; a flow that has a token goes on to find it.
void afterToken(GeminiAccount& account) {
  if (account.projectKnown()) return succeeded(account);
  startLoadCodeAssist(account);
}

void setProject(GeminiAccount& account, const std::string& project) {
  account.setProject(project);
  storePut(account, kStoreProjectId, project);
  logLine(RELAY_LOG_INFO, account.label() + ": Code Assist project " + project);
  succeeded(account);
}

void onToken(GeminiAccount& account, const relay_http_response_t& resp) {
  if (resp.status == 0)
    return failed(account, "token endpoint unreachable: " + std::string(toView(resp.error)));
  std::string_view body = toView(resp.body);
  rapidjson::Document doc;
  bool json = parseBoundedJson(body, doc) == JsonParse::kOk && doc.IsObject();
  auto access = json ? doc.FindMember("access_token") : doc.MemberEnd();
  if (resp.status != 200 || access == doc.MemberEnd() || !access->value.IsString() ||
      access->value.GetStringLength() == 0) {
    std::string code = oauthErrorCode(body);
    // Google answers 400 invalid_grant for a revoked or expired refresh token: only a login
    // helps. 5xx, 429 and odd answers may pass.
    bool dead = (resp.status == 400 || resp.status == 401) && code == "invalid_grant";
    return failed(account,
                  "token refresh failed: HTTP " + std::to_string(resp.status) +
                      (code.empty() ? "" : " " + code),
                  dead ? RELAY_CLASS_PERMANENT : RELAY_CLASS_TRANSIENT);
  }
  int64_t expires_in = expiresInSeconds(doc, kDefaultExpiresInSeconds, kMaxExpiresInSeconds);
  std::string token(access->value.GetString(), access->value.GetStringLength());
  int64_t expires_at = nowMs() + expires_in * 1000;
  storePut(account, kStoreAccessToken, token);
  storePut(account, kStoreExpiresAtMs, std::to_string(expires_at));
  account.setToken(std::move(token), expires_at);
  scheduleBackgroundRefresh(account);
  afterToken(account);
}

void onLoad(GeminiAccount& account, const relay_http_response_t& resp) {
  if (resp.status != 200)
    return failed(account, "loadCodeAssist failed: HTTP " + std::to_string(resp.status));
  std::string tier;
  bool current = false;
  std::string project = projectFromLoad(toView(resp.body), &tier, &current);
  if (!project.empty()) return setProject(account, project);
  if (current)
    return failed(account, "loadCodeAssist names no project for this user's tier; set project_id");
  // Free tier: no project is sent (sending one gives Precondition Failed).
  std::string body =
      R"({"tierId":)" + jsonString(tier) + R"(,"metadata":)" + std::string(kClientMetadata) + "}";
  call(account, FlowStep::kOnboardUser, "POST", codeAssistUrl(account, "onboardUser"), body, false,
       account.snapshot().access_token);
}

void pollOperation(GeminiAccount& account, const std::string& name) {
  call(account, FlowStep::kPollOperation, "GET", account.config().api_url + "/v1internal/" + name,
       "", false, account.snapshot().access_token);
}

void onOperation(GeminiAccount& account, const relay_http_response_t& resp) {
  OperationState op;
  if (resp.status != 200 || !parseOperation(toView(resp.body), &op))
    return failed(account, "onboardUser failed: HTTP " + std::to_string(resp.status));
  if (op.done) {
    if (op.project.empty()) return failed(account, "onboardUser gave no project; set project_id");
    return setProject(account, op.project);
  }
  if (op.name.empty()) return failed(account, "onboardUser answered an operation without a name");
  if (++account.polls > kMaxOperationPolls)
    return failed(account, "onboardUser did not finish after " +
                               std::to_string(kMaxOperationPolls) + " polls (" +
                               std::to_string(kMaxOperationPolls * kOperationPollDelayMs / 1000) +
                               " s); try again later, or set project_id");
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, start_timer)) {
    account.awaitPoll(op.name);
    if (h->start_timer(account.hostAccount(), nowMs() + kOperationPollDelayMs,
                       kOperationPollTimer) == RELAY_OK)
      return;
    account.takeAwaitedPoll();
  }
  pollOperation(account, op.name);  // a host without timers (ABI < 1.3): poll at once
}

std::string stringOrId(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsObject()) {
    auto id = v.FindMember("id");
    if (id != v.MemberEnd() && id->value.IsString())
      return std::string(id->value.GetString(), id->value.GetStringLength());
  }
  return {};
}

}  // namespace

std::string tokenRequestBody(const GeminiConfig& c, std::string_view refresh_token) {
  return "grant_type=refresh_token&refresh_token=" + percentEncode(refresh_token) +
         "&client_id=" + percentEncode(c.client_id) +
         "&client_secret=" + percentEncode(c.client_secret);
}

std::string projectFromLoad(std::string_view body, std::string* tier_out, bool* has_current_tier) {
  *tier_out = "legacy-tier";
  *has_current_tier = false;
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) return {};
  auto current = doc.FindMember("currentTier");
  *has_current_tier = current != doc.MemberEnd() && !current->value.IsNull();
  auto tiers = doc.FindMember("allowedTiers");
  if (tiers != doc.MemberEnd() && tiers->value.IsArray()) {
    for (const auto& t : tiers->value.GetArray()) {
      if (!t.IsObject()) continue;
      auto def = t.FindMember("isDefault");
      auto id = t.FindMember("id");
      if (def != t.MemberEnd() && def->value.IsBool() && def->value.GetBool() &&
          id != t.MemberEnd() && id->value.IsString())
        *tier_out = id->value.GetString();
    }
  }
  auto project = doc.FindMember("cloudaicompanionProject");
  return project == doc.MemberEnd() ? std::string() : stringOrId(project->value);
}

bool parseOperation(std::string_view body, OperationState* out) {
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) return false;
  auto done = doc.FindMember("done");
  out->done = done != doc.MemberEnd() && done->value.IsBool() && done->value.GetBool();
  auto name = doc.FindMember("name");
  if (name != doc.MemberEnd() && name->value.IsString()) out->name = name->value.GetString();
  auto response = doc.FindMember("response");
  if (response != doc.MemberEnd() && response->value.IsObject()) {
    auto project = response->value.FindMember("cloudaicompanionProject");
    if (project != response->value.MemberEnd()) out->project = stringOrId(project->value);
  }
  return true;
}

void scheduleBackgroundRefresh(const GeminiAccount& account) {
  int64_t expires_at_ms = account.snapshot().expires_at_ms;
  const relay_host_t* h = host();
  if (!account.canRefresh() || expires_at_ms == 0 || !h || !RELAY_HOST_HAS(h, schedule_refresh))
    return;
  int64_t now = nowMs();
  int64_t at = std::max(expires_at_ms - kRefreshAheadMs, now + (expires_at_ms - now) / 2);
  h->schedule_refresh(account.hostAccount(), at, expires_at_ms);
}

int startRefresh(GeminiAccount& account, bool force) {
  if (!account.config().oauth) {
    ready(account);
    return RELAY_OK;
  }
  int64_t now = nowMs();
  int64_t expires_at = account.snapshot().expires_at_ms;
  bool ahead = account.canRefresh() && expires_at != 0 && expires_at - now < kRefreshAheadMs;
  bool token_due = force || !account.tokenUsable(now) || ahead;
  if (!token_due && account.projectKnown()) {
    ready(account);
    return RELAY_OK;
  }
  if (!account.beginFlow()) return RELAY_OK;  // the flow in flight ends with credentials_*
  if (!token_due) {
    afterToken(account);
    return RELAY_OK;
  }
  AccountSnapshot state = account.snapshot();
  if (state.refresh_token.empty()) {
    // Nothing can refresh it: only a login (or new config tokens) helps, so the account waits
    // for one instead of being probed.
    std::string login = "run relay-server login --config FILE " + account.config().id;
    failed(account,
           state.access_token.empty()
               ? "not logged in: " + login
               : "the access token expired and there is no refresh_token: " + login,
           RELAY_CLASS_PERMANENT);
    return RELAY_OK;
  }
  call(account, FlowStep::kToken, "POST", account.config().token_url,
       tokenRequestBody(account.config(), state.refresh_token), true, "");
  return RELAY_OK;
}

void onFlowTimer(GeminiAccount& account, uint64_t timer_id) {
  if (timer_id != kOperationPollTimer) return;
  std::string operation = account.takeAwaitedPoll();
  if (!operation.empty()) pollOperation(account, operation);
}

void finishCall(GeminiAccount& account, uint64_t call_id, const relay_http_response_t& resp) {
  switch (account.stepOf(call_id)) {
    case FlowStep::kToken:
      return onToken(account, resp);
    case FlowStep::kLoadCodeAssist:
      return onLoad(account, resp);
    case FlowStep::kOnboardUser:
    case FlowStep::kPollOperation:
      return onOperation(account, resp);
    case FlowStep::kNone:
      logLine(RELAY_LOG_DEBUG, account.label() + ": ignoring an unknown http answer");
      return;
  }
}

}  // namespace relay::gemini
