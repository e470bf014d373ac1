// An ordered, case-insensitive header list. Names keep the case they arrived with.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace relay {

// Same-length bytes equal up to ASCII case (lib/ascii, eight bytes at a time); use
// equalsIgnoreCase.
bool sameLengthEqualsIgnoreCase(std::string_view a, std::string_view b);

// Inline so that the common mismatch (a header name of another length) costs no call: lookups
// compare every header name to the one sought.
inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sameLengthEqualsIgnoreCase(a, b);
}

struct Header {
  std::string name;
  std::string value;
  // The name is a token and the value holds no CR, LF or NUL, as read by a parser that enforces
  // both (the client connection's): the upstream head need not scan it again. Set only where
  // that holds; anything added or rewritten (by a filter or a plugin) is checked when sent.
  bool verified = false;
};

class Headers {
 public:
  void add(std::string_view name, std::string_view value);
  // Replaces every header of that name with one.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  // Removes every header `pred(const Header&)` holds for, in one pass, keeping the order.
  template <class Pred>
  void removeIf(Pred pred) {
    std::erase_if(list_, pred);
  }
  // First value of that name, or nullptr.
  const std::string* find(std::string_view name) const;
  size_t count(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  const std::vector<Header>& all() const { return list_; }
  std::vector<Header>& all() { return list_; }
  size_t size() const { return list_.size(); }
  void clear() { list_.clear(); }

 private:
  std::vector<Header> list_;
};

// True for headers that describe one connection only and must not be forwarded.
bool isHopByHopHeader(std::string_view name);

// Appends "name: value\r\n" for every header `skip(const Header&)` is false for, written in place
// into room made once for all of them (an append per piece costs a capacity check and a call
// each, a dozen headers times four), then cut to what was written.
template <class Skip>
void appendHeaderLines(std::string& out, const Headers& headers, Skip skip) {
  size_t room = 0;
  for (const Header& h : headers.all()) room += h.name.size() + h.value.size() + 4;
  size_t at = out.size();
  out.resize(at + room);
  char* p = out.data() + at;
  for (const Header& h : headers.all()) {
    if (skip(h)) continue;
    std::memcpy(p, h.name.data(), h.name.size());
    p += h.name.size();
    *p++ = ':';
    *p++ = ' ';
    std::memcpy(p, h.value.data(), h.value.size());
    p += h.value.size();
    *p++ = '\r';
    *p++ = '\n';
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

}  // namespace relay
