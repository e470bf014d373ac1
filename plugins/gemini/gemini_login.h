// Signing a `gemini` account in (ABI 1.2 login hooks): Google's authorize URL with gemini-cli's
// installed-app client, its manual-code redirect (the page shows a code to paste back) and
// PKCE S256; the authorization_code exchange, form-encoded, at token_url; and taking over
// Gemini CLI's own cached login (~/.gemini/oauth_creds.json).
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_LOGIN_H
#define RELAY_PLUGINS_GEMINI_GEMINI_LOGIN_H

#include <string>
#include <string_view>

#include "gemini_account.h"
#include "relay_plugin.h"

namespace relay::gemini {

inline constexpr std::string_view kGeminiCliSource = "gemini-cli";
inline constexpr std::string_view kGeminiCliDefaultPath = ".gemini/oauth_creds.json";  // ~
// gemini-cli's scopes.
inline constexpr std::string_view kLoginScopes =
    "https://www.googleapis.com/auth/cloud-platform "
    "https://www.googleapis.com/auth/userinfo.email "
    "https://www.googleapis.com/auth/userinfo.profile";

std::string authorizeUrl(const GeminiConfig& config, std::string_view state,
                         std::string_view code_challenge);
// grant_type=authorization_code&code&code_verifier&client_id&client_secret&redirect_uri.
std::string exchangeRequestBody(const GeminiConfig& config, std::string_view code,
                                std::string_view code_verifier);
// The e-mail address in a token answer's id_token (its payload, not verified: the answer came
// straight from the token endpoint), or "".
std::string emailOf(std::string_view token_answer);
std::string emailOfIdToken(std::string_view id_token);

int beginLogin(GeminiAccount& account, std::string_view state, std::string_view code_challenge,
               relay_error_t* err);
// state: already checked by the host (Google's manual-code page shows the code alone), unused.
int startExchange(GeminiAccount& account, std::string_view code, std::string_view state,
                  std::string_view code_verifier);
// The on_http_done hook for the exchange (call ids with GeminiAccount::kLoginCallBit).
void finishExchange(GeminiAccount& account, uint64_t call_id, const relay_http_response_t& resp);
int importCredentials(GeminiAccount& account, std::string_view source, std::string_view path,
                      bool take_over);

}  // namespace relay::gemini

#endif
