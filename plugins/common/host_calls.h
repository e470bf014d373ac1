// The host table an in-tree plugin was initialised with, and small helpers around the C types.
// Each plugin compiles its own copy (plugins/common), so each has its own host pointer and log
// prefix; a plugin's own header brings these names into its namespace.
#ifndef RELAY_PLUGINS_COMMON_HOST_CALLS_H
#define RELAY_PLUGINS_COMMON_HOST_CALLS_H

#include <cstdint>
#include <string>
#include <string_view>

#include "relay_plugin.h"

namespace relay::plugin_common {

// Set once by relay_plugin_init; valid until unload returns. log_prefix names the plugin in
// its log lines ("claude" logs "claude: ..."); static.
void setHost(const relay_host_t* host, const char* log_prefix);
const relay_host_t* host();
// The log_prefix setHost was given ("plugin" before).
const char* logPrefix();

inline relay_slice_t toSlice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}
inline std::string_view toView(relay_slice_t s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view();
}

// Logs "<prefix>: <message>" when the host offers a log callback.
void logLine(uint32_t level, std::string_view message);
// Unix milliseconds from the host clock (falls back to the system clock).
int64_t nowMs();

// Same-length bytes equal up to ASCII case (lib/ascii, eight bytes at a time); use
// equalsIgnoreCase.
bool sameLengthEqualsIgnoreCase(std::string_view a, std::string_view b);
// Inline so that a name of another length (the usual mismatch in a header scan) costs no call.
inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sameLengthEqualsIgnoreCase(a, b);
}
bool startsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::string toLower(std::string_view s);

// The first header named name (case-insensitive), or nullptr.
const relay_header_t* findHeader(const relay_header_t* headers, size_t count,
                                 std::string_view name);
// Its value, or empty.
std::string_view headerValue(const relay_header_t* headers, size_t count, std::string_view name);

// Percent-encodes all but RFC 3986's unreserved characters (for query strings and form bodies).
std::string percentEncode(std::string_view s);

// host->http_call with a request built from the parts (borrowed for the call); RELAY_ERROR when
// the host lacks the callback or refuses. The answer comes to on_http_done(call_id).
int httpCall(relay_host_account_t* account, std::string_view method, std::string_view url,
             const relay_header_t* headers, size_t header_count, std::string_view body,
             uint64_t call_id);
// host->store_put; false when the host lacks it or refuses.
bool storePut(relay_host_account_t* account, std::string_view key, std::string_view value);
// host->login_done, when the host offers it.
void loginDone(relay_host_account_t* account, int32_t outcome, std::string_view identity,
               std::string_view reason);

// Copies text into a fixed C buffer, truncating and NUL-terminating.
void copyText(char* out, size_t capacity, std::string_view text);
// s as a JSON string literal, quotes included.
std::string jsonString(std::string_view s);

}  // namespace relay::plugin_common

#endif
