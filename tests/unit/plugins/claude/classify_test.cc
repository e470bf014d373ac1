// classify: every row of the error table in PROTOCOLS.md part B.
#include <doctest/doctest.h>

#include "fake_host.h"

using namespace claude_test;

namespace {

struct Result {
  uint32_t kind;
  uint64_t ms;
  std::string family;
  std::string reason;
};

Result classify(int32_t status, const std::vector<Header>& headers = {},
                const std::string& body = "", const std::string& model = "claude-sonnet-4-5") {
  static relay_plugin_account_t* account = newAccount("claude-api", R"({"id":"c","api_key":"k"})");
  std::vector<relay_header_t> hs;
  for (const Header& h : headers) hs.push_back({slice(h.name), slice(h.value)});
  relay_action_t action{};
  action.struct_size = sizeof(action);
  plugin().classify(account, status, hs.data(), hs.size(), slice(body), slice(model), &action);
  return {action.kind, action.ms, action.family, action.reason};
}

constexpr uint64_t kMin = 60 * 1000;

std::string resetIn(int64_t seconds) {
  return std::to_string(fake().now_ms / 1000 + seconds);
}

}  // namespace

TEST_CASE("2xx is OK") {
  CHECK(classify(200).kind == RELAY_ACTION_OK);
  CHECK(classify(204).kind == RELAY_ACTION_OK);
}

TEST_CASE("401 cools the account down for 30 minutes") {
  Result r = classify(401, {}, R"({"type":"error","error":{"type":"authentication_error"}})");
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 30 * kMin);
  CHECK(r.reason == "401 unauthorized");
}

TEST_CASE("402 cools the account down for an hour") {
  Result r = classify(402);
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 60 * kMin);
  CHECK(r.reason.find("402") != std::string::npos);
}

TEST_CASE("403 disables only for a disabled organization or refused OAuth") {
  Result r = classify(403, {}, R"({"error":{"message":"This organization has been disabled."}})");
  CHECK(r.kind == RELAY_ACTION_DISABLE);
  CHECK(r.reason.find("403") != std::string::npos);
  r = classify(
      403, {},
      R"({"error":{"message":"OAuth authentication is currently not allowed for this organization."}})");
  CHECK(r.kind == RELAY_ACTION_DISABLE);
  CHECK(classify(403, {}, R"({"error":{"type":"permission_error"}})").kind ==
        RELAY_ACTION_PASS_THROUGH);
}

TEST_CASE("400, 404, 413, 422 pass through to the client") {
  for (int32_t s : {400, 404, 413, 422}) CHECK(classify(s).kind == RELAY_ACTION_PASS_THROUGH);
}

TEST_CASE("429 with a weekly family claim limits that family until the reset") {
  fake().reset();
  Result r = classify(429,
                      {{"anthropic-ratelimit-unified-status", "rejected"},
                       {"anthropic-ratelimit-unified-reset", resetIn(7200)},
                       {"anthropic-ratelimit-unified-representative-claim", "seven_day_opus"}},
                      "", "claude-sonnet-4-5");
  CHECK(r.kind == RELAY_ACTION_LIMIT_MODEL_FAMILY);
  CHECK(r.family == "opus");  // the claim wins over the model name
  CHECK(r.ms == 7200 * 1000);
  r = classify(429, {{"Anthropic-Ratelimit-Unified-Reset", resetIn(3 * 86400)},
                     {"anthropic-ratelimit-unified-representative-claim", "seven_day_sonnet"}});
  CHECK(r.kind == RELAY_ACTION_LIMIT_MODEL_FAMILY);
  CHECK(r.family == "sonnet");
  CHECK(r.ms == 3 * 86400 * 1000ULL);  // a family limit is not capped
}

TEST_CASE("429 whose body names a weekly Opus limit limits the model's family") {
  fake().reset();
  Result r = classify(
      429, {{"retry-after", "5"}},
      R"({"type":"error","error":{"type":"rate_limit_error","message":"You have reached your weekly limit for Opus."}})",
      "claude-opus-4-5");
  CHECK(r.kind == RELAY_ACTION_LIMIT_MODEL_FAMILY);
  CHECK(r.family == "opus");
}

