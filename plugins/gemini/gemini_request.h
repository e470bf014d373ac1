// Pure rules for the upstream request: which Gemini method a client path asks for, the public
// API URL, and the Code Assist envelope an OAuth account sends instead.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_REQUEST_H
#define RELAY_PLUGINS_GEMINI_GEMINI_REQUEST_H

#include <optional>
#include <string>
#include <string_view>

namespace relay::gemini {

struct GeminiCall {
  std::string version = "v1beta";  // public API version the client used
  std::string model;               // without "models/"
  std::string method;              // generateContent, streamGenerateContent, countTokens, ...
  bool code_assist = false;        // the client spoke Code Assist (/v1internal:{method})
  std::string operation;           // Code Assist GET /v1internal/{operation}; method empty
};

// "/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent" (also /v1/, and without the
// /gemini prefix), "/gemini/v1internal:generateContent" or a long-running operation
// "/gemini/v1internal/operations/op-1"; nullopt when none.
std::optional<GeminiCall> parseClientPath(std::string_view path);

// True when query has alt=sse.
bool wantsSse(std::string_view query);

// Client headers copied upstream as they are (an allowlist: no credentials, no hop-by-hop).
bool isForwardedHeader(std::string_view name);

// {"model":…,"project":…,"user_prompt_id":…,"request":<body>}; body is the client's JSON.
std::string codeAssistEnvelope(std::string_view model, std::string_view project,
                               std::string_view prompt_id, std::string_view body);
// Code Assist countTokens: {"request":{"model":"models/<m>","contents":…}}; nullopt when the
// body is not a JSON object.
std::optional<std::string> codeAssistCountTokens(std::string_view model, std::string_view body);

}  // namespace relay::gemini

#endif
