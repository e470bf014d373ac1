#include "core/formats/client_key.h"

namespace relay::formats {

std::string_view clientKey(const Request& req, std::string* decoded, KeyPlace* place) {
  KeyPlace unused;
  KeyPlace& at = place != nullptr ? *place : unused;
  at = KeyPlace::kXApiKey;
  if (const auto* v = req.headers.find("x-api-key")) return *v;
  if (const auto* v = req.headers.find("authorization")) {
    std::string_view s = *v;
    if (s.size() > 7 && equalsIgnoreCase(s.substr(0, 7), "bearer ")) {
      s.remove_prefix(7);
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      at = KeyPlace::kBearer;
      return s;
    }
  }
  at = KeyPlace::kXGoogApiKey;
  if (const auto* v = req.headers.find("x-goog-api-key")) return *v;
  *decoded = req.queryParam("key");
  at = decoded->empty() ? KeyPlace::kNone : KeyPlace::kQuery;
  return *decoded;
}

void removeClientKeyHeaders(Headers& headers) {
  headers.removeIf([](const Header& h) { return isClientKeyHeader(h.name); });
}

std::string_view clientKeyPlaces() {
  return "x-api-key, Authorization: Bearer, x-goog-api-key or ?key=";
}

}  // namespace relay::formats
