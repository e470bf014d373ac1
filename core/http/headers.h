// An ordered, case-insensitive header list. Names keep the case they arrived with.
#pragma once

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

}  // namespace relay
