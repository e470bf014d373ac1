#include "token_answer.h"

#include <algorithm>

#include "bounded_json.h"
#include "host_calls.h"

namespace relay::plugin_common {

std::string oauthErrorCode(std::string_view body) {
  constexpr size_t kMaxCode = 64;  // a code, not a free-form message
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) return {};
  auto error = doc.FindMember("error");
  if (error == doc.MemberEnd()) return {};
  std::string code;
  if (error->value.IsString()) code = error->value.GetString();
  if (error->value.IsObject()) {  // API error style {"error":{"type":...}}
    auto type = error->value.FindMember("type");
    if (type != error->value.MemberEnd() && type->value.IsString()) code = type->value.GetString();
  }
  return code.substr(0, kMaxCode);
}

int64_t expiresInSeconds(const rapidjson::Value& answer, int64_t fallback, double max_seconds) {
  if (!answer.IsObject()) return fallback;
  auto e = answer.FindMember("expires_in");
  if (e == answer.MemberEnd() || !e->value.IsNumber() || e->value.GetDouble() <= 0) return fallback;
  return static_cast<int64_t>(std::min(e->value.GetDouble(), max_seconds));
}

bool exchangeFailed(const relay_http_response_t& resp, ExchangeFailure* out) {
  if (resp.status == 0) {
    std::string error(toView(resp.error));
    *out = {RELAY_LOGIN_NETWORK, error.empty() ? "no answer" : error};
    return true;
  }
  if (resp.status == 200) return false;
  std::string code = oauthErrorCode(toView(resp.body));
  bool refused = resp.status == 400 || resp.status == 401;
  *out = {refused ? RELAY_LOGIN_REJECTED : RELAY_LOGIN_FAILED,
          "token endpoint answered HTTP " + std::to_string(resp.status) +
              (code.empty() ? "" : " " + code)};
  return true;
}

}  // namespace relay::plugin_common
