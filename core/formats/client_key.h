// Where a client of each wire format puts its API key (PROTOCOLS.md part B "Relay key"):
// x-api-key, Authorization: Bearer, x-goog-api-key or the ?key= query parameter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/request.h"

namespace relay::formats {

// Where the key was found.
enum class KeyPlace : uint8_t { kNone, kXApiKey, kBearer, kXGoogApiKey, kQuery };

// The key the client presented, from the first of those places that holds one; empty if none.
// Every place is read whatever the route's format, so a client may use any of them. A view into
// the request's header, or into *decoded for ?key= (percent-decoded there): the key is not
// copied per request (a long one allocated every time). *place (if given): where it was found.
std::string_view clientKey(const Request& req, std::string* decoded, KeyPlace* place = nullptr);
// True for a header a client key may travel in (any case). Inline: the auth filter asks it of
// every request header.
inline bool isClientKeyHeader(std::string_view name) {
  // The length rules out most names without reading a byte.
  switch (name.size()) {
    case 9:
      return equalsIgnoreCase(name, "x-api-key");
    case 13:
      return equalsIgnoreCase(name, "authorization");
    case 14:
      return equalsIgnoreCase(name, "x-goog-api-key");
    default:
      return false;
  }
}
// Removes every header a client key may travel in, so it never goes further (one pass).
void removeClientKeyHeaders(Headers& headers);
// The places, worded for an error message: "x-api-key, Authorization: Bearer, ...".
std::string_view clientKeyPlaces();

}  // namespace relay::formats
