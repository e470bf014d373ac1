// refresh / on_http_done / account_new: the rotating-token lifecycle through the store.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <thread>

#include "claude_refresh.h"
#include "fake_host.h"
#include "sha256_hex.h"

using namespace claude_test;

namespace {

const char* kOAuthJson = R"({"id":"oa1","refresh_token":"rt-config"})";

struct Account {
  relay_plugin_account_t* handle;
  explicit Account(relay_plugin_account_t* h) : handle(h) { REQUIRE(h != nullptr); }
  ~Account() { plugin().account_free(handle); }
};

void answer(relay_plugin_account_t* account, uint64_t call_id, int32_t status,
            const std::string& body, const std::string& error = "") {
  relay_http_response_t resp{};
  resp.struct_size = sizeof(resp);
  resp.status = status;
  resp.body = slice(body);
  resp.error = slice(error);
  plugin().on_http_done(account, call_id, &resp);
}

const char* kGrant = R"({"access_token":"at-new","refresh_token":"rt-rotated","expires_in":28800,)"
                     R"("token_type":"Bearer"})";

bool anyCallContains(const std::string& needle) {
  for (const std::string& c : fake().calls)
    if (c.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("refresh posts the JSON refresh grant to token_url") {
  fake().reset();
  Account a(newAccount("claude-oauth", kOAuthJson));
  CHECK(plugin().refresh(a.handle, 0) == RELAY_OK);
  REQUIRE(fake().http.size() == 1);
  const HttpCall& call = fake().http[0];
  CHECK(call.method == "POST");
  CHECK(call.url == "https://platform.claude.com/v1/oauth/token");
  rapidjson::Document doc;
  doc.Parse(call.body.c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc.MemberCount() == 3);
  CHECK(std::string(doc["grant_type"].GetString()) == "refresh_token");
  CHECK(std::string(doc["refresh_token"].GetString()) == "rt-config");
  CHECK(std::string(doc["client_id"].GetString()) == "9d1c250a-e61b-44d9-88ed-5944d1962f5e");
  bool json_type = false;
  for (const Header& h : call.headers)
    json_type = json_type || (h.name == "content-type" && h.value == "application/json");
  CHECK(json_type);
  CHECK(call.call_id != 0);
}

TEST_CASE("token_url and client_id come from the config when set") {
  fake().reset();
  Account a(newAccount("claude-oauth", R"({"id":"x","refresh_token":"r",
    "token_url":"http://127.0.0.1:1/token","client_id":"my-client"})"));
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 1);
  CHECK(fake().http[0].url == "http://127.0.0.1:1/token");
  CHECK(fake().http[0].body.find(R"("client_id":"my-client")") != std::string::npos);
}

TEST_CASE("a rotated token is stored in order, scheduled, then announced") {
  fake().reset();
  Account a(newAccount("claude-oauth", kOAuthJson));
  plugin().refresh(a.handle, 0);
  REQUIRE(fake().http.size() == 1);
  fake().calls.clear();
  answer(a.handle, fake().http[0].call_id, 200, kGrant);
  int64_t expires = fake().now_ms + 28800 * 1000LL;
  std::vector<std::string> expected = {
      "put refresh_token",
      "put access_token",
      "put expires_at_ms",
      "put config_refresh_token_sha256",
      "schedule " + std::to_string(expires - 5 * 60 * 1000) + " " + std::to_string(expires),
      "ready"};
  CHECK(fake().calls == expected);
  CHECK(fake().store["refresh_token"] == "rt-rotated");
  CHECK(fake().store["access_token"] == "at-new");
  CHECK(fake().store["expires_at_ms"] == std::to_string(expires));
  CHECK(fake().store["config_refresh_token_sha256"] ==
        relay::plugin_common::sha256Hex("rt-config"));

  // Durable rotation: the new access token waits for the host's commit confirmation.
  fake().headers.clear();
  CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  plugin().credentials_committed(a.handle, 1);
  // The new access token is used, and the next refresh sends the rotated refresh token.
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-new");
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 2);
  CHECK(fake().http[1].body.find("rt-rotated") != std::string::npos);
  CHECK(fake().http[1].body.find("rt-config") == std::string::npos);
}

TEST_CASE("expires_in missing means one hour") {
  fake().reset();
  Account a(newAccount("claude-oauth", kOAuthJson));
  plugin().refresh(a.handle, 1);
  answer(a.handle, fake().http[0].call_id, 200, R"({"access_token":"a","refresh_token":"r2"})");
  CHECK(fake().store["expires_at_ms"] == std::to_string(fake().now_ms + 3600 * 1000LL));
}

TEST_CASE("token answers: deep JSON is refused, a huge expires_in is clamped") {
  relay::claude::TokenGrant grant;
  std::string why;
  CHECK_FALSE(relay::claude::parseTokenGrant(std::string(100000, '['), &grant, &why));
  CHECK(why == "the token answer is not JSON");
  CHECK(relay::plugin_common::oauthErrorCode(R"({"error":)" + std::string(100000, '{')).empty());
  REQUIRE(
      relay::claude::parseTokenGrant(R"({"access_token":"a","expires_in":1e300})", &grant, &why));
  CHECK(grant.expires_in_seconds == 10LL * 365 * 24 * 3600);
  // CVE-2024-38517's shape: refused, never handed to RapidJSON's conversion.
  CHECK_FALSE(relay::claude::parseTokenGrant(
      R"({"access_token":"a","expires_in":0.000000000001e-2147483639})", &grant, &why));
}

TEST_CASE("Claude's token answers are read in both of the endpoint's error shapes") {
  using relay::claude::tokenErrorCode;
  CHECK(tokenErrorCode(R"({"error":"invalid_grant","error_description":"x"})") == "invalid_grant");
  CHECK(tokenErrorCode(R"({"type":"error","error":{"type":"invalid_request_error"}})") ==
        "invalid_request_error");
  CHECK(tokenErrorCode(R"({"error":{"message":"no type"}})").empty());
  CHECK(tokenErrorCode("not json").empty());
  CHECK(tokenErrorCode(R"({"error":")" + std::string(100, 'x') + R"("})").size() == 64);
}

TEST_CASE("refresh with a valid token and no force ends at once; force refreshes anyway") {
  fake().reset();
  std::string json = R"({"id":"v","refresh_token":"rt","access_token":"at","expires_at":)" +
                     std::to_string(fake().now_ms / 1000 + 7200) + "}";
  Account a(newAccount("claude-oauth", json));
  fake().calls.clear();
  plugin().refresh(a.handle, 0);
  CHECK(fake().calls == std::vector<std::string>{"ready"});
  CHECK(fake().http.empty());
  plugin().refresh(a.handle, 1);
  CHECK(fake().http.size() == 1);
}

TEST_CASE("a token inside the 5-minute window is refreshed in the background") {
  fake().reset();
  std::string json = R"({"id":"v","refresh_token":"rt","access_token":"at","expires_at":)" +
                     std::to_string(fake().now_ms / 1000 + 120) + "}";
  Account a(newAccount("claude-oauth", json));
  plugin().refresh(a.handle, 0);
  CHECK(fake().http.size() == 1);
}

TEST_CASE("API accounts have nothing to refresh") {
  fake().reset();
  Account a(newAccount("claude-api", R"({"id":"k","api_key":"key"})"));
  plugin().refresh(a.handle, 1);
  CHECK(fake().calls == std::vector<std::string>{"ready"});
}

TEST_CASE("refresh failures are logged naming the account and status, never a token") {
  struct Row {
    int32_t status;
    std::string body;
    std::string error;
    std::string expect;
    uint32_t failure_class;
  } rows[] = {
      {400, R"({"error":"invalid_grant","error_description":"rt-config is dead"})", "",
       "HTTP 400 invalid_grant", RELAY_CLASS_PERMANENT},
      {401, R"({"error":"invalid_grant"})", "", "HTTP 401 invalid_grant", RELAY_CLASS_PERMANENT},
      {400, R"({"error":"invalid_request"})", "", "HTTP 400 invalid_request",
       RELAY_CLASS_TRANSIENT},
      {500, "oops", "", "HTTP 500", RELAY_CLASS_TRANSIENT},
      {503, R"({"error":"invalid_grant"})", "", "HTTP 503", RELAY_CLASS_TRANSIENT},
      {0, "", "connect timed out", "status 0", RELAY_CLASS_TRANSIENT},
      {200, R"({"error":"invalid_grant"})", "", "HTTP 200 invalid_grant", RELAY_CLASS_TRANSIENT},
      // The endpoint's API-style error: its type is named too.
      {400, R"({"type":"error","error":{"type":"invalid_request_error","message":"Invalid"}})", "",
       "HTTP 400 invalid_request_error", RELAY_CLASS_TRANSIENT},
  };
  for (const Row& row : rows) {
    fake().reset();
    Account a(newAccount("claude-oauth", kOAuthJson));
    plugin().refresh(a.handle, 1);
    REQUIRE(fake().http.size() == 1);
    answer(a.handle, fake().http[0].call_id, row.status, row.body, row.error);
    REQUIRE(fake().calls.size() == 2);
    const std::string& failed = fake().calls[1];
    CHECK(failed.rfind("failed ", 0) == 0);
    bool logged = false;
    for (const std::string& log : fake().logs)
      logged = logged || (log.find("'oa1'") != std::string::npos &&
                          log.find(row.expect) != std::string::npos);
    CHECK(logged);
    CHECK(failed.find(row.expect) != std::string::npos);
    CHECK(failed.find("rt-config") == std::string::npos);
    CHECK(fake().failure_classes == std::vector<uint32_t>{row.failure_class});
    CHECK(fake().store.empty());
    for (const std::string& log : fake().logs) CHECK(log.find("rt-config") == std::string::npos);
  }
}

TEST_CASE("one refresh in flight; stray answers are ignored") {
  fake().reset();
  Account a(newAccount("claude-oauth", kOAuthJson));
  plugin().refresh(a.handle, 1);
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 1);
  answer(a.handle, fake().http[0].call_id + 99, 200, kGrant);
  CHECK_FALSE(anyCallContains("ready"));
  answer(a.handle, fake().http[0].call_id, 200, kGrant);
  CHECK(anyCallContains("ready"));
  plugin().refresh(a.handle, 1);  // the next one may start
  CHECK(fake().http.size() == 2);
}

