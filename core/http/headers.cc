#include "core/http/headers.h"

#include <algorithm>

#include "ascii/equals_ignore_case.h"
#include "core/http/header_list_pool.h"

namespace relay {

bool sameLengthEqualsIgnoreCase(std::string_view a, std::string_view b) {
  return ascii::sameLengthEqualsIgnoreCase(a.data(), b.data(), a.size());
}

void Headers::add(std::string_view name, std::string_view value) {
  Header& h = HeaderSpares::append(list_);
  h.name.assign(name);
  h.value.assign(value);
}

void Headers::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

void Headers::remove(std::string_view name) {
  removeIf([&](const Header& h) { return equalsIgnoreCase(h.name, name); });
}

// Moved, as std::erase_if moves: a kept header takes the removed one's place, and where both
// strings hold memory the removed one's stays behind in the list's tail, which goes to the
// thread's spare headers (HeaderSpares) rather than back to the heap.
void Headers::removeMarked(uint64_t drop) {
  auto kept = list_.begin();
  for (auto it = list_.begin(); it != list_.end(); ++it, drop >>= 1) {
    if ((drop & 1) != 0) continue;
    if (kept != it) *kept = std::move(*it);
    ++kept;
  }
  HeaderSpares::keepTail(list_, static_cast<size_t>(kept - list_.begin()));
}

void Headers::removeWhere(bool (*pred)(const Header&, void*), void* context) {
  auto kept =
      std::remove_if(list_.begin(), list_.end(), [&](const Header& h) { return pred(h, context); });
  HeaderSpares::keepTail(list_, static_cast<size_t>(kept - list_.begin()));
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& h : list_)
    if (equalsIgnoreCase(h.name, name)) return &h.value;
  return nullptr;
}

size_t Headers::count(std::string_view name) const {
  return static_cast<size_t>(std::count_if(
      list_.begin(), list_.end(), [&](const Header& h) { return equalsIgnoreCase(h.name, name); }));
}

bool isHopByHopHeader(std::string_view name) {
  // Most names are ruled out by their length alone, without reading a byte.
  switch (name.size()) {
    case 2:
      return equalsIgnoreCase(name, "te");
    case 7:
      return equalsIgnoreCase(name, "trailer") || equalsIgnoreCase(name, "upgrade");
    case 10:
      return equalsIgnoreCase(name, "connection") || equalsIgnoreCase(name, "keep-alive");
    case 16:
      return equalsIgnoreCase(name, "proxy-connection");
    case 17:
      return equalsIgnoreCase(name, "transfer-encoding");
    case 18:
      return equalsIgnoreCase(name, "proxy-authenticate");
    case 19:
      return equalsIgnoreCase(name, "proxy-authorization");
    default:
      return false;
  }
}

}  // namespace relay
