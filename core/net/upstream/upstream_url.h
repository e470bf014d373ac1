// The parts of an http:// or https:// URL the client needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay {

class HeadWriter;

struct UpstreamUrl {
  bool tls = true;
  std::string host;  // without IPv6 brackets
  uint16_t port = 443;
  std::string path;  // path plus "?query", never empty ("/" at least)

  // "host", "host:port" (non-default port), "[v6]:port".
  std::string authority() const;
  // The same, written where a head is being built, in room for host.size() + kAuthorityExtra.
  static constexpr size_t kAuthorityExtra = 8;  // "[", "]", ":" and five digits
  void writeAuthority(HeadWriter& w) const;
  // scheme://authority/path without the query: safe to put into error messages.
  std::string redacted() const;
};

// Returns nullopt and fills `error` for anything but a well-formed http(s) URL.
std::optional<UpstreamUrl> parseUpstreamUrl(std::string_view url, std::string* error);

}  // namespace relay
