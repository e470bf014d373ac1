// The YAML account as the Gemini plugin reads it (the config JSON handed to account_new).
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_CONFIG_H
#define RELAY_PLUGINS_GEMINI_GEMINI_CONFIG_H

#include <cstdint>
#include <string>
#include <string_view>

#include "account_keys.h"

namespace relay::gemini {

inline constexpr std::string_view kDefaultPublicApiUrl =
    "https://generativelanguage.googleapis.com";
inline constexpr std::string_view kDefaultCodeAssistUrl = "https://cloudcode-pa.googleapis.com";
inline constexpr std::string_view kDefaultTokenUrl = "https://oauth2.googleapis.com/token";
// `relay-server login`: Google's authorize endpoint and the manual-code redirect gemini-cli
// uses when it cannot open a browser (the page shows the code to paste back).
inline constexpr std::string_view kDefaultAuthorizeUrl =
    "https://accounts.google.com/o/oauth2/v2/auth";
inline constexpr std::string_view kDefaultRedirectUri = "https://codeassist.google.com/authcode";
// gemini-cli's installed-app OAuth client (public in its code_assist/oauth2.ts; Google treats
// installed-app secrets as non-confidential). Both are per-account options.
inline constexpr std::string_view kDefaultClientId =
    "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com";
inline constexpr std::string_view kDefaultClientSecret = "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";

struct GeminiConfig {
  bool oauth = false;  // `gemini` (Code Assist); otherwise `gemini-api`
  std::string id;
  std::string api_key;
  std::string refresh_token;
  std::string access_token;
  int64_t expires_at = 0;  // unix seconds; 0 = unknown
  std::string api_url;     // without a trailing '/'
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string authorize_url;
  std::string redirect_uri;
  std::string project_id;  // empty: discovered (loadCodeAssist, then onboardUser)
};

// Parses config_json for account_type; on failure names the offending key (no secrets).
bool parseGeminiConfig(std::string_view account_type, std::string_view config_json,
                       GeminiConfig* out, account_keys::KeyError* error);

// The README of the original product shows https://cloudcode.googleapis.com, which is not the
// Code Assist host: true for that host, so account_new can warn.
bool looksLikeWrongCodeAssistHost(std::string_view api_url);

}  // namespace relay::gemini

#endif
