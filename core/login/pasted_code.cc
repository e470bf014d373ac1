#include "core/login/pasted_code.h"

#include <cctype>

namespace relay {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string percentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// The value of name in a query string (without '?'), percent-decoded.
std::optional<std::string> queryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return percentDecode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<PastedCode> parsePastedCode(std::string_view line) {
  line = trim(line);
  PastedCode out;
  size_t q = line.find('?');
  if (line.starts_with("http") && q != std::string_view::npos) {  // the whole redirect URL
    std::string_view query = line.substr(q + 1);
    query = query.substr(0, query.find('#'));
    auto code = queryValue(query, "code");
    if (!code || code->empty()) return std::nullopt;
    out.code = *code;
    out.state = queryValue(query, "state");
    return out;
  }
  size_t hash = line.find('#');
  out.code = std::string(trim(line.substr(0, hash)));
  if (hash != std::string_view::npos) out.state = std::string(trim(line.substr(hash + 1)));
  if (out.code.empty()) return std::nullopt;
  return out;
}

}  // namespace relay
