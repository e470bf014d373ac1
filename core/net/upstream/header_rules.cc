#include "core/net/upstream/header_rules.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/http/head_writer.h"

namespace relay {

namespace {

// Calls f(token) for each header name listed in a Connection value ("close" and "keep-alive" are
// options, not names), trimmed, without copying: answers and requests carry one on every message.
template <class F>
void forEachConnectionToken(std::string_view conn, F f) {
  auto ows = [](char c) { return c == ' ' || c == '\t'; };
  size_t n = conn.size();
  for (size_t i = 0; i <= n;) {
    size_t end = i;
    while (end < n && conn[end] != ',') ++end;
    size_t first = i, last = end;
    while (first < last && ows(conn[first])) ++first;
    while (last > first && ows(conn[last - 1])) --last;
    std::string_view token = conn.substr(first, last - first);
    if (!token.empty() && !equalsIgnoreCase(token, "close") &&
        !equalsIgnoreCase(token, "keep-alive"))
      f(token);
    i = end + 1;
  }
}

// Whether a Connection value lists a header name (most say only "keep-alive" or "close").
bool listsHeaderNames(std::string_view conn) {
  bool any = false;
  forEachConnectionToken(conn, [&](std::string_view) { any = true; });
  return any;
}

bool listedIn(std::string_view conn, std::string_view name) {
  bool listed = false;
  forEachConnectionToken(conn, [&](std::string_view token) {
    if (equalsIgnoreCase(token, name)) listed = true;
  });
  return listed;
}

// Reads the first Connection header as a removal pass meets it (before the pass moves anything
// over it): most list no header name, and then the pass is the only one.
class ConnectionList {
 public:
  // For a hop-by-hop header the pass removes. Of those, only "connection" and "keep-alive" have
  // ten bytes: the first byte tells them apart without comparing the name again.
  void note(const Header& h) {
    if (seen_ || h.name.size() != 10 || (h.name[0] | 0x20) != 'c') return;
    seen_ = true;
    if (listsHeaderNames(h.value)) names_ = h.value;  // a copy: the header is about to go
  }
  // Removes the headers the Connection header listed (those before it too).
  void removeListed(Headers& headers) const {
    if (names_.empty()) return;
    headers.removeIf([&](const Header& h) { return listedIn(names_, h.name); });
  }

 private:
  bool seen_ = false;
  std::string names_;
};

// RFC 9110 tchar, as a table: header names are checked byte by byte on every request.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool isTokenChar(unsigned char c) {
  return kTokenChars[c];
}

// Every byte looked up without a branch per byte: names are short and almost always tokens.
bool isToken(std::string_view s) {
  bool all = !s.empty();
  for (char c : s) all &= isTokenChar(static_cast<unsigned char>(c));
  return all;
}

// Nonzero when some byte of w is zero.
constexpr uint64_t zeroByte(uint64_t w) {
  return (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
}

// One pass over the value, eight bytes at a time (find_first_of called memchr once per byte).
bool hasLineBreakOrNul(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (zeroByte(w) | zeroByte(w ^ 0x0D0D0D0D0D0D0D0Dull) | zeroByte(w ^ 0x0A0A0A0A0A0A0A0Aull))
      return true;
  }
  for (; i < s.size(); ++i)
    if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') return true;
  return false;
}

}  // namespace

std::string unsafeRequestHead(const std::string& method, const Headers& headers) {
  if (!isToken(method)) return "the method is not an HTTP token";
  for (const Header& h : headers.all()) {
    if (h.verified) continue;  // the client's own, forwarded as the client connection read it
    // Printed names are safe: a token has no control characters.
    if (!isToken(h.name)) return "a header name is not an HTTP token";
    if (hasLineBreakOrNul(h.value))
      return "header '" + h.name + "' has a CR, LF or NUL in its value";
  }
  return {};
}

void cleanRequestHeadersForUpstream(Headers& headers) {
  ConnectionList connection;
  headers.removeIf([&](const Header& h) {
    if (isHopByHopHeader(h.name)) {
      connection.note(h);
      return true;
    }
    return equalsIgnoreCase(h.name, "host") || equalsIgnoreCase(h.name, "content-length") ||
           equalsIgnoreCase(h.name, "accept-encoding") ||
           (!h.name.empty() && h.name.front() == ':');
  });
  connection.removeListed(headers);
  headers.add("accept-encoding", "identity");
}

Headers requestHeadersForUpstream(const Headers& in) {
  Headers out = in;
  cleanRequestHeadersForUpstream(out);
  return out;
}

bool methodHasBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

std::string serializeHttp1Request(const std::string& method, const UpstreamUrl& url,
                                  const Headers& filtered, size_t body_size) {
  std::string out;
  appendHttp1RequestHead(out, method, url, filtered, body_size);
  return out;
}

void appendHttp1RequestHead(std::string& out, const std::string& method, const UpstreamUrl& url,
                            const Headers& filtered, size_t body_size) {
  constexpr size_t kFixedRoom = 1 + 11 + 6 + 2  // " ", " HTTP/1.1\r\n", "host: ", CRLF
                                + 16 + 20 + 2   // content-length
                                + 2;            // the blank line
  HeadWriter w(out, kFixedRoom + method.size() + url.path.size() + url.host.size() +
                        UpstreamUrl::kAuthorityExtra + HeadWriter::lineRoom(filtered));
  w.put(method).put(' ').put(url.path).put(" HTTP/1.1\r\nhost: ");
  url.writeAuthority(w);
  w.put("\r\n").headerLines(filtered, [](const Header&) { return false; });
  if (body_size > 0 || methodHasBody(method))
    w.put("content-length: ").number(body_size).put("\r\n");
  w.put("\r\n").finish();
}

void stripResponseHopByHop(Headers& headers) {
  ConnectionList connection;
  headers.removeIf([&](const Header& h) {
    if (!isHopByHopHeader(h.name)) return false;
    connection.note(h);
    return true;
  });
  connection.removeListed(headers);
}

}  // namespace relay
