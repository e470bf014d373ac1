// The OAuth flow: Google token refresh, then loadCodeAssist / onboardUser (polled) for the
// project, which is stored; failures end the flow with credentials_failed. The operation is
// polled on a host timer, a bounded number of times.
#include <doctest/doctest.h>

#include <algorithm>

#include "fake_host.h"
#include "token_answer.h"

using namespace claude_test;

namespace {

void answer(relay_plugin_account_t* account, int status, const std::string& body,
            const std::string& error = "") {
  REQUIRE_FALSE(fake().http.empty());
  relay_http_response_t r{};
  r.struct_size = sizeof r;
  r.status = status;
  r.body = slice(body);
  r.error = slice(error);
  plugin().on_http_done(account, fake().http.back().call_id, &r);
}

bool called(const std::string& prefix) {
  return std::any_of(fake().calls.begin(), fake().calls.end(),
                     [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST_CASE("token, loadCodeAssist, onboardUser polled until done: the project is stored") {
  fake().reset();
  auto* account = newAccount(
      "gemini",
      R"({"id":"o1","refresh_token":"1//r&x","api_url":"http://ca","token_url":"http://t/token"})");
  REQUIRE(account);
  CHECK(plugin().refresh(account, 0) == RELAY_OK);
  REQUIRE(fake().http.size() == 1);
  CHECK(fake().http[0].url == "http://t/token");
  CHECK(fake().http[0].body.find("grant_type=refresh_token&refresh_token=1%2F%2Fr%26x") == 0);
  CHECK(fake().http[0].body.find("client_id=681255809395-") != std::string::npos);
  CHECK(fake().http[0].body.find("client_secret=") != std::string::npos);
  // A second refresh while the flow runs starts nothing.
  plugin().refresh(account, 0);
  CHECK(fake().http.size() == 1);

  answer(account, 200, R"({"access_token":"ya29.a","expires_in":3599,"token_type":"Bearer"})");
  CHECK(fake().store["access_token"] == "ya29.a");
  REQUIRE(fake().http.size() == 2);
  CHECK(fake().http[1].url == "http://ca/v1internal:loadCodeAssist");
  answer(account, 200, R"({"allowedTiers":[{"id":"free-tier","isDefault":true}]})");
  REQUIRE(fake().http.size() == 3);
  CHECK(fake().http[2].url == "http://ca/v1internal:onboardUser");
  CHECK(fake().http[2].body.find(R"("tierId":"free-tier")") != std::string::npos);
  CHECK(fake().http[2].body.find("cloudaicompanionProject") == std::string::npos);
  answer(account, 200, R"({"name":"operations/op-1","done":false})");
  // Not polled at once: a timer 2 s later polls the operation.
  CHECK(fake().http.size() == 3);
  REQUIRE(fake().timers.size() == 1);
  CHECK(fake().timers[0].at_ms == fake().now_ms + 2000);
  REQUIRE(static_cast<bool>(plugin().on_timer));
  plugin().on_timer(account, fake().timers[0].id);
  REQUIRE(fake().http.size() == 4);
  CHECK(fake().http[3].method == "GET");
  CHECK(fake().http[3].url == "http://ca/v1internal/operations/op-1");
  CHECK_FALSE(called("ready"));
  answer(
      account, 200,
      R"({"name":"operations/op-1","done":true,"response":{"cloudaicompanionProject":{"id":"free-proj-9","name":"x"}}})");
  CHECK(fake().store["project_id"] == "free-proj-9");
  CHECK(called("ready"));

  RequestSpec r;
  r.path = "/gemini/v1beta/models/gemini-2.5-pro:generateContent";
  r.body = R"({"contents":[]})";
  r.model = "gemini-2.5-pro";
  r.format = "gemini";
  CHECK(prepare(account, r) == RELAY_PREPARE_READY);
  CHECK(fake().body.find(R"("project":"free-proj-9")") != std::string::npos);
  plugin().account_free(account);

  // A restart: the stored project and token are used without any call.
  fake().calls.clear();
  fake().http.clear();
  account = newAccount("gemini", R"({"id":"o1","refresh_token":"1//r&x","api_url":"http://ca"})");
  CHECK(prepare(account, r) == RELAY_PREPARE_READY);
  CHECK(fake().body.find(R"("project":"free-proj-9")") != std::string::npos);
  CHECK(fake().http.empty());
  plugin().account_free(account);
}

TEST_CASE("loadCodeAssist naming the project ends the flow") {
  fake().reset();
  auto* account = newAccount("gemini", R"({"id":"o1","refresh_token":"r"})");
  plugin().refresh(account, 0);
  answer(account, 200, R"({"access_token":"ya29.a","expires_in":3599})");
  answer(account, 200, R"({"currentTier":{"id":"standard-tier"},"cloudaicompanionProject":"p-7"})");
  CHECK(fake().store["project_id"] == "p-7");
  CHECK(called("ready"));
  plugin().account_free(account);
}

TEST_CASE("invalid_grant and an unreachable token endpoint fail the refresh, saying which") {
  fake().reset();
  auto* account = newAccount("gemini", R"({"id":"o1","refresh_token":"r","project_id":"p"})");
  plugin().refresh(account, 0);
  answer(account, 400, R"({"error":"invalid_grant","error_description":"Bad Request"})");
  CHECK(called("failed"));
  CHECK(fake().calls.back().find("invalid_grant") != std::string::npos);
  fake().calls.clear();
  plugin().refresh(account, 1);
  answer(account, 0, "", "connection refused");
  CHECK(fake().calls.back().find("unreachable") != std::string::npos);
  // A dead grant waits for a login; an unreachable endpoint may recover (ABI 1.3 classes).
  CHECK(fake().failure_classes ==
        std::vector<uint32_t>{RELAY_CLASS_PERMANENT, RELAY_CLASS_TRANSIENT});
  plugin().account_free(account);
}

TEST_CASE("Google's token endpoint is read in its own error shape only") {
  using relay::plugin_common::oauthErrorCode;
  CHECK(oauthErrorCode(R"({"error":"invalid_grant","error_description":"Token has been expired or )"
                       R"(revoked."})") == "invalid_grant");
  // An API-style error object is no answer Google's OAuth endpoint gives: no code in it counts.
  CHECK(oauthErrorCode(R"({"error":{"type":"invalid_grant","message":"x"}})").empty());
  fake().reset();
  auto* account = newAccount("gemini", R"({"id":"o1","refresh_token":"r","project_id":"p"})");
  plugin().refresh(account, 0);
  answer(account, 400, R"({"error":{"type":"invalid_grant"}})");
  CHECK(called("failed"));
  CHECK(fake().calls.back().find("invalid_grant") == std::string::npos);
  // Not a dead grant: nothing says so in Google's words.
  CHECK(fake().failure_classes == std::vector<uint32_t>{RELAY_CLASS_TRANSIENT});
  plugin().account_free(account);
}

TEST_CASE("an expired access token without a refresh_token fails for good: only a login helps") {
  fake().reset();
  // expires_at is in seconds; the fake clock is past it.
  auto* account = newAccount(
      "gemini",
      R"({"id":"o1","access_token":"ya29.old","expires_at":1600000000,"project_id":"p"})");
  REQUIRE(account);
  plugin().refresh(account, 0);
  CHECK(fake().http.empty());  // nothing to refresh with
  CHECK(called("failed"));
  CHECK(fake().calls.back().find("no refresh_token") != std::string::npos);
  CHECK(fake().calls.back().find("relay-server login") != std::string::npos);
  CHECK(fake().failure_classes == std::vector<uint32_t>{RELAY_CLASS_PERMANENT});
  plugin().account_free(account);

  fake().reset();
  account = newAccount("gemini", R"({"id":"o2","project_id":"p"})");  // never logged in
  REQUIRE(account);
  plugin().refresh(account, 0);
  CHECK(fake().calls.back().find("not logged in") != std::string::npos);
  CHECK(fake().failure_classes == std::vector<uint32_t>{RELAY_CLASS_PERMANENT});
  plugin().account_free(account);
}

TEST_CASE("with a project configured only the token is refreshed") {
  fake().reset();
  auto* account = newAccount("gemini", R"({"id":"o1","refresh_token":"r","project_id":"p"})");
  plugin().refresh(account, 0);
  answer(account, 200, R"({"access_token":"ya29.a","expires_in":3599})");
  CHECK(fake().http.size() == 1);
  CHECK(called("ready"));
  plugin().account_free(account);
}

TEST_CASE("an operation that never finishes ends the flow after the bounded polls, saying so") {
  fake().reset();
  auto* account = newAccount("gemini", R"({"id":"o1","refresh_token":"r","api_url":"http://ca"})");
  plugin().refresh(account, 0);
  answer(account, 200, R"({"access_token":"ya29.a","expires_in":3599})");
  answer(account, 200, R"({"allowedTiers":[{"id":"free-tier","isDefault":true}]})");
  answer(account, 200, R"({"name":"operations/slow","done":false})");
  int polls = 0;
  while (!called("failed") && polls < 100) {
    REQUIRE(!fake().timers.empty());
    size_t before = fake().http.size();
    plugin().on_timer(account, fake().timers.back().id);
    REQUIRE(fake().http.size() == before + 1);
    CHECK(fake().http.back().url == "http://ca/v1internal/operations/slow");
    ++polls;
    answer(account, 200, R"({"name":"operations/slow","done":false})");
  }
  CHECK(polls == 30);
  CHECK(fake().calls.back().find("did not finish after 30 polls") != std::string::npos);
  CHECK_FALSE(called("ready"));
  // A stale timer after the flow ended starts nothing.
  size_t before = fake().http.size();
  plugin().on_timer(account, fake().timers.back().id);
  CHECK(fake().http.size() == before);
  plugin().account_free(account);
}
