#include "claude_classify.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <optional>

#include "host_api.h"

namespace relay::claude {

namespace {

void setAction(relay_action_t* out, relay_action_kind_t kind, uint64_t ms, std::string_view reason,
               std::string_view family = {}) {
  out->kind = kind;
  out->ms = ms;
  copyText(out->family, sizeof(out->family), family);
  copyText(out->reason, sizeof(out->reason), reason);
}

std::string_view headerValue(const UpstreamAnswer& a, std::string_view name) {
  const relay_header_t* h = findHeader(a.headers, a.header_count, name);
  return h ? toView(h->value) : std::string_view();
}

// A non-negative decimal number (seconds may carry a fraction), or nullopt.
std::optional<double> parseNumber(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || v < 0) return std::nullopt;
  return v;
}

// retry-after-ms (SDK extension) wins over retry-after (seconds).
std::optional<uint64_t> retryAfterMs(const UpstreamAnswer& a) {
  if (auto ms = parseNumber(headerValue(a, "retry-after-ms"))) return static_cast<uint64_t>(*ms);
  if (auto s = parseNumber(headerValue(a, "retry-after")))
    return static_cast<uint64_t>(*s * 1000.0);
  return std::nullopt;
}

// Milliseconds from now until the unified reset (unix seconds), or nullopt without the header.
std::optional<uint64_t> unifiedResetMs(const UpstreamAnswer& a) {
  auto seconds = parseNumber(headerValue(a, "anthropic-ratelimit-unified-reset"));
  if (!seconds) return std::nullopt;
  int64_t until = static_cast<int64_t>(*seconds) * 1000 - a.now_ms;
  return until > 0 ? static_cast<uint64_t>(until) : 1000;  // already past: a short pause
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool bodyNamesWeeklyOpusLimit(const std::string& lower_body) {
  return contains(lower_body, "opus") && contains(lower_body, "limit") &&
         (contains(lower_body, "weekly") || contains(lower_body, "week") ||
          contains(lower_body, "seven_day") || contains(lower_body, "7-day"));
}

void classifyRateLimit(const UpstreamAnswer& a, const std::string& lower_body,
                       relay_action_t* out) {
  std::string_view claim = headerValue(a, "anthropic-ratelimit-unified-representative-claim");
  std::string claim_family = claim == "seven_day_opus"     ? "opus"
                             : claim == "seven_day_sonnet" ? "sonnet"
                                                           : "";
  bool rejected = headerValue(a, "anthropic-ratelimit-unified-status") == "rejected";
  std::optional<uint64_t> reset = unifiedResetMs(a);
  std::optional<uint64_t> retry = retryAfterMs(a);
  bool weekly_opus = bodyNamesWeeklyOpusLimit(lower_body);
  if (((rejected || reset) && !claim_family.empty()) || weekly_opus) {
    std::string family = claim_family.empty() ? modelFamily(a.model) : claim_family;
    if (family.empty()) family = "opus";  // only the weekly-Opus body gets here
    uint64_t ms = std::min(reset ? *reset : retry ? *retry : kFamilyLimitFallbackMs, kMaxResetMs);
    setAction(out, RELAY_ACTION_LIMIT_MODEL_FAMILY, ms, "429 weekly " + family + " limit", family);
  } else if (reset) {
    setAction(out, RELAY_ACTION_COOLDOWN, std::min(*reset, kMaxResetMs),
              "429 rate limited until the unified reset");
  } else if (retry && *retry <= kMaxWaitMs) {
    setAction(out, RELAY_ACTION_RETRY_AFTER, *retry, "429 rate limited, short retry-after");
  } else {
    setAction(out, RELAY_ACTION_COOLDOWN, std::min(retry.value_or(0), kMaxResetMs),
              "429 rate limited");
  }
}

void classifyForbidden(const std::string& lower_body, relay_action_t* out) {
  if (contains(lower_body, "organization has been disabled")) {
    setAction(out, RELAY_ACTION_DISABLE, 0, "403 organization has been disabled");
  } else if (contains(lower_body, "oauth authentication is currently not allowed")) {
    setAction(out, RELAY_ACTION_DISABLE, 0, "403 OAuth authentication is currently not allowed");
  } else {
    setAction(out, RELAY_ACTION_PASS_THROUGH, 0, "403 forbidden");
  }
}

}  // namespace

std::string modelFamily(std::string_view model) {
  std::string lower = toLower(model);
  for (const char* family : {"opus", "sonnet", "haiku"}) {
    if (contains(lower, family)) return family;
  }
  return {};
}

namespace {

// Every answer but a 2xx: out of line, so that the success path (every request) neither builds
// the status text and the lowercased body nor runs through this code.
[[gnu::cold, gnu::noinline]] void classifyFailure(const UpstreamAnswer& a, relay_action_t* out) {
  std::string status = std::to_string(a.status);
  std::string lower_body = toLower(a.body_prefix);
  if (a.status == 0)
    return setAction(out, RELAY_ACTION_COOLDOWN, kServerErrorCooldownMs,
                     "transport failure (status 0)");
  if (a.status == 401)
    return setAction(out, RELAY_ACTION_COOLDOWN, kUnauthorizedCooldownMs, "401 unauthorized");
  if (a.status == 402)
    return setAction(out, RELAY_ACTION_COOLDOWN, kBillingCooldownMs, "402 billing error");
  if (a.status == 403) return classifyForbidden(lower_body, out);
  if (a.status == 400 || a.status == 404 || a.status == 413 || a.status == 422)
    return setAction(out, RELAY_ACTION_PASS_THROUGH, 0, status + " client error");
  if (a.status == 429) return classifyRateLimit(a, lower_body, out);
  if (a.status == 529 || contains(lower_body, "overloaded_error"))
    return setAction(out, RELAY_ACTION_COOLDOWN, kOverloadedCooldownMs, status + " overloaded");
  if (a.status >= 500 && a.status <= 504 && a.status != 501)
    return setAction(out, RELAY_ACTION_COOLDOWN, kServerErrorCooldownMs,
                     status + " upstream error");
  setAction(out, RELAY_ACTION_PASS_THROUGH, 0, status + " passed through");
}

}  // namespace

void classifyAnswer(const UpstreamAnswer& a, relay_action_t* out) {
  if (a.status >= 200 && a.status < 300) return setAction(out, RELAY_ACTION_OK, 0, "");
  classifyFailure(a, out);
}

namespace {

bool covers(const relay_action_t* out, size_t end_offset) {
  return out->struct_size >= end_offset;
}

void setClass(relay_action_t* out, relay_failure_class_t c) {
  if (covers(out, offsetof(relay_action_t, failure_class) + sizeof(out->failure_class)))
    out->failure_class = c;
}

void setNote(relay_action_t* out, std::string_view note) {
  if (covers(out, offsetof(relay_action_t, note) + sizeof(out->note)))
    copyText(out->note, sizeof(out->note), note);
}

relay_failure_class_t classOf(const UpstreamAnswer& a, const relay_action_t& action) {
  switch (action.kind) {
    case RELAY_ACTION_OK:
    case RELAY_ACTION_PASS_THROUGH:
      return RELAY_CLASS_NONE;
    case RELAY_ACTION_DISABLE:
      return RELAY_CLASS_PERMANENT;
    case RELAY_ACTION_LIMIT_MODEL_FAMILY:
    case RELAY_ACTION_RETRY_AFTER:
      return RELAY_CLASS_RATE_LIMITED;
    default:
      break;
  }
  if (a.status == 429) return RELAY_CLASS_RATE_LIMITED;
  if (a.status == 401 || a.status == 402 || a.status == 403) return RELAY_CLASS_PERMANENT;
  return RELAY_CLASS_TRANSIENT;
}

}  // namespace

void classifyAnswer11(const UpstreamAnswer& a, const AnswerContext& ctx, relay_action_t* out) {
  bool success = a.status >= 200 && a.status < 300;
  if (!success && ctx.path.ends_with("/count_tokens"))
    return setAction(out, RELAY_ACTION_PASS_THROUGH, 0, "token count answers leave the account");
  if (a.status == 401 && ctx.can_refresh && !ctx.after_forced_refresh) {
    setAction(out, RELAY_ACTION_REFRESH_AND_RETRY, 0, "401 unauthorized: refreshing the token");
    return setClass(out, RELAY_CLASS_PERMANENT);
  }
  classifyAnswer(a, out);
  setClass(out, classOf(a, *out));
  if (out->kind == RELAY_ACTION_OK &&
      headerValue(a, "anthropic-ratelimit-unified-5h-status") == "allowed_warning")
    setNote(out, "anthropic-ratelimit-unified-5h-status: allowed_warning");
}

}  // namespace relay::claude