TEST_CASE("account_new prefers the stored rotated token while the config's token is unchanged") {
  fake().reset();
  fake().store = {{"refresh_token", "rt-stored"},
                  {"access_token", "at-stored"},
                  {"expires_at_ms", std::to_string(fake().now_ms + 3600 * 1000LL)},
                  {"config_refresh_token_sha256", relay::plugin_common::sha256Hex("rt-config")}};
  Account a(newAccount("claude-oauth", kOAuthJson));
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-stored");
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 1);
  CHECK(fake().http[0].body.find(R"("refresh_token":"rt-stored")") != std::string::npos);
  CHECK(anyCallContains("schedule "));  // the known expiry is announced at start-up
}

TEST_CASE("account_new uses the config's token when it changed since the last rotation") {
  fake().reset();
  fake().store = {
      {"refresh_token", "rt-stored"},
      {"access_token", "at-stored"},
      {"expires_at_ms", std::to_string(fake().now_ms + 3600 * 1000LL)},
      {"config_refresh_token_sha256", relay::plugin_common::sha256Hex("rt-older-config")}};
  Account a(newAccount("claude-oauth", kOAuthJson));
  CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  plugin().refresh(a.handle, 0);
  REQUIRE(fake().http.size() == 1);
  CHECK(fake().http[0].body.find(R"("refresh_token":"rt-config")") != std::string::npos);
}

