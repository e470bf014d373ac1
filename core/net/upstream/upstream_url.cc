#include "core/net/upstream/upstream_url.h"

#include <charconv>

namespace relay {

std::string UpstreamUrl::authority() const {
  std::string out;
  appendAuthority(out);
  return out;
}

void UpstreamUrl::appendAuthority(std::string& out) const {
  // Appends only: GCC 12 at -O3 reports a false -Wrestrict on `"[" + host` (GCC bug 105329).
  if (host.find(':') != std::string::npos) {
    out.append(1, '[').append(host).append(1, ']');
  } else {
    out.append(host);
  }
  if (port != (tls ? 443 : 80)) {
    char digits[8];
    size_t n = 0;
    for (unsigned p = port; p != 0 || n == 0; p /= 10)
      digits[n++] = static_cast<char>('0' + p % 10);
    out.append(1, ':');
    while (n > 0) out.append(1, digits[--n]);
  }
}

std::string UpstreamUrl::redacted() const {
  std::string_view p = path;
  p = p.substr(0, p.find('?'));
  return std::string(tls ? "https://" : "http://") + authority() + std::string(p);
}

namespace {

bool fail(std::string* error, const char* why) {
  if (error != nullptr) *error = why;
  return false;
}

// Splits "host[:port]" or "[v6][:port]".
bool parseAuthority(std::string_view auth, UpstreamUrl& out, std::string* error) {
  if (auth.find('@') != std::string_view::npos)
    return fail(error, "credentials in the URL are not supported");
  std::string_view port_text;
  if (!auth.empty() && auth.front() == '[') {
    size_t close = auth.find(']');
    if (close == std::string_view::npos) return fail(error, "unterminated IPv6 literal");
    out.host = std::string(auth.substr(1, close - 1));
    std::string_view rest = auth.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(error, "garbage after IPv6 literal");
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = auth.rfind(':');
    out.host = std::string(auth.substr(0, colon));
    if (colon != std::string_view::npos) port_text = auth.substr(colon + 1);
  }
  if (out.host.empty()) return fail(error, "missing host");
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return fail(error, "invalid port");
    out.port = static_cast<uint16_t>(value);
  }
  return true;
}

}  // namespace

std::optional<UpstreamUrl> parseUpstreamUrl(std::string_view url, std::string* error) {
  UpstreamUrl out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    out.tls = false;
    out.port = 80;
    rest = url.substr(7);
  } else {
    fail(error, "URL must start with http:// or https://");
    return std::nullopt;
  }
  for (char c : rest) {
    // A space or control character would split or end the request line it is written into.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      fail(error, "URL contains a space or control character");
      return std::nullopt;
    }
  }
  size_t path_start = rest.find_first_of("/?#");
  if (!parseAuthority(rest.substr(0, path_start), out, error)) return std::nullopt;
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  path = path.substr(0, path.find('#'));
  out.path.clear();
  if (path.empty() || path.front() != '/') out.path.push_back('/');
  out.path.append(path);
  return out;
}

}  // namespace relay
