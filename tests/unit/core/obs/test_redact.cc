#include <doctest/doctest.h>

#include "core/obs/redact.h"

namespace relay {
namespace {

// The vendor shapes come from the plugins' secret_prefixes (the loader registers them); these
// tests register the same ones the Claude and Gemini plugins declare.
const bool kPluginShapes = [] {
  for (const char* prefix : {"sk-ant-", "ya29.", "1//", "AIza"}) addSecretPrefix(prefix);
  return true;
}();

TEST_CASE("sk-ant-, sk- and AIza keys are masked after their prefix") {
  REQUIRE(kPluginShapes);
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

TEST_CASE("token, secret, authorization and cookie keys are masked") {
  CHECK(redactSecrets(R"({"token":"t-123","id":"a1"})") == R"({"token":"[REDACTED]","id":"a1"})");
  CHECK(redactSecrets("token=abc&user=u") == "token=[REDACTED]&user=u");
  CHECK(redactSecrets(R"({"secret": "s3cr3t"})") == R"({"secret": "[REDACTED]"})");
  CHECK(redactSecrets("authorization: sk-raw-key-without-scheme") == "authorization: [REDACTED]");
  CHECK(redactSecrets("Authorization: Token abc123\r\nHost: h") ==
        "Authorization: Token [REDACTED]\r\nHost: h");
  CHECK(redactSecrets(R"({"authorization":"Bearer abc"})") ==
        R"({"authorization":"Bearer [REDACTED]"})");
  CHECK(redactSecrets("Cookie: sid=abc; csrf=def\r\nAccept: */*") ==
        "Cookie: [REDACTED]\r\nAccept: */*");
  CHECK(redactSecrets("set-cookie: sid=abc; Path=/; HttpOnly") == "set-cookie: [REDACTED]");
}

TEST_CASE("escaped JSON keys (JSON inside a JSON string) are masked") {
  CHECK(redactSecrets(R"({"body":"{\"access_token\":\"at-123\",\"expires_in\":3600}"})") ==
        R"({"body":"{\"access_token\":\"[REDACTED]\",\"expires_in\":3600}"})");
  CHECK(redactSecrets(R"(\\\"refresh_token\\\": \\\"rt-1\\\")") ==
        R"(\\\"refresh_token\\\": \\\"[REDACTED]\\\")");
}

TEST_CASE("OAuth token shapes ya29. and 1// are masked after their prefix") {
  CHECK(redactSecrets("using ya29.a0AfB_byC1234567890abcdefghij-xyz now") ==
        "using ya29.[REDACTED] now");
  CHECK(redactSecrets(R"(rt "1//0gAbCdEfGhIjKlMnOpQrStUvWxYz-_0123")") == R"(rt "1//[REDACTED]")");
  CHECK(redactSecrets("ya29.short and 1//2 and http://1//x") ==
        "ya29.short and 1//2 and http://1//x");
}

TEST_CASE("words that only start like a secret key stay") {
  CHECK(redactSecrets("token expires soon; tokens=3 token_type=Bearer") ==
        "token expires soon; tokens=3 token_type=Bearer");
  CHECK(redactSecrets("secretary=bob cookies=2") == "secretary=bob cookies=2");
}

TEST_CASE("registered secret values are masked exactly, whatever their shape") {
  clearRedactedValues();
  CHECK(redactSecrets("proxy user:Zq7-plain-looking-pw@host") ==
        "proxy user:Zq7-plain-looking-pw@host");
  addRedactedValue("Zq7-plain-looking-pw");
  addRedactedValue("Zq7-plain-looking-pw");  // twice is harmless
  addRedactedValue("short");                 // ignored: too likely in ordinary text
  CHECK(redactSecrets("proxy user:Zq7-plain-looking-pw@host and Zq7-plain-looking-pw again") ==
        "proxy user:[REDACTED]@host and [REDACTED] again");
  CHECK(redactSecrets("a short word") == "a short word");
  // A longer secret containing a shorter one is masked whole.
  addRedactedValue("Zq7-plain-looking-pw-EXTENDED");
  CHECK(redactSecrets("x Zq7-plain-looking-pw-EXTENDED y") == "x [REDACTED] y");
  clearRedactedValues();
  CHECK(redactSecrets("x Zq7-plain-looking-pw y") == "x Zq7-plain-looking-pw y");
}

TEST_CASE("one minimum for every secret value: 6 bytes are masked, 5 are not") {
  clearRedactedValues();
  static_assert(kMinRedactedValue == 6);
  addRedactedValue("hunter2");  // a 7-byte proxy password
  addRedactedValue("k9-Zq1");   // a 6-byte relay key
  addRedactedValue("Zq7x1");    // 5 bytes: ignored
  CHECK(redactSecrets("socks5://user:hunter2@proxy key=k9-Zq1 and Zq7x1") ==
        "socks5://user:[REDACTED]@proxy key=[REDACTED] and Zq7x1");
  clearRedactedValues();
}

}  // namespace
}  // namespace relay