TEST_CASE("an OAuth account with only an access token fails a refresh cleanly") {
  fake().reset();
  Account a(newAccount("claude-oauth", R"({"id":"st","access_token":"at-long"})"));
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-long");
  fake().calls.clear();
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().calls.size() == 1);
  CHECK(fake().calls[0].find("no refresh_token") != std::string::npos);
  CHECK(fake().failure_classes == std::vector<uint32_t>{RELAY_CLASS_PERMANENT});
  CHECK(fake().http.empty());
}

TEST_CASE("an account never logged in fails for good, naming relay-server login") {
  fake().reset();
  Account a(newAccount("claude-oauth", R"({"id":"never"})"));
  CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  fake().calls.clear();
  plugin().refresh(a.handle, 0);
  REQUIRE(fake().calls.size() == 1);
  CHECK(fake().calls[0].find("not logged in: run relay-server login") != std::string::npos);
  CHECK(fake().failure_classes == std::vector<uint32_t>{RELAY_CLASS_PERMANENT});
}

TEST_CASE("token endpoint down: the current token serves until it expires, retried meanwhile") {
  fake().reset();
  int64_t expires_ms = fake().now_ms + 8000;  // inside the 10 s margin: a refresh is due
  std::string json = R"({"id":"down","refresh_token":"rt","access_token":"at-old","expires_at":)" +
                     std::to_string(expires_ms / 1000) + "}";
  Account a(newAccount("claude-oauth", json));
  expires_ms = expires_ms / 1000 * 1000;
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  fake().calls.clear();
  plugin().refresh(a.handle, 0);
  REQUIRE(fake().http.size() == 1);
  answer(a.handle, fake().http[0].call_id, 503, "down");
  CHECK(fake().failure_classes == std::vector<uint32_t>{RELAY_CLASS_TRANSIENT});
  // The retry is scheduled (at the token's expiry at the latest), and the old token still serves.
  CHECK(anyCallContains("schedule " + std::to_string(expires_ms) + " "));
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-old");
  plugin().refresh(a.handle, 0);  // no new call before the retry time
  CHECK(fake().http.size() == 1);
  fake().now_ms = expires_ms;  // expired: no token to send, a refresh is due again
  CHECK(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_NEED_CREDENTIALS);
  plugin().refresh(a.handle, 0);
  CHECK(fake().http.size() == 2);
}

