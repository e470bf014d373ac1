#include "gemini_classify.h"

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdlib>

#include "bounded_json.h"
#include "gemini_host.h"

namespace relay::gemini {

namespace {

// What the error body says: status name, message, ErrorInfo reason, RetryInfo delay, and
// whether a QuotaFailure / ErrorInfo names a per-model quota.
struct GoogleError {
  std::string status;
  std::string message;
  std::string reason;
  std::optional<uint64_t> retry_ms;
  bool per_model = false;
};

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string str(const rapidjson::Value& o, const char* key) {
  if (!o.IsObject()) return {};
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

bool mentionsModel(const rapidjson::Value& v) {
  if (v.IsString()) {
    std::string lower = toLower(std::string_view(v.GetString(), v.GetStringLength()));
    return contains(lower, "permodel") || contains(lower, "per_model") ||
           contains(lower, "per model");
  }
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (key == "model" && it->value.IsString()) return true;  // quotaDimensions.model
      if (mentionsModel(it->value)) return true;
    }
  }
  if (v.IsArray()) {
    for (const auto& item : v.GetArray())
      if (mentionsModel(item)) return true;
  }
  return false;
}

GoogleError readError(std::string_view body) {
  GoogleError e;
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) return e;
  auto error = doc.FindMember("error");
  if (error == doc.MemberEnd() || !error->value.IsObject()) return e;
  const rapidjson::Value& err = error->value;
  e.status = str(err, "status");
  e.message = str(err, "message");
  auto details = err.FindMember("details");
  if (details == err.MemberEnd() || !details->value.IsArray()) return e;
  for (const auto& d : details->value.GetArray()) {
    std::string type = str(d, "@type");
    if (type.ends_with("google.rpc.RetryInfo")) {
      e.retry_ms = parseRetryDelay(str(d, "retryDelay"));
    } else if (type.ends_with("google.rpc.ErrorInfo")) {
      e.reason = str(d, "reason");
      auto meta = d.FindMember("metadata");
      if (meta != d.MemberEnd() && mentionsModel(meta->value)) e.per_model = true;
    } else if (type.ends_with("google.rpc.QuotaFailure")) {
      if (mentionsModel(d)) e.per_model = true;
    }
  }
  return e;
}

void setAction(relay_action_t* out, relay_action_kind_t kind, uint64_t ms, std::string_view reason,
               relay_failure_class_t c, std::string_view family = {}) {
  out->kind = kind;
  out->ms = ms;
  copyText(out->family, sizeof(out->family), family);
  copyText(out->reason, sizeof(out->reason), reason);
  if (out->struct_size >= offsetof(relay_action_t, failure_class) + sizeof(out->failure_class))
    out->failure_class = c;
}

std::string withMessage(std::string head, const GoogleError& e) {
  if (!e.message.empty()) head += ": " + e.message.substr(0, 160);
  return head;
}

void classifyRateLimit(const GeminiAnswer& a, const GoogleError& e, relay_action_t* out) {
  uint64_t ms = e.retry_ms.value_or(kRateLimitFallbackMs);
  if (e.per_model && !a.model.empty())
    return setAction(out, RELAY_ACTION_LIMIT_MODEL_FAMILY, ms,
                     "429 RESOURCE_EXHAUSTED: per-model quota of " + std::string(a.model),
                     RELAY_CLASS_RATE_LIMITED, a.model);
  setAction(out, RELAY_ACTION_COOLDOWN, ms, withMessage("429 RESOURCE_EXHAUSTED", e),
            RELAY_CLASS_RATE_LIMITED);
}

}  // namespace

std::optional<uint64_t> parseRetryDelay(std::string_view delay) {
  if (delay.empty() || delay.back() != 's') return std::nullopt;
  std::string number(delay.substr(0, delay.size() - 1));
  char* end = nullptr;
  double seconds = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0' || seconds < 0 || seconds > 8 * 24 * 3600.0)
    return std::nullopt;
  return static_cast<uint64_t>(seconds * 1000.0);
}

void classifyGeminiAnswer(const GeminiAnswer& a, relay_action_t* out) {
  std::string status = std::to_string(a.status);
  if (a.status >= 200 && a.status < 300)
    return setAction(out, RELAY_ACTION_OK, 0, "", RELAY_CLASS_NONE);
  if (a.method == "countTokens")  // token counts never touch the account
    return setAction(out, RELAY_ACTION_PASS_THROUGH, 0, "token count answers leave the account",
                     RELAY_CLASS_NONE);
  if (a.status == 0)
    return setAction(out, RELAY_ACTION_COOLDOWN, kServerErrorCooldownMs,
                     "transport failure (status 0)", RELAY_CLASS_TRANSIENT);
  GoogleError e = readError(a.body_prefix);
  if (a.status == 401 && a.can_refresh && !a.after_forced_refresh)
    return setAction(out, RELAY_ACTION_REFRESH_AND_RETRY, 0,
                     "401 unauthorized: refreshing the token", RELAY_CLASS_PERMANENT);
  if (a.status == 401)
    return setAction(out, RELAY_ACTION_COOLDOWN, kUnauthorizedCooldownMs,
                     withMessage("401 unauthorized", e), RELAY_CLASS_PERMANENT);
  if (a.status == 400 &&
      (e.reason == "API_KEY_INVALID" || contains(e.message, "API key not valid")))
    return setAction(out, RELAY_ACTION_COOLDOWN, kPermanentCooldownMs, "400 API_KEY_INVALID",
                     RELAY_CLASS_PERMANENT);
  if (a.status == 403 && (e.status == "PERMISSION_DENIED" || e.status.empty()))
    return setAction(out, RELAY_ACTION_COOLDOWN, kPermanentCooldownMs,
                     withMessage("403 PERMISSION_DENIED" +
                                     (e.reason.empty() ? std::string() : " (" + e.reason + ")"),
                                 e),
                     RELAY_CLASS_PERMANENT);
  if (a.status == 429) return classifyRateLimit(a, e, out);
  if (a.status >= 500 && a.status != 501)
    return setAction(out, RELAY_ACTION_COOLDOWN, kServerErrorCooldownMs,
                     withMessage(status + (e.status.empty() ? "" : " " + e.status), e),
                     RELAY_CLASS_TRANSIENT);
  setAction(out, RELAY_ACTION_PASS_THROUGH, 0, status + " passed through", RELAY_CLASS_NONE);
}

}  // namespace relay::gemini
