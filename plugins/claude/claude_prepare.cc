#include "claude_prepare.h"

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "claude_identity.h"
#include "claude_upstream_request.h"
#include "host_api.h"
#include "prepare_calls.h"

namespace relay::claude {

namespace {

// Client headers on the allowlist, then anthropic-version and anthropic-beta.
bool addClientHeaders(relay_host_request_t* req, const relay_request_view_t& request, bool oauth) {
  bool has_version = false, has_content_type = false;
  std::vector<std::string_view> betas;
  for (size_t i = 0; i < request.header_count; ++i) {
    std::string_view name = toView(request.headers[i].name);
    std::string_view value = toView(request.headers[i].value);
    if (equalsIgnoreCase(name, "anthropic-beta")) {
      if (oauth) betas.push_back(value);  // only an OAuth request rewrites the list
      if (!oauth && !addUpstreamHeader(req, name, value)) return false;
      continue;
    }
    bool is_version = equalsIgnoreCase(name, "anthropic-version");
    if (!is_version && !isForwardedHeader(name)) continue;
    has_version = has_version || is_version;
    has_content_type = has_content_type || equalsIgnoreCase(name, "content-type");
    if (!addUpstreamHeader(req, name, value)) return false;
  }
  if (!has_version && !addUpstreamHeader(req, "anthropic-version", kDefaultAnthropicVersion))
    return false;
  if (!has_content_type && request.body.len > 0 &&
      !addUpstreamHeader(req, "content-type", "application/json"))
    return false;
  return !oauth || addUpstreamHeader(req, "anthropic-beta", oauthBetaList(betas));
}

// Out of line, as the other OAuth-only steps and the refusals below: an API-key request runs
// none of them, and inlined they spread its code over more cache lines.
[[gnu::noinline]] bool addBearer(relay_host_request_t* req, const std::string& access_token) {
  return addUpstreamHeader(req, "authorization", "Bearer " + access_token);
}

bool addCredentials(relay_host_request_t* req, const ClaudeAccount& account,
                    const std::string& access_token) {
  if (!account.config().oauth) return addUpstreamHeader(req, "x-api-key", account.config().api_key);
  return addBearer(req, access_token);
}

// OAuth tokens are refused without the identity line; Claude Code's own bodies stay untouched.
// A body the rewrite refuses (too deep, a number out of range) fails with *refusal set.
[[gnu::noinline]] bool addIdentityIfNeeded(relay_host_request_t* req,
                                           const relay_request_view_t& request,
                                           std::string_view upstream_path, std::string* refusal) {
  if (upstream_path.substr(0, 12) != "/v1/messages" || request.body.len == 0) return true;
  if (isClaudeCodeClient(request.headers, request.header_count)) return true;
  std::optional<std::string> body = withIdentityBlock(toView(request.body), refusal);
  if (!body) return refusal->empty();
  return host()->set_body(req, toSlice(*body)) == RELAY_OK;
}

[[gnu::noinline]] std::string& urlBuffer() {
  thread_local std::string url;
  return url;
}

[[gnu::cold, gnu::noinline]] int noEndpoint(relay_error_t* err, const relay_slice_t& path) {
  return rejectPrepare(err, 404, "claude: no upstream endpoint for " + std::string(toView(path)));
}

[[gnu::cold, gnu::noinline]] int refused(relay_error_t* err, const ClaudeAccount& account,
                                         const std::string& refusal) {
  if (!refusal.empty()) return rejectPrepare(err, 400, refusal);
  return rejectPrepare(err, 500, account.label() + ": the host refused the upstream request");
}

}  // namespace

int prepareRequest(const ClaudeAccount& account, relay_host_request_t* req,
                   const relay_request_view_t& request, relay_error_t* err) {
  std::optional<std::string> path =
      upstreamPath(toView(request.path), toView(request.client_format));
  if (!path) return noEndpoint(err, request.path);
  bool oauth = account.config().oauth;
  std::string access_token;
  if (oauth) {
    access_token = account.requestToken(nowMs());  // one snapshot: a refresh may land meanwhile
    if (access_token.empty()) return RELAY_PREPARE_NEED_CREDENTIALS;
  }
  std::string query = forwardedQuery(toView(request.query));
  // Built in this thread's buffer (the host copies it): no allocation per request once warm.
  // Sized once and copied into: each append inlined its own growth path and, in a plugin, its
  // own look-up of the thread-local buffer (__tls_get_addr).
  std::string& url = urlBuffer();
  const std::string& base = account.config().api_url;
  url.resize(base.size() + path->size() + (query.empty() ? 0 : 1 + query.size()));
  char* at = url.data();
  std::memcpy(at, base.data(), base.size());
  at += base.size();
  std::memcpy(at, path->data(), path->size());
  at += path->size();
  if (!query.empty()) {
    *at++ = '?';
    std::memcpy(at, query.data(), query.size());
  }
  std::string_view method = toView(request.method);
  if (method.empty()) method = "POST";
  const relay_host_t* h = host();
  std::string refusal;
  bool ok = h->set_upstream(req, toSlice(method), toSlice(url)) == RELAY_OK &&
            addClientHeaders(req, request, oauth) && addCredentials(req, account, access_token) &&
            (!oauth || addIdentityIfNeeded(req, request, *path, &refusal));
  if (!ok || !refusal.empty()) return refused(err, account, refusal);
  return RELAY_PREPARE_READY;
}

}  // namespace relay::claude
