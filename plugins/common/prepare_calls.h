// What a plugin's prepare hook does alike while it builds the upstream request: refusing the
// request, adding a header to the upstream request, and forwarding the client's query.
#ifndef RELAY_PLUGINS_COMMON_PREPARE_CALLS_H
#define RELAY_PLUGINS_COMMON_PREPARE_CALLS_H

#include <cstdint>
#include <string>
#include <string_view>

#include "hook_wrappers.h"
#include "host_calls.h"
#include "relay_plugin.h"

namespace relay::plugin_common {

// Fills err (status, message) and returns RELAY_PREPARE_REJECT, prepare's answer for it.
inline int rejectPrepare(relay_error_t* err, int32_t status, std::string_view message) {
  fillError(err, status, message);
  return RELAY_PREPARE_REJECT;
}

// host->add_header on the upstream request; false when the host refuses it.
inline bool addUpstreamHeader(relay_host_request_t* req, std::string_view name,
                              std::string_view value) {
  return host()->add_header(req, toSlice(name), toSlice(value)) == RELAY_OK;
}

// The client's query without a relay key (`key=`); empty when nothing is left.
std::string forwardedQuery(std::string_view query);

}  // namespace relay::plugin_common

#endif
