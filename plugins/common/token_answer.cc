#include "token_answer.h"

#include <algorithm>

#include "bounded_json.h"
#include "host_calls.h"

namespace relay::plugin_common {

namespace {

constexpr size_t kMaxCode = 64;  // a code, not a free-form message

// The body's "error" member, or nullptr when the body is no JSON object or has none.
const rapidjson::Value* errorMember(std::string_view body, rapidjson::Document& doc) {
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) return nullptr;
  auto error = doc.FindMember("error");
  return error == doc.MemberEnd() ? nullptr : &error->value;
}

std::string code(const rapidjson::Value& text) {
  return std::string(text.GetString(), std::min<size_t>(text.GetStringLength(), kMaxCode));
}

}  // namespace

std::string oauthErrorCode(std::string_view body) {
  rapidjson::Document doc;
  const rapidjson::Value* error = errorMember(body, doc);
  return error && error->IsString() ? code(*error) : std::string();
}

std::string apiErrorType(std::string_view body) {
  rapidjson::Document doc;
  const rapidjson::Value* error = errorMember(body, doc);
  if (!error || !error->IsObject()) return {};
  auto type = error->FindMember("type");
  return type != error->MemberEnd() && type->value.IsString() ? code(type->value) : std::string();
}

int64_t expiresInSeconds(const rapidjson::Value& answer, int64_t fallback, double max_seconds) {
  if (!answer.IsObject()) return fallback;
  auto e = answer.FindMember("expires_in");
  if (e == answer.MemberEnd() || !e->value.IsNumber() || e->value.GetDouble() <= 0) return fallback;
  return static_cast<int64_t>(std::min(e->value.GetDouble(), max_seconds));
}

bool exchangeFailed(const relay_http_response_t& resp, ErrorCodeReader code_of,
                    ExchangeFailure* out) {
  if (resp.status == 0) {
    std::string error(toView(resp.error));
    *out = {RELAY_LOGIN_NETWORK, error.empty() ? "no answer" : error};
    return true;
  }
  if (resp.status == 200) return false;
  std::string code = code_of(toView(resp.body));
  bool refused = resp.status == 400 || resp.status == 401;
  *out = {refused ? RELAY_LOGIN_REJECTED : RELAY_LOGIN_FAILED,
          "token endpoint answered HTTP " + std::to_string(resp.status) +
              (code.empty() ? "" : " " + code)};
  return true;
}

}  // namespace relay::plugin_common
