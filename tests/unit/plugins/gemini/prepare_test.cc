// prepare: the public API for gemini-api accounts, the Code Assist envelope for gemini ones.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "fake_host.h"

using namespace claude_test;

namespace {

RequestSpec geminiRequest(const std::string& method, const std::string& query = "") {
  RequestSpec r;
  r.path = "/gemini/v1beta/models/gemini-2.5-pro:" + method;
  r.query = query;
  r.body = R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
  r.model = "gemini-2.5-pro";
  r.format = "gemini";
  r.headers = {{"x-goog-api-key", "relay-key"},
               {"content-type", "application/json"},
               {"user-agent", "GeminiCLI/0.61"}};
  return r;
}

rapidjson::Document json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str(), s.size());
  return d;
}

}  // namespace

TEST_CASE("a gemini-api account calls the public API with its key, not the client's") {
  fake().reset();
  auto* account = newAccount("gemini-api", R"({"id":"g1","api_key":"AIza-upstream"})");
  REQUIRE(account);
  CHECK(prepare(account, geminiRequest("streamGenerateContent", "alt=sse&key=relay-key")) ==
        RELAY_PREPARE_READY);
  CHECK(fake().url ==
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:"
        "streamGenerateContent?alt=sse");
  CHECK(fake().headerValues("x-goog-api-key") == std::vector<std::string>{"AIza-upstream"});
  CHECK(fake().header("user-agent") == "GeminiCLI/0.61");
  CHECK_FALSE(fake().body_set);  // the client's body goes as it is
  plugin().account_free(account);
}

TEST_CASE("a gemini-api account honours api_url and the account's model map result") {
  fake().reset();
  auto* account =
      newAccount("gemini-api", R"({"id":"g1","api_key":"k","api_url":"http://127.0.0.1:9/"})");
  RequestSpec r = geminiRequest("countTokens");
  r.model = "gemini-2.5-flash";
  CHECK(prepare(account, r) == RELAY_PREPARE_READY);
  CHECK(fake().url == "http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:countTokens");
  plugin().account_free(account);
}

TEST_CASE("an OAuth account without a token or project asks for credentials first") {
  fake().reset();
  auto* account = newAccount("gemini", R"({"id":"o1","refresh_token":"1//r"})");
  REQUIRE(account);
  CHECK(prepare(account, geminiRequest("generateContent")) == RELAY_PREPARE_NEED_CREDENTIALS);
  plugin().account_free(account);
  fake().reset();
  account = newAccount("gemini", R"({"id":"o1","access_token":"ya29.x"})");
  CHECK(prepare(account, geminiRequest("generateContent")) == RELAY_PREPARE_NEED_CREDENTIALS);
  plugin().account_free(account);
}

TEST_CASE("an OAuth account wraps a public-API request in the Code Assist envelope") {
  fake().reset();
  auto* account =
      newAccount("gemini", R"({"id":"o1","access_token":"ya29.x","project_id":"proj-1"})");
  REQUIRE(account);
  CHECK(prepare(account, geminiRequest("streamGenerateContent", "alt=sse")) == RELAY_PREPARE_READY);
  CHECK(fake().url ==
        "https://cloudcode-pa.googleapis.com/v1internal:streamGenerateContent?alt=sse");
  CHECK(fake().header("authorization") == "Bearer ya29.x");
  CHECK(fake().headerValues("x-goog-api-key").empty());
  REQUIRE(fake().body_set);
  auto body = json(fake().body);
  CHECK(std::string(body["model"].GetString()) == "gemini-2.5-pro");
  CHECK(std::string(body["project"].GetString()) == "proj-1");
  CHECK(body["user_prompt_id"].IsString());
  CHECK(std::string(body["request"]["contents"][0]["parts"][0]["text"].GetString()) == "hi");

  fake().reset();
  CHECK(prepare(account, geminiRequest("countTokens")) == RELAY_PREPARE_READY);
  auto count = json(fake().body);
  CHECK(std::string(count["request"]["model"].GetString()) == "models/gemini-2.5-pro");
  CHECK(count["request"]["contents"].IsArray());
  plugin().account_free(account);
}

TEST_CASE("the Code Assist pass-through goes as it came; API-key accounts refuse it") {
  fake().reset();
  auto* oauth = newAccount("gemini", R"({"id":"o1","access_token":"ya29.x"})");
  RequestSpec r;
  r.path = "/gemini/v1internal:loadCodeAssist";
  r.body = R"({"metadata":{"pluginType":"GEMINI"}})";
  r.model = "";
  r.format = "gemini";
  CHECK(prepare(oauth, r) == RELAY_PREPARE_READY);
  CHECK(fake().url == "https://cloudcode-pa.googleapis.com/v1internal:loadCodeAssist");
  CHECK_FALSE(fake().body_set);
  plugin().account_free(oauth);
  auto* api = newAccount("gemini-api", R"({"id":"g1","api_key":"k"})");
  relay_error_t err{};
  CHECK(prepare(api, r, &err) == RELAY_PREPARE_REJECT);
  CHECK(err.status == 400);
  plugin().account_free(api);
}

TEST_CASE("Code Assist GETs (an operation, a GET method) pass through to the account") {
  fake().reset();
  auto* oauth = newAccount("gemini", R"({"id":"o1","access_token":"ya29.x"})");
  RequestSpec r;
  r.method = "GET";
  r.path = "/gemini/v1internal/operations/onboard-7";
  r.body = "";
  r.model = "";
  r.format = "gemini";
  CHECK(prepare(oauth, r) == RELAY_PREPARE_READY);
  CHECK(fake().method == "GET");
  CHECK(fake().url == "https://cloudcode-pa.googleapis.com/v1internal/operations/onboard-7");
  CHECK(fake().header("authorization") == "Bearer ya29.x");
  CHECK_FALSE(fake().body_set);
  fake().reset();
  r.path = "/gemini/v1internal:getCodeAssistGlobalUserSetting";
  CHECK(prepare(oauth, r) == RELAY_PREPARE_READY);
  CHECK(fake().method == "GET");
  CHECK(fake().url ==
        "https://cloudcode-pa.googleapis.com/v1internal:getCodeAssistGlobalUserSetting");
  fake().reset();
  r.path = "/gemini/v1internal/operations/../../v1beta/models";
  relay_error_t err{};
  CHECK(prepare(oauth, r, &err) == RELAY_PREPARE_REJECT);
  plugin().account_free(oauth);
}

TEST_CASE("the wrong Code Assist host in api_url is accepted with a warning") {
  fake().reset();
  auto* account = newAccount(
      "gemini", R"({"id":"o1","refresh_token":"r","api_url":"https://cloudcode.googleapis.com"})");
  REQUIRE(account);
  bool warned = false;
  for (const auto& line : fake().logs)
    warned = warned || line.find("cloudcode-pa.googleapis.com") != std::string::npos;
  CHECK(warned);
  plugin().account_free(account);
}
