#include "core/http/headers.h"

#include <algorithm>
#include <array>

namespace relay {

namespace {
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

void Headers::add(std::string_view name, std::string_view value) {
  // A request or answer usually carries 5-20 headers: one allocation instead of five regrowths.
  if (list_.capacity() == 0) list_.reserve(16);
  list_.emplace_back(Header{std::string(name), std::string(value)});
}

void Headers::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

void Headers::remove(std::string_view name) {
  std::erase_if(list_, [&](const Header& h) { return equalsIgnoreCase(h.name, name); });
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
  static constexpr std::array<std::string_view, 9> kHopByHop = {
      "connection",          "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te",         "trailer",
      "transfer-encoding",   "upgrade",    "proxy-connection"};
  for (auto h : kHopByHop)
    if (equalsIgnoreCase(h, name)) return true;
  return false;
}

}  // namespace relay
