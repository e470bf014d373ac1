#include "core/provider/account_secrets.h"

#include <rapidjson/document.h>

#include <cctype>
#include <string>

#include "core/obs/redact.h"

namespace relay {

namespace {

void registerUnder(const rapidjson::Value& value, bool secret) {
  if (value.IsString() && secret) {
    addRedactedValue(std::string_view(value.GetString(), value.GetStringLength()));
  } else if (value.IsObject()) {
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      registerUnder(it->value, secret || looksLikeSecretKey(key));
    }
  } else if (value.IsArray()) {
    for (const auto& item : value.GetArray()) registerUnder(item, secret);
  }
}

}  // namespace

bool looksLikeSecretKey(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"token", "key", "secret", "password"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

void registerAccountSecrets(const std::vector<AccountConfig>& accounts) {
  for (const AccountConfig& a : accounts) {
    rapidjson::Document doc;
    doc.Parse(a.json.data(), a.json.size());
    if (!doc.HasParseError()) registerUnder(doc, false);
    if (a.proxy && !a.proxy->password.empty()) addRedactedValue(a.proxy->password);
  }
}

}  // namespace relay
