// prepare: upstream URL, forwarded and withheld headers, credentials, beta list, identity block.
#include <doctest/doctest.h>

#include "fake_host.h"

using namespace claude_test;

namespace {

const char* kApiJson = R"({"id":"api1","name":"API","priority":50,"enabled":true,
  "api_key":"sk-ant-api-SECRET"})";

std::string oauthJson(int64_t expires_at_s) {
  return R"({"id":"oa1","refresh_token":"rt-config","access_token":"at-live","expires_at":)" +
         std::to_string(expires_at_s) + "}";
}

// Claude Code's request headers, with the client's own relay credentials.
std::vector<Header> claudeCodeHeaders() {
  return {{"x-api-key", "relay-client-key"},
          {"Authorization", "Bearer relay-client-token"},
          {"x-goog-api-key", "goog"},
          {"Proxy-Authorization", "Basic cHJveHk="},
          {"Connection", "keep-alive"},
          {"Transfer-Encoding", "chunked"},
          {"Host", "127.0.0.1:3000"},
          {"anthropic-version", "2023-06-01"},
          {"anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14"},
          {"content-type", "application/json"},
          {"user-agent", "claude-cli/2.1.197 (external, sdk-cli)"},
          {"x-app", "cli"},
          {"X-Stainless-Lang", "js"},
          {"anthropic-dangerous-direct-browser-access", "true"},
          {"x-claude-code-session-id", "11111111-2222"}};
}

struct Account {
  relay_plugin_account_t* handle;
  explicit Account(relay_plugin_account_t* h) : handle(h) { REQUIRE(h != nullptr); }
  ~Account() { plugin().account_free(handle); }
};

}  // namespace

TEST_CASE("client paths map to the Anthropic paths, keeping the query without a relay key") {
  fake().reset();
  Account a(newAccount("claude-api", kApiJson));
  struct Row {
    const char* path;
    const char* query;
    const char* url;
  } rows[] = {
      {"/v1/messages", "beta=true", "https://api.anthropic.com/v1/messages?beta=true"},
      {"/api/v1/messages", "", "https://api.anthropic.com/v1/messages"},
      {"/claude/v1/messages", "beta=true&key=relaykey",
       "https://api.anthropic.com/v1/messages?beta=true"},
      {"/claude/v1/messages/count_tokens", "beta=true",
       "https://api.anthropic.com/v1/messages/count_tokens?beta=true"},
      {"/api/v1/messages/count_tokens", "", "https://api.anthropic.com/v1/messages/count_tokens"},
      {"/claude/v1/models", "limit=5", "https://api.anthropic.com/v1/models?limit=5"},
      {"/v1/models", "", "https://api.anthropic.com/v1/models"},
  };
  for (const Row& row : rows) {
    fake().reset();
    RequestSpec spec;
    spec.path = row.path;
    spec.query = row.query;
    CHECK(prepare(a.handle, spec) == RELAY_PREPARE_READY);
    CHECK(fake().url == row.url);
    CHECK(fake().method == "POST");
  }
}

