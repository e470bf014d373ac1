#include "claude_config.h"

#include <rapidjson/document.h>

namespace relay::claude {

namespace {

std::string stringMember(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::string();
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

int64_t integerMember(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return 0;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsString()) {
    try {
      return std::stoll(it->value.GetString());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

std::string withDefault(std::string value, std::string_view fallback) {
  if (value.empty()) value = std::string(fallback);
  while (value.size() > 1 && value.back() == '/') value.pop_back();
  return value;
}

}  // namespace

bool parseClaudeConfig(std::string_view account_type, std::string_view config_json,
                       ClaudeConfig* out, std::string* error) {
  if (account_type == "claude-oauth") {
    out->oauth = true;
  } else if (account_type != "claude-api") {
    *error = "unknown account type '" + std::string(account_type) + "'";
    return false;
  }
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    *error = "account config is not a JSON object";
    return false;
  }
  out->id = stringMember(doc, "id");
  out->name = stringMember(doc, "name");
  std::string label = "account '" + (out->id.empty() ? out->name : out->id) + "'";
  out->api_key = stringMember(doc, "api_key");
  out->refresh_token = stringMember(doc, "refresh_token");
  out->access_token = stringMember(doc, "access_token");
  out->expires_at = integerMember(doc, "expires_at");
  out->api_url = withDefault(stringMember(doc, "api_url"), kDefaultApiUrl);
  out->token_url = withDefault(stringMember(doc, "token_url"), kDefaultTokenUrl);
  out->client_id = withDefault(stringMember(doc, "client_id"), kDefaultClientId);
  if (!out->oauth && out->api_key.empty()) {
    *error = label + " (claude-api) needs api_key";
    return false;
  }
  if (out->oauth && out->refresh_token.empty() && out->access_token.empty()) {
    *error = label + " (claude-oauth) needs refresh_token or access_token";
    return false;
  }
  return true;
}

}  // namespace relay::claude
