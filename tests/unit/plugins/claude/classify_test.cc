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

TEST_CASE("429 account-wide unified reset cools down until the reset, capped at 30 minutes") {
  fake().reset();
  Result r = classify(429, {{"anthropic-ratelimit-unified-status", "rejected"},
                            {"anthropic-ratelimit-unified-reset", resetIn(600)},
                            {"anthropic-ratelimit-unified-representative-claim", "five_hour"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 600 * 1000);
  r = classify(429,
               {{"anthropic-ratelimit-unified-reset", resetIn(5 * 3600)}, {"retry-after", "2"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 30 * kMin);
}

TEST_CASE("429 with a short retry-after retries the same account") {
  Result r = classify(429, {{"retry-after", "3"}});
  CHECK(r.kind == RELAY_ACTION_RETRY_AFTER);
  CHECK(r.ms == 3000);
  r = classify(429, {{"retry-after", "10"}});
  CHECK(r.kind == RELAY_ACTION_RETRY_AFTER);
  CHECK(r.ms == 10000);
}

TEST_CASE("other 429s cool down for retry-after, capped, default 60 s") {
  Result r = classify(429, {{"retry-after", "11"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 11000);
  r = classify(429, {{"retry-after", "86400"}});
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == 30 * kMin);
  r = classify(429);
  CHECK(r.kind == RELAY_ACTION_COOLDOWN);
  CHECK(r.ms == kMin);
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
