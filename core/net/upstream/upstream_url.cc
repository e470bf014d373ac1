#include "core/net/upstream/upstream_url.h"

#include <charconv>

#include "core/http/head_writer.h"

namespace relay {

std::string UpstreamUrl::authority() const {
  std::string out;
  HeadWriter w(out, host.size() + kAuthorityExtra);
  writeAuthority(w);
  w.finish();
  return out;
}

void UpstreamUrl::writeAuthority(HeadWriter& w) const {
  bool v6 = host.find(':') != std::string::npos;
  if (v6) w.put('[');
  w.put(host);
  if (v6) w.put(']');
  if (port != (tls ? 443 : 80)) w.put(':').number(port);
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
