#include <doctest/doctest.h>

#include "core/obs/redact.h"

namespace relay {
namespace {

TEST_CASE("Anthropic and OpenAI keys are masked after their prefix") {
  CHECK(redactSecrets("using sk-ant-api03-AbC_12-xyz for claude-1") ==
        "using sk-ant-[REDACTED] for claude-1");
  CHECK(redactSecrets("key sk-ant-oat01-ZZZ.") == "key sk-ant-[REDACTED].");
  CHECK(redactSecrets("openai sk-proj-abcdefghijklmnop1234") == "openai sk-[REDACTED]");
  CHECK(redactSecrets("AIzaSyA1234567890abcdefghijklmnopqrstu ok") == "AIza[REDACTED] ok");
}

TEST_CASE("short sk- words and ordinary text stay as they are") {
  CHECK(redactSecrets("task-sk-1 and sk-short") == "task-sk-1 and sk-short");
  CHECK(redactSecrets("no secrets here: status=200 key=k1") ==
        "no secrets here: status=200 key=k1");
  CHECK(redactSecrets("") == "");
}

TEST_CASE("Bearer and Basic credentials are masked, the scheme kept") {
  CHECK(redactSecrets("Authorization: Bearer eyJhbGciOi.J9.sig_-x==") ==
        "Authorization: Bearer [REDACTED]");
  CHECK(redactSecrets("authorization: bearer abc123, next") ==
        "authorization: bearer [REDACTED], next");
  CHECK(redactSecrets("Proxy-Authorization: Basic dXNlcjpwYXNz") ==
        "Proxy-Authorization: Basic [REDACTED]");
}

TEST_CASE("secret JSON fields are masked, other fields kept") {
  CHECK(redactSecrets(R"({"refresh_token":"rt-abc","expires_in":3600})") ==
        R"({"refresh_token":"[REDACTED]","expires_in":3600})");
  CHECK(redactSecrets(R"({"access_token": "at\"x", "token_type":"Bearer"})") ==
        R"({"access_token": "[REDACTED]", "token_type":"Bearer"})");
  CHECK(redactSecrets(R"({"api_key":"AB12","client_secret":"cs"})") ==
        R"({"api_key":"[REDACTED]","client_secret":"[REDACTED]"})");
}

TEST_CASE("header and key=value forms are masked") {
  CHECK(redactSecrets("x-api-key: abc123def") == "x-api-key: [REDACTED]");
  CHECK(redactSecrets("X-Api-Key:abc123def\r\nHost: a") == "X-Api-Key:[REDACTED]\r\nHost: a");
  CHECK(redactSecrets("api_key=zzz&alt=sse") == "api_key=[REDACTED]&alt=sse");
  CHECK(redactSecrets("password=hunter2 user=bob") == "password=[REDACTED] user=bob");
  CHECK(redactSecrets("x-goog-api-key: g1") == "x-goog-api-key: [REDACTED]");
}

TEST_CASE("a ?key= query parameter is masked but a bare key= is not") {
  CHECK(redactSecrets("GET /v1beta/models/g:generateContent?key=AIzaShort&alt=sse") ==
        "GET /v1beta/models/g:generateContent?key=[REDACTED]&alt=sse");
  CHECK(redactSecrets("/x?alt=sse&key=abc") == "/x?alt=sse&key=[REDACTED]");
  CHECK(redactSecrets("monkey=banana key=k1") == "monkey=banana key=k1");
}

TEST_CASE("names that merely contain a secret key name are left alone") {
  CHECK(redactSecrets("my_api_key_count=3") == "my_api_key_count=3");
  CHECK(redactSecrets("refresh_tokens_total 4") == "refresh_tokens_total 4");
}

}  // namespace
}  // namespace relay
