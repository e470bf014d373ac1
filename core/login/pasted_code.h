// The line a user pastes back after signing in: "code#state" (as some providers' pages show
// it), the bare code, or the whole redirect URL (...?code=...&state=...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay {

struct PastedCode {
  std::string code;
  std::optional<std::string> state;  // absent when the page showed only the code
};

// nullopt when the line holds no code.
std::optional<PastedCode> parsePastedCode(std::string_view line);

}  // namespace relay
