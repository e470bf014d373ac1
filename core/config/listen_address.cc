#include "core/config/listen_address.h"

#include <charconv>

namespace relay {

std::optional<ListenAddress> parseListenAddress(const std::string& text, std::string* error) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    *error = "expected HOST:PORT (e.g. 127.0.0.1:3000, [::1]:0), got \"" + text + "\"";
    return std::nullopt;
  }
  ListenAddress out;
  out.host = text.substr(0, colon);
  if (out.host.front() == '[') {
    if (out.host.size() < 3 || out.host.back() != ']') {
      *error = "unbalanced brackets in \"" + text + "\"";
      return std::nullopt;
    }
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    *error = "write an IPv6 host in brackets: [" + out.host + "]:PORT";
    return std::nullopt;
  }
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port > 65535) {
    *error = "port must be a number from 0 to 65535, got \"" + std::string(begin, end) + "\"";
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

}  // namespace relay