TEST_CASE("api_url from the config replaces the default; unknown paths are rejected") {
  fake().reset();
  Account a(
      newAccount("claude-api", R"({"id":"x","api_key":"k","api_url":"http://127.0.0.1:9/"})"));
  RequestSpec spec;
  spec.method = "GET";
  spec.path = "/api/v1/models";
  CHECK(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().url == "http://127.0.0.1:9/v1/models");
  CHECK(fake().method == "GET");

  relay_error_t err{};
  spec.path = "/v1/complete";
  CHECK(prepare(a.handle, spec, &err) == RELAY_PREPARE_REJECT);
  CHECK(err.status == 404);
}

TEST_CASE("translated requests go to /v1/messages without the client's query") {
  fake().reset();
  Account a(newAccount("claude-api", kApiJson));
  RequestSpec spec;
  spec.path = "/openai/v1/chat/completions";
  spec.query = "key=relaykey";
  spec.format = "openai-chat";
  CHECK(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().url == "https://api.anthropic.com/v1/messages");
}

TEST_CASE("API accounts send x-api-key and forward the Claude Code headers, never credentials") {
  fake().reset();
  Account a(newAccount("claude-api", kApiJson));
  RequestSpec spec;
  spec.headers = claudeCodeHeaders();
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  const FakeHost& h = fake();
  CHECK(h.headerValues("x-api-key") == std::vector<std::string>{"sk-ant-api-SECRET"});
  CHECK(h.headerValues("authorization").empty());
  for (const char* withheld :
       {"x-goog-api-key", "proxy-authorization", "connection", "transfer-encoding", "host"})
    CHECK_MESSAGE(h.headerValues(withheld).empty(), withheld);
  CHECK(h.header("anthropic-version") == "2023-06-01");
  CHECK(h.headerValues("anthropic-beta") ==
        std::vector<std::string>{"claude-code-20250219,interleaved-thinking-2025-05-14"});
  CHECK(h.header("user-agent") == "claude-cli/2.1.197 (external, sdk-cli)");
  CHECK(h.header("x-app") == "cli");
  CHECK(h.header("x-stainless-lang") == "js");
  CHECK(h.header("anthropic-dangerous-direct-browser-access") == "true");
  CHECK(h.header("x-claude-code-session-id") == "11111111-2222");
  CHECK(h.header("content-type") == "application/json");
  CHECK_FALSE(h.body_set);
}

TEST_CASE("anthropic-version defaults when the client sends none; API bodies stay untouched") {
  fake().reset();
  Account a(newAccount("claude-api", kApiJson));
  RequestSpec spec;
  spec.headers = {{"anthropic-version", "2024-01-01"}};
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().headerValues("anthropic-version") == std::vector<std::string>{"2024-01-01"});
  fake().reset();
  spec.headers.clear();
  spec.format = "openai-chat";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().headerValues("anthropic-version") == std::vector<std::string>{"2023-06-01"});
  CHECK(fake().header("content-type") == "application/json");
  CHECK_FALSE(fake().body_set);
  CHECK(fake().headerValues("anthropic-beta").empty());
}

TEST_CASE("OAuth sends the bearer access token and adds the oauth beta once") {
  fake().reset();
  Account a(newAccount("claude-oauth", oauthJson(fake().now_ms / 1000 + 3600)));
  RequestSpec spec;
  spec.headers = claudeCodeHeaders();
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().headerValues("authorization") == std::vector<std::string>{"Bearer at-live"});
  CHECK(fake().headerValues("x-api-key").empty());
  CHECK(fake().headerValues("anthropic-beta") ==
        std::vector<std::string>{
            "claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20"});

  fake().reset();
  spec.headers = {
      {"anthropic-beta", "oauth-2025-04-20, a-1"}, {"anthropic-beta", "b-2"}, {"x-app", "cli"}};
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().headerValues("anthropic-beta") ==
        std::vector<std::string>{"oauth-2025-04-20,a-1,b-2"});

  fake().reset();
  spec.headers.clear();
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().headerValues("anthropic-beta") == std::vector<std::string>{"oauth-2025-04-20"});
}

TEST_CASE("OAuth requests from Claude Code keep their body byte-identical") {
  fake().reset();
  Account a(newAccount("claude-oauth", oauthJson(fake().now_ms / 1000 + 3600)));
  RequestSpec spec;
  spec.body = R"({"model":"m",  "system":"whatever","messages":[]})";
  spec.headers = {{"x-app", "cli"}};
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK_FALSE(fake().body_set);
  fake().reset();
  spec.headers = {{"User-Agent", "claude-cli/2.0.1 (external, cli)"}};
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK_FALSE(fake().body_set);
  fake().reset();
  spec.headers.clear();
  spec.body =
      R"({"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=1;"},)"
      R"({"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."}]})";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK_FALSE(fake().body_set);
}

