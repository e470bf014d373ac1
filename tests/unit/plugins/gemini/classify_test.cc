// classify_answer: Google's error rows mapped onto failover actions and failure classes.
#include <doctest/doctest.h>

#include "gemini_classify.h"

using namespace relay::gemini;

namespace {

relay_action_t classify(int status, const std::string& body, const char* method = "generateContent",
                        bool can_refresh = false, bool after = false) {
  relay_action_t a{};
  a.struct_size = sizeof a;
  GeminiAnswer g;
  g.status = status;
  g.body_prefix = body;
  g.model = "gemini-2.5-pro";
  g.method = method;
  g.can_refresh = can_refresh;
  g.after_forced_refresh = after;
  classifyGeminiAnswer(g, &a);
  return a;
}

std::string googleError(int code, const char* status, const char* message,
                        const std::string& details = "") {
  return R"({"error":{"code":)" + std::to_string(code) + R"(,"message":")" + message +
         R"(","status":")" + status + R"(","details":[)" + details + "]}}";
}

}  // namespace

TEST_CASE("a per-model quota limits that model until RetryInfo") {
  std::string details =
      R"({"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":)"
      R"("generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":)"
      R"("GenerateRequestsPerMinutePerProjectPerModel-FreeTier","quotaDimensions":{"model":)"
      R"("gemini-2.5-pro"}}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"51.8s"})";
  auto a = classify(429, googleError(429, "RESOURCE_EXHAUSTED", "quota", details));
  CHECK(a.kind == RELAY_ACTION_LIMIT_MODEL_FAMILY);
  CHECK(std::string(a.family) == "gemini-2.5-pro");
  CHECK(a.ms == 51800);
  CHECK(a.failure_class == RELAY_CLASS_RATE_LIMITED);
}

TEST_CASE("a quota not per model cools the whole account") {
  std::string details =
      R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"20s"})";
  auto a = classify(429, googleError(429, "RESOURCE_EXHAUSTED", "rate", details));
  CHECK(a.kind == RELAY_ACTION_COOLDOWN);
  CHECK(a.ms == 20000);
  CHECK(a.failure_class == RELAY_CLASS_RATE_LIMITED);
  CHECK(classify(429, "not json").kind == RELAY_ACTION_COOLDOWN);
}

TEST_CASE("an invalid API key and a project permission problem are permanent") {
  std::string info =
      R"({"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"})";
  auto a = classify(400, googleError(400, "INVALID_ARGUMENT", "API key not valid.", info));
  CHECK(a.kind == RELAY_ACTION_COOLDOWN);
  CHECK(a.failure_class == RELAY_CLASS_PERMANENT);
  auto d = classify(403, googleError(403, "PERMISSION_DENIED",
                                     "Cloud Code Private API has not been used in project 1"));
  CHECK(d.kind == RELAY_ACTION_COOLDOWN);
  CHECK(d.failure_class == RELAY_CLASS_PERMANENT);
  CHECK(std::string(d.reason).find("Cloud Code Private API") != std::string::npos);
  // Any other 400 is the client's problem.
  CHECK(classify(400, googleError(400, "INVALID_ARGUMENT", "bad")).kind ==
        RELAY_ACTION_PASS_THROUGH);
}

TEST_CASE("401 refreshes once on OAuth, then is permanent") {
  CHECK(classify(401, "", "generateContent", true).kind == RELAY_ACTION_REFRESH_AND_RETRY);
  auto a = classify(401, "", "generateContent", true, true);
  CHECK(a.kind == RELAY_ACTION_COOLDOWN);
  CHECK(a.failure_class == RELAY_CLASS_PERMANENT);
}

TEST_CASE("5xx, 503 UNAVAILABLE and transport failures are transient; countTokens passes") {
  auto a = classify(503, googleError(503, "UNAVAILABLE", "The model is overloaded."));
  CHECK(a.kind == RELAY_ACTION_COOLDOWN);
  CHECK(a.failure_class == RELAY_CLASS_TRANSIENT);
  CHECK(classify(500, "").failure_class == RELAY_CLASS_TRANSIENT);
  CHECK(classify(0, "").failure_class == RELAY_CLASS_TRANSIENT);
  CHECK(classify(503, "", "countTokens").kind == RELAY_ACTION_PASS_THROUGH);
  CHECK(classify(200, "").kind == RELAY_ACTION_OK);
}

TEST_CASE("retryDelay parsing") {
  CHECK(parseRetryDelay("51.8s") == 51800u);
  CHECK(parseRetryDelay("0s") == 0u);
  CHECK_FALSE(parseRetryDelay("soon"));
  CHECK_FALSE(parseRetryDelay("5"));
}
