// Which client TLS contexts the configuration's https upstreams will need, so that the server
// builds them at start-up on a background thread rather than when the first https connection
// waits for them (core/net/connect/tls_context.h). A relay whose upstreams are all plain HTTP
// needs none and builds none (OpenSSL's TLS side and the system CA store cost megabytes).
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"

namespace relay {

// The CA files (empty string: the system store only) of the contexts the configuration's https
// upstreams use: accounts whose api_url is https or the provider's default (real providers are
// all https), accounts or filters that name an https URL anywhere (token endpoints, the proxy
// filter's url). Empty when nothing is https.
std::vector<std::string> httpsUpstreamCaFiles(const Config& config);

}  // namespace relay
