// The OAuth refresh flow of a `gemini` account, one at a time: a Google token refresh (form
// encoded; Google does not rotate the refresh token), then, while the Code Assist project is
// unknown, loadCodeAssist and, if that names none, onboardUser polled until its long-running
// operation is done. The project is stored through host->store_put.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_REFRESH_H
#define RELAY_PLUGINS_GEMINI_GEMINI_REFRESH_H

#include <cstdint>
#include <string>
#include <string_view>

#include "gemini_account.h"
#include "relay_plugin.h"

namespace relay::gemini {

// onboardUser's long-running operation is polled every kOperationPollDelayMs, at most
// kMaxOperationPolls times (about a minute) before the flow gives up.
inline constexpr int kMaxOperationPolls = 30;
inline constexpr int64_t kOperationPollDelayMs = 2000;
inline constexpr uint64_t kOperationPollTimer = 1;

// grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=… (form-encoded).
std::string tokenRequestBody(const GeminiConfig& config, std::string_view refresh_token);

// A token answer's expires_in (Google's is an hour), capped at a year.
inline constexpr int64_t kDefaultExpiresInSeconds = 3600;
inline constexpr double kMaxExpiresInSeconds = 365.0 * 24 * 3600;

// The project id in a loadCodeAssist answer (a string or {id}), or empty; *tier_out gets the
// tier to onboard with (the default allowed tier, else "legacy-tier"), *has_current_tier whether
// the user is already on a tier.
std::string projectFromLoad(std::string_view body, std::string* tier_out, bool* has_current_tier);
// An onboardUser / operation answer: done, the operation name and the project once done.
struct OperationState {
  bool done = false;
  std::string name;
  std::string project;
};
bool parseOperation(std::string_view body, OperationState* out);

void scheduleBackgroundRefresh(const GeminiAccount& account);
// The refresh hook and the on_http_done hook.
int startRefresh(GeminiAccount& account, bool force);
void finishCall(GeminiAccount& account, uint64_t call_id, const relay_http_response_t& resp);
// The on_timer hook: polls the operation the flow waits for.
void onFlowTimer(GeminiAccount& account, uint64_t timer_id);

}  // namespace relay::gemini

#endif