TEST_CASE("OAuth requests not from Claude Code get the identity block first") {
  fake().reset();
  Account a(newAccount("claude-oauth", oauthJson(fake().now_ms / 1000 + 3600)));
  const std::string identity =
      R"({"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."})";
  RequestSpec spec;
  spec.headers = {{"user-agent", "OpenAI/Python 1.0"}};
  spec.body = R"({"model":"m","system":"Be brief.","temperature":0.7,"messages":[]})";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  REQUIRE(fake().body_set);
  CHECK(fake().body ==
        R"({"model":"m","system":[)" + identity +
            R"(,{"type":"text","text":"Be brief."}],"temperature":0.7,"messages":[]})");

  fake().reset();
  spec.body =
      R"({"model":"m","system":[{"type":"text","text":"A","cache_control":{"type":"ephemeral"}}]})";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().body == R"({"model":"m","system":[)" + identity +
                           R"(,{"type":"text","text":"A","cache_control":{"type":"ephemeral"}}]})");

  fake().reset();
  spec.body = R"({"model":"m","messages":[]})";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK(fake().body == R"({"model":"m","messages":[],"system":[)" + identity + "]}");

  fake().reset();  // models listing has no body to change
  spec.method = "GET";
  spec.path = "/v1/models";
  spec.body.clear();
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK_FALSE(fake().body_set);
}

TEST_CASE("the identity rewrite keeps numbers, and refuses deep bodies and huge numbers") {
  fake().reset();
  Account a(newAccount("claude-oauth", oauthJson(fake().now_ms / 1000 + 3600)));
  RequestSpec spec;
  spec.headers = {{"user-agent", "OpenAI/Python 1.0"}};
  spec.body = R"({"max_tokens":4096,"n":-3,"big":18446744073709551615,"t":1e-5,"x":0.25})";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  REQUIRE(fake().body_set);
  // The block is spliced into the original bytes: numbers keep the text they were sent as.
  CHECK(fake().body.starts_with(
      R"({"max_tokens":4096,"n":-3,"big":18446744073709551615,"t":1e-5,"x":0.25,"system":[)"));

  for (const std::string& body : {std::string(200 * 1024, '['), R"({"x":)" + std::string(128, '[') +
                                                                    std::string(128, ']') + "}"}) {
    fake().reset();
    spec.body = body;
    relay_error_t err{};
    CHECK(prepare(a.handle, spec, &err) == RELAY_PREPARE_REJECT);
    CHECK(err.status == 400);
    CHECK(std::string(err.message) == "JSON nesting deeper than 128 levels");
  }
  fake().reset();
  spec.body = R"({"x":)" + std::string(127, '[') + std::string(127, ']') + "}";
  CHECK(prepare(a.handle, spec) == RELAY_PREPARE_READY);

  // CVE-2024-38517: RapidJSON 1.1.0 overflows adding this exponent to the fraction's.
  fake().reset();
  spec.body = R"({"model":"m","max_tokens":0.000000000001e-2147483639})";
  relay_error_t err{};
  CHECK(prepare(a.handle, spec, &err) == RELAY_PREPARE_REJECT);
  CHECK(err.status == 400);
  CHECK(std::string(err.message) == "a number in the JSON body is out of range");
}

