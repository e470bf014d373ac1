#include "gemini_prepare.h"

#include <atomic>
#include <string>

#include "gemini_host.h"
#include "gemini_request.h"
#include "prepare_calls.h"

namespace relay::gemini {

namespace {

bool addClientHeaders(relay_host_request_t* req, const relay_request_view_t& request) {
  bool has_content_type = false;
  for (size_t i = 0; i < request.header_count; ++i) {
    std::string_view name = toView(request.headers[i].name);
    if (!isForwardedHeader(name)) continue;
    has_content_type = has_content_type || equalsIgnoreCase(name, "content-type");
    if (!addUpstreamHeader(req, name, toView(request.headers[i].value))) return false;
  }
  return has_content_type || request.body.len == 0 ||
         addUpstreamHeader(req, "content-type", "application/json");
}

// The call the client asked for; translated traffic (no Gemini path) generates or streams.
GeminiCall clientCall(const relay_request_view_t& request) {
  std::optional<GeminiCall> call = parseClientPath(toView(request.path));
  if (!call) {
    call = GeminiCall{};
    call->method = request.stream ? "streamGenerateContent" : "generateContent";
  }
  if (request.model.len > 0 && !call->code_assist) call->model = std::string(toView(request.model));
  return *call;
}

std::string promptId() {
  static std::atomic<uint64_t> counter{0};
  return "relay-" + std::to_string(nowMs()) + "-" + std::to_string(++counter);
}

bool send(relay_host_request_t* req, std::string_view method, const std::string& url) {
  return host()->set_upstream(req, toSlice(method.empty() ? "POST" : method), toSlice(url)) ==
         RELAY_OK;
}

int preparePublic(GeminiAccount& account, relay_host_request_t* req,
                  const relay_request_view_t& request, const GeminiCall& call, relay_error_t* err) {
  if (call.code_assist)
    return rejectPrepare(
        err, 400, "gemini: the Code Assist pass-through needs a `gemini` (Google OAuth) account");
  std::string url =
      account.config().api_url + "/" + call.version + "/models/" + call.model + ":" + call.method;
  std::string query = forwardedQuery(toView(request.query));
  if (!query.empty()) url += "?" + query;
  bool ok = send(req, toView(request.method), url) && addClientHeaders(req, request) &&
            addUpstreamHeader(req, "x-goog-api-key", account.config().api_key);
  return ok ? RELAY_PREPARE_READY : rejectPrepare(err, 500, account.label() + ": the host refused");
}

int prepareCodeAssist(GeminiAccount& account, relay_host_request_t* req,
                      const relay_request_view_t& request, const GeminiCall& call,
                      relay_error_t* err) {
  bool generates = call.method == "generateContent" || call.method == "streamGenerateContent";
  AccountSnapshot state = account.snapshot();  // one snapshot: a refresh may land meanwhile
  if (!account.tokenUsable(nowMs()) || (generates && !call.code_assist && state.project.empty()))
    return RELAY_PREPARE_NEED_CREDENTIALS;
  account.notePassThrough(req, call.code_assist);
  std::string url =
      account.config().api_url +
      (call.operation.empty() ? "/v1internal:" + call.method : "/v1internal/" + call.operation);
  std::string query = forwardedQuery(toView(request.query));
  if (!query.empty()) url += "?" + query;
  std::string_view body = toView(request.body);
  std::string wrapped;
  if (!call.code_assist && generates) {
    wrapped = codeAssistEnvelope(call.model, state.project, promptId(), body);
  } else if (!call.code_assist && call.method == "countTokens") {
    std::optional<std::string> count = codeAssistCountTokens(call.model, body);
    if (!count) return rejectPrepare(err, 400, "gemini: countTokens expects a JSON object");
    wrapped = std::move(*count);
  } else if (!call.code_assist) {
    return rejectPrepare(err, 404,
                         "gemini: " + call.method + " is not served by Code Assist accounts");
  }
  bool ok = send(req, toView(request.method), url) && addClientHeaders(req, request) &&
            addUpstreamHeader(req, "authorization", "Bearer " + state.access_token) &&
            (wrapped.empty() || host()->set_body(req, toSlice(wrapped)) == RELAY_OK);
  return ok ? RELAY_PREPARE_READY : rejectPrepare(err, 500, account.label() + ": the host refused");
}

}  // namespace

int prepareRequest(GeminiAccount& account, relay_host_request_t* req,
                   const relay_request_view_t& request, relay_error_t* err) {
  GeminiCall call = clientCall(request);
  if (call.model.empty() && !call.code_assist)
    return rejectPrepare(err, 400, "gemini: the request names no model");
  if (!account.config().oauth) return preparePublic(account, req, request, call, err);
  return prepareCodeAssist(account, req, request, call, err);
}

}  // namespace relay::gemini
