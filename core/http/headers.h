// An ordered, case-insensitive header list. Names keep the case they arrived with.
#pragma once

#include <cstdint>
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

inline bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         sameLengthEqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// Drops the spaces and tabs that end a header value as read (optional whitespace, not part of the
// value: RFC 9110, 5.5). Inline: a value usually ends in neither, one comparison.
inline void trimTrailingWhitespace(std::string& value) {
  size_t n = value.size();
  while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t')) --n;
  if (n != value.size()) value.resize(n);
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
  // Removes every header `pred(const Header&)` holds for, in one pass, keeping the order. Only
  // the predicate's loop is inlined: the compaction (moves of two strings per kept header, which
  // made each caller kilobytes of code) is one out-of-line function shared by every caller.
  template <class Pred>
  void removeIf(Pred pred) {
    if (list_.size() > 64) {  // more than a mask holds: rare, and slower only by a call per header
      removeWhere([](const Header& h, void* p) { return (*static_cast<Pred*>(p))(h); }, &pred);
      return;
    }
    uint64_t drop = 0;
    for (size_t i = 0; i < list_.size(); ++i)
      if (pred(list_[i])) drop |= uint64_t{1} << i;
    if (drop != 0) removeMarked(drop);
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
  // Removes the headers whose bit (1 << index) is set in `drop`.
  void removeMarked(uint64_t drop);
  void removeWhere(bool (*pred)(const Header&, void*), void* context);

  std::vector<Header> list_;
};

// True for headers that describe one connection only and must not be forwarded.
bool isHopByHopHeader(std::string_view name);

}  // namespace relay
