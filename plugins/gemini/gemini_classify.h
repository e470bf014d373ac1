// GeminiErrorClassifier: Google's answers (PROTOCOLS.md C5.1 errors) mapped onto the failover
// actions and failure classes of part B.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_CLASSIFY_H
#define RELAY_PLUGINS_GEMINI_GEMINI_CLASSIFY_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "relay_plugin.h"

namespace relay::gemini {

inline constexpr uint64_t kUnauthorizedCooldownMs = 30 * 60 * 1000;
inline constexpr uint64_t kPermanentCooldownMs = 60 * 60 * 1000;
inline constexpr uint64_t kRateLimitFallbackMs = 60 * 1000;  // 429 without a RetryInfo
inline constexpr uint64_t kServerErrorCooldownMs = 60 * 1000;

struct GeminiAnswer {
  int32_t status = 0;  // 0 = transport failure
  std::string_view body_prefix;
  std::string_view model;    // the model the request named (the family of a per-model quota)
  std::string_view method;   // generateContent, countTokens, ...
  bool can_refresh = false;  // an OAuth account with a refresh token
  bool after_forced_refresh = false;
};

// "51.8s" -> 51800 ms.
std::optional<uint64_t> parseRetryDelay(std::string_view delay);

// Fills kind, ms, family, reason and (when struct_size covers it) failure_class.
void classifyGeminiAnswer(const GeminiAnswer& answer, relay_action_t* out);

}  // namespace relay::gemini

#endif
