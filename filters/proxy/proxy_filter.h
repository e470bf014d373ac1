// `proxy`: forwards the request as-is to a fixed upstream URL and streams the answer back
// (a plain reverse-proxy route; provider routes use `upstream` instead).
//   - proxy:
//       url: "https://api.example.com/base"  # required, http:// or https://
//       strip_prefix: true                  # drop the route's prefix from the path
//       ca_file: /etc/relay/extra-ca.pem     # extra CA trusted for this upstream
//       name: example                       # names this upstream in error messages
//       proxy: {type: socks5|http, host: h, port: 1080, username: u, password: p}
// Failures before the response headers answer 502 (504 for timeouts) in the route's wire format
// with the upstream client's attributed message (never a password).
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildProxyFilter(const FilterSpec& spec, const ServerContext& server,
                                                std::string* error);

}  // namespace relay
