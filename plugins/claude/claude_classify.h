// ClaudeErrorClassifier: the error table of PROTOCOLS.md part B as a relay_action_t.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_CLASSIFY_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_CLASSIFY_H

#include <cstdint>
#include <string>
#include <string_view>

#include "relay_plugin.h"

namespace relay::claude {

inline constexpr uint64_t kUnauthorizedCooldownMs = 30 * 60 * 1000;
inline constexpr uint64_t kBillingCooldownMs = 60 * 60 * 1000;
// An announced reset (unified reset, retry-after) is honoured this far ahead: weekly limits are
// real. A 429 that announces none proposes no rest (0); the host's rate_limit_max applies.
inline constexpr uint64_t kMaxResetMs = 8ULL * 24 * 3600 * 1000;
inline constexpr uint64_t kMaxWaitMs = 10 * 1000;  // failover.max_wait_seconds default
inline constexpr uint64_t kFamilyLimitFallbackMs = 60 * 60 * 1000;  // no reset time given
inline constexpr uint64_t kOverloadedCooldownMs = 5 * 60 * 1000;
inline constexpr uint64_t kServerErrorCooldownMs = 60 * 1000;

struct UpstreamAnswer {
  int32_t status = 0;  // 0 = transport failure
  const relay_header_t* headers = nullptr;
  size_t header_count = 0;
  std::string_view body_prefix;
  std::string_view model;
  int64_t now_ms = 0;
};

// "opus", "sonnet" or "haiku" when the model name contains it, else "".
std::string modelFamily(std::string_view model);

// Fills kind, ms, family and reason of out (struct_size is the host's).
void classifyAnswer(const UpstreamAnswer& answer, relay_action_t* out);

// What classify_answer (ABI 1.1) adds to the table above for one request and answer.
struct AnswerContext {
  std::string_view path;              // the client path the request came on
  bool can_refresh = false;           // the account has a refresh token
  bool after_forced_refresh = false;  // this attempt followed REFRESH_AND_RETRY
};

// The 1.1 decision: token-count calls never touch the account (PASS_THROUGH on errors), a 401
// asks for one forced refresh when the account can refresh, a success carries the 5-hour
// window's warning as the account's note, and every failure gets its class. Writes the 1.1
// fields only when out->struct_size covers them.
void classifyAnswer11(const UpstreamAnswer& answer, const AnswerContext& ctx, relay_action_t* out);

}  // namespace relay::claude

#endif