TEST_CASE("new stored credentials drop the refresh in flight; its late answer is ignored") {
  fake().reset();
  Account a(newAccount("claude-oauth", kOAuthJson));
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 1);
  // A login stored new tokens meanwhile; the host tells the plugin.
  fake().store["refresh_token"] = "rt-login";
  fake().store["access_token"] = "at-login";
  fake().store["expires_at_ms"] = std::to_string(fake().now_ms + 3600 * 1000);
  fake().calls.clear();
  plugin().credentials_changed(a.handle);
  CHECK(anyCallContains("ready"));
  fake().calls.clear();
  answer(a.handle, fake().http[0].call_id, 200, kGrant);
  CHECK(fake().calls.empty());
  CHECK(fake().store["refresh_token"] == "rt-login");
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-login");
}

TEST_CASE("prepare on worker threads sees whole tokens while refreshes land") {
  fake().reset();
  Account a(newAccount("claude-oauth", kOAuthJson));
  plugin().refresh(a.handle, 1);
  answer(a.handle, fake().http.back().call_id, 200, kGrant);
  plugin().credentials_committed(a.handle, 1);  // the host confirmed the commit
  std::atomic<bool> stop{false};
  std::atomic<int> not_ready{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 3; ++t) {
    workers.emplace_back([&] {
      while (!stop.load()) {
        if (prepare(a.handle, RequestSpec()) != RELAY_PREPARE_READY) not_ready++;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    plugin().refresh(a.handle, 1);
    std::string grant = R"({"access_token":"at-)" + std::to_string(i) +
                        R"(","refresh_token":"rt-)" + std::to_string(i) + R"(","expires_in":3600})";
    answer(a.handle, fake().http.back().call_id, 200, grant);
    plugin().credentials_committed(a.handle, 1);
  }
  stop = true;
  for (std::thread& w : workers) w.join();
  CHECK(not_ready.load() == 0);
  for (const std::string& value : fake().headerValues("authorization")) {
    bool whole = value == "Bearer at-new" ||
                 (value.rfind("Bearer at-", 0) == 0 && value.size() > 10 && value.size() <= 13);
    CHECK_MESSAGE(whole, value);
  }
  CHECK(fake().store["refresh_token"] == "rt-199");
}

TEST_CASE("a failed commit keeps the valid old access token; the rotated refresh token is used") {
  fake().reset();
  std::string json = R"({"id":"v","refresh_token":"rt","access_token":"at-old","expires_at":)" +
                     std::to_string(fake().now_ms / 1000 + 120) + "}";
  Account a(newAccount("claude-oauth", json));
  plugin().refresh(a.handle, 0);  // inside the refresh-ahead window
  REQUIRE(fake().http.size() == 1);
  answer(a.handle, fake().http[0].call_id, 200, kGrant);
  plugin().credentials_committed(a.handle, 0);
  fake().headers.clear();
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-old");
  bool warned = false;
  for (const std::string& log : fake().logs)
    warned = warned || log.find("not on disk yet") != std::string::npos;
  CHECK(warned);
  // Not due again (the new pair is the newest), and a later refresh sends the rotated token.
  fake().calls.clear();
  plugin().refresh(a.handle, 0);
  CHECK(fake().calls == std::vector<std::string>{"ready"});
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 2);
  CHECK(fake().http[1].body.find("rt-rotated") != std::string::npos);

  // Once the old access token expires, the held one serves rather than failing requests.
  fake().now_ms += 200 * 1000;
  fake().headers.clear();
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-new");
}

TEST_CASE("a failed commit of a forced refresh uses the new token: the old one was refused") {
  fake().reset();
  std::string json = R"({"id":"v","refresh_token":"rt","access_token":"at-old","expires_at":)" +
                     std::to_string(fake().now_ms / 1000 + 7200) + "}";
  Account a(newAccount("claude-oauth", json));
  plugin().refresh(a.handle, 1);
  REQUIRE(fake().http.size() == 1);
  answer(a.handle, fake().http[0].call_id, 200, kGrant);
  fake().headers.clear();
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-old");  // not published before the commit
  plugin().credentials_committed(a.handle, 0);
  fake().headers.clear();
  REQUIRE(prepare(a.handle, RequestSpec()) == RELAY_PREPARE_READY);
  CHECK(fake().header("authorization") == "Bearer at-new");
}
