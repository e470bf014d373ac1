// The model family a rate limit applies to: Anthropic limits Opus and Sonnet separately.
#pragma once

#include <string_view>

namespace relay {

// "opus", "sonnet" or "haiku" when the model name contains it (case-sensitive, as the APIs
// spell them), else "".
std::string_view modelFamily(std::string_view model);

}  // namespace relay
