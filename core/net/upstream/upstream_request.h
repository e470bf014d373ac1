// What a provider plugin asks the upstream client to send.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config/config.h"
#include "core/http/headers.h"

namespace relay {

struct UpstreamTimeouts {
  int connect_ms = 10000;
  int tls_handshake_ms = 10000;      // TLS and proxy handshakes
  int response_headers_ms = 600000;  // from send() until the response status line / HEADERS
  int body_idle_ms = 300000;         // longest silence between two body chunks
};

struct UpstreamRequest {
  std::string method = "GET";
  std::string url;  // http://host[:port]/path?query or https://...
  Headers headers;  // hop-by-hop headers, Host and Accept-Encoding are replaced by the client
  std::string body;
  // Instead of `body` when set: bytes the caller keeps unchanged until the call completes or is
  // destroyed (the client's request body, which outlives its exchange), so they are not copied.
  std::optional<std::string_view> body_ref;
  std::optional<ProxyConfig> proxy;
  std::string ca_file;  // extra CA (PEM) trusted for this upstream
  UpstreamTimeouts timeouts;
  std::string account_id;  // for error attribution only

  std::string_view bodyBytes() const { return body_ref ? *body_ref : std::string_view(body); }

  // Back to a default-constructed request, keeping the strings' memory: cheaper than assigning
  // UpstreamRequest{} (a string move per field) for an exchange that prepares a request per
  // attempt. The binding names every member, so a member added above without a line here does
  // not compile.
  void reset() {
    auto& [m, u, h, b, b_ref, p, ca, t, account] = *this;
    m.assign("GET");
    u.clear();
    h.clear();
    b.clear();
    b_ref.reset();
    p.reset();
    ca.clear();
    t = UpstreamTimeouts{};
    account.clear();
  }
};

}  // namespace relay