TEST_CASE("the identity block is spliced in; the rest of the body keeps its bytes") {
  fake().reset();
  Account a(newAccount("claude-oauth", oauthJson(fake().now_ms / 1000 + 3600)));
  const std::string identity =
      R"({"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."})";
  RequestSpec spec;
  spec.headers = {{"user-agent", "OpenAI/Python 1.0"}};
  auto rewritten = [&](const std::string& body) {
    fake().reset();
    spec.body = body;
    REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
    return fake().body_set ? fake().body : std::string("(unchanged)");
  };
  CHECK(rewritten("{ \"model\" : \"m\" ,\n"
                  R"( "system" : "S\u00e9 \"q\"" , "x": [ 1 ] })") ==
        "{ \"model\" : \"m\" ,\n"
        R"( "system" : [)" +
            identity + R"(,{"type":"text","text":"S\u00e9 \"q\""}] , "x": [ 1 ] })");
  CHECK(rewritten(R"({"system": [ ], "m":1})") == R"({"system": [)" + identity + R"( ], "m":1})");
  CHECK(rewritten(R"({"system":""})") == R"({"system":[)" + identity + "]}");
  CHECK(rewritten(R"({"system":null,"m":1})") == R"({"system":[)" + identity + R"(],"m":1})");
  CHECK(rewritten(R"({"system":{"a":[1]},"m":1})") == R"({"system":[)" + identity + R"(],"m":1})");
  CHECK(rewritten("{}") == R"({"system":[)" + identity + "]}");
  CHECK(rewritten(R"({"m":{"system":"inner"}})") ==
        R"({"m":{"system":"inner"},"system":[)" + identity + "]}");
  // Already carrying the identity in some block: unchanged; a nested namesake does not count.
  CHECK(rewritten(R"({"system":[{"type":"text","text":"x"},{"text":"You are Claude Code!"}]})") ==
        "(unchanged)");
  CHECK(rewritten(R"({"system":"You are Claude Code."})") == "(unchanged)");
  CHECK(rewritten(R"({"system":[{"type":"text","meta":{"text":"You are Claude Code"}}]})") ==
        R"({"system":[)" + identity +
            R"(,{"type":"text","meta":{"text":"You are Claude Code"}}]})");
  // Not an object, or malformed: forwarded unchanged.
  CHECK(rewritten("[1,2]") == "(unchanged)");
  CHECK(rewritten(R"({"system":"x",})") == "(unchanged)");
}

TEST_CASE("API accounts never get the identity block") {
  fake().reset();
  Account a(newAccount("claude-api", kApiJson));
  RequestSpec spec;
  spec.body = R"({"model":"m","system":"Be brief."})";
  REQUIRE(prepare(a.handle, spec) == RELAY_PREPARE_READY);
  CHECK_FALSE(fake().body_set);
}

TEST_CASE("OAuth without a usable access token asks for credentials and starts nothing") {
  fake().reset();
  int64_t now_s = fake().now_ms / 1000;
  {
    Account a(newAccount("claude-oauth", R"({"id":"o","refresh_token":"rt"})"));
    CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  }
  {
    Account a(newAccount("claude-oauth", oauthJson(now_s + 5)));  // inside the 10 s margin
    CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  }
  {
    Account a(newAccount("claude-oauth", oauthJson(now_s + 11)));
    CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  }
  CHECK(fake().http.empty());
  CHECK(fake().url.find("anthropic") != std::string::npos);
}

TEST_CASE("account_new rejects bad configs without echoing secrets") {
  fake().reset();
  relay_error_t err{};
  CHECK(newAccount("claude-api", R"({"id":"a"})", &err) == nullptr);
  CHECK(std::string(err.message).find("api_key") != std::string::npos);
  // An empty refresh_token is refused; a missing one is not (relay-server login stores tokens).
  CHECK(newAccount("claude-oauth", R"({"id":"b","refresh_token":""})", &err) == nullptr);
  CHECK(std::string(err.key) == "refresh_token");
  relay_plugin_account_t* not_logged_in = newAccount("claude-oauth", R"({"id":"b"})", &err);
  CHECK(not_logged_in != nullptr);
  if (not_logged_in) plugin().account_free(not_logged_in);
  CHECK(newAccount("claude-api", "not json", &err) == nullptr);
  CHECK(newAccount("gemini", R"({"id":"c","api_key":"SECRETKEY"})", &err) == nullptr);
  CHECK(std::string(err.message).find("SECRETKEY") == std::string::npos);
}