TEST_CASE("429 account-wide unified reset cools down until the reset, honoured up to 8 days") {
  fake().reset();
  Result r = classify(429, {{"anthropic-ratelimit-unified-status", "rejected"},
                            {"anthropic-ratelimit-unified-reset", resetIn(600)},
                            {"anthropic-ratelimit-unified-representative-claim", "five_hour"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 600 * 1000);
  r = classify(429,
               {{"anthropic-ratelimit-unified-reset", resetIn(5 * 3600)}, {"retry-after", "2"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 5 * 60 * kMin);
  r = classify(429, {{"anthropic-ratelimit-unified-reset", resetIn(7 * 86400)}});
  CHECK(r.ms == 7 * 24 * 60 * kMin);
  r = classify(429, {{"anthropic-ratelimit-unified-reset", resetIn(30 * 86400)}});
  CHECK(r.ms == 8 * 24 * 60 * kMin);
}

TEST_CASE("429 with a short retry-after retries the same account") {
  Result r = classify(429, {{"retry-after", "3"}});
  CHECK(r.kind == RELAY_ACTION_RETRY_AFTER);
  CHECK(r.ms == 3000);
  r = classify(429, {{"retry-after", "10"}});
  CHECK(r.kind == RELAY_ACTION_RETRY_AFTER);
  CHECK(r.ms == 10000);
}

TEST_CASE("other 429s cool down for retry-after; without one they propose no rest") {
  Result r = classify(429, {{"retry-after", "11"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 11000);
  r = classify(429, {{"retry-after", "86400"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 24 * 60 * kMin);
  r = classify(429);
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 0);  // no announced reset: the host's rate_limit_max
}

TEST_CASE("529 or an overloaded_error body excludes the account for 5 minutes") {
  Result r = classify(529);
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 5 * kMin);
  r = classify(500, {}, R"({"type":"error","error":{"type":"overloaded_error","message":"x"}})");
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 5 * kMin);
}

TEST_CASE("5xx and transport failures cool down for 60 s; other statuses pass through") {
  for (int32_t s : {0, 500, 502, 503, 504}) {
    Result r = classify(s);
    CHECK(r.kind == RELAY_ACTION_COOLDOWN);
    CHECK(r.ms == kMin);
    CHECK(r.reason.find(std::to_string(s)) != std::string::npos);
  }
  for (int32_t s : {301, 409, 418, 501, 505}) CHECK(classify(s).kind == RELAY_ACTION_PASS_THROUGH);
}

// ---- classify_answer (ABI 1.1): the decisions that used to live in the host ----

namespace {

relay_action_t classifyAnswer(relay_plugin_account_t* account, int32_t status,
                              const std::string& path, const std::vector<Header>& headers = {},
                              int32_t after_forced_refresh = 0) {
  std::vector<relay_header_t> hs;
  for (const Header& h : headers) hs.push_back({slice(h.name), slice(h.value)});
  relay_request_view_t view{};
  view.struct_size = sizeof view;
  view.path = slice(path);
  view.model = slice("claude-sonnet-4-5");
  relay_answer_t answer{};
  answer.struct_size = sizeof answer;
  answer.status = status;
  answer.headers = hs.data();
  answer.header_count = hs.size();
  answer.after_forced_refresh = after_forced_refresh;
  relay_action_t action{};
  action.struct_size = sizeof action;
  REQUIRE(RELAY_PLUGIN_HAS(&plugin(), classify_answer));
  plugin().classify_answer(account, &view, &answer, &action);
  return action;
}

relay_plugin_account_t* apiAccount() {
  static relay_plugin_account_t* a = newAccount("claude-api", R"({"id":"c11","api_key":"k"})");
  return a;
}

relay_plugin_account_t* oauthAccount() {
  static relay_plugin_account_t* a = newAccount(
      "claude-oauth", R"({"id":"o11","refresh_token":"rt","access_token":"at","expires_at":)" +
                          std::to_string(fake().now_ms / 1000 + 3600) + "}");
  return a;
}

}  // namespace

TEST_CASE("classify_answer: the plugin serves the anthropic format only") {
  REQUIRE(plugin().formats != nullptr);
  CHECK(std::string(plugin().formats[0]) == "anthropic");
  CHECK(plugin().formats[1] == nullptr);
  CHECK(plugin().response_observes != 0);
}

TEST_CASE("classify_answer: token-count errors never touch the account; successes are OK") {
  for (int status : {401, 429, 500, 529}) {
    CHECK(classifyAnswer(apiAccount(), status, "/v1/messages/count_tokens").kind ==
          RELAY_ACTION_PASS_THROUGH);
  }
  CHECK(classifyAnswer(apiAccount(), 200, "/v1/messages/count_tokens").kind == RELAY_ACTION_OK);
  CHECK(classifyAnswer(apiAccount(), 529, "/v1/messages").kind == RELAY_ACTION_COOLDOWN);
}

TEST_CASE("classify_answer: a 401 asks for one forced refresh when the account can refresh") {
  relay_action_t a = classifyAnswer(oauthAccount(), 401, "/v1/messages");
  CHECK(a.kind == RELAY_ACTION_REFRESH_AND_RETRY);
  relay_action_t again = classifyAnswer(oauthAccount(), 401, "/v1/messages", {}, 1);
  CHECK(again.kind == RELAY_ACTION_COOLDOWN);
  CHECK(again.failure_class == RELAY_CLASS_PERMANENT);
  CHECK(classifyAnswer(apiAccount(), 401, "/v1/messages").kind == RELAY_ACTION_COOLDOWN);
}

TEST_CASE("classify_answer: failure classes, and the 5-hour warning as the account's note") {
  CHECK(classifyAnswer(apiAccount(), 529, "/v1/messages").failure_class == RELAY_CLASS_TRANSIENT);
  CHECK(classifyAnswer(apiAccount(), 0, "/v1/messages").failure_class == RELAY_CLASS_TRANSIENT);
  CHECK(classifyAnswer(apiAccount(), 429, "/v1/messages").failure_class ==
        RELAY_CLASS_RATE_LIMITED);
  CHECK(classifyAnswer(apiAccount(), 402, "/v1/messages").failure_class == RELAY_CLASS_PERMANENT);
  CHECK(classifyAnswer(apiAccount(), 400, "/v1/messages").failure_class == RELAY_CLASS_NONE);
  relay_action_t warned =
      classifyAnswer(apiAccount(), 200, "/v1/messages",
                     {{"anthropic-ratelimit-unified-5h-status", "allowed_warning"}});
  CHECK(warned.kind == RELAY_ACTION_OK);
  CHECK(std::string(warned.note) == "anthropic-ratelimit-unified-5h-status: allowed_warning");
  CHECK(std::string(classifyAnswer(apiAccount(), 200, "/v1/messages").note).empty());
}
