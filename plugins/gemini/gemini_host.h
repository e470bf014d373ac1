// The host table the Gemini plugin was initialised with, and small helpers around the C types.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_HOST_H
#define RELAY_PLUGINS_GEMINI_GEMINI_HOST_H

#include <cstdint>
#include <string>
#include <string_view>

#include "relay_plugin.h"

namespace relay::gemini {

// Set once by relay_plugin_init; valid until unload returns.
void setHost(const relay_host_t* host);
const relay_host_t* host();

inline relay_slice_t toSlice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}
inline std::string_view toView(relay_slice_t s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view();
}

// Logs "gemini: <message>" when the host offers a log callback.
void logLine(uint32_t level, std::string_view message);
// Unix milliseconds from the host clock (falls back to the system clock).
int64_t nowMs();

bool equalsIgnoreCase(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);
// The value of the first header named name (case-insensitive), or empty.
std::string_view headerValue(const relay_header_t* headers, size_t count, std::string_view name);
// Copies text into a fixed C buffer, truncating and NUL-terminating.
void copyText(char* out, size_t capacity, std::string_view text);
// s as a JSON string literal, quotes included.
std::string jsonString(std::string_view s);

}  // namespace relay::gemini

#endif
