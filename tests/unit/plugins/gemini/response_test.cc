// The response transform: Code Assist envelopes unwrapped incrementally (fed one byte at a time
// equals fed whole), API-key answers re-emitted unchanged (or, per account, only observed),
// usage read from usageMetadata.
#include <doctest/doctest.h>

#include <string>

#include "fake_host.h"
#include "gemini_response.h"

using relay::gemini::GeminiResponse;

namespace {

std::string run(bool unwrap, bool sse, const std::string& body, size_t step,
                relay::gemini::UsageCounts* usage = nullptr) {
  std::string out;
  GeminiResponse r(unwrap, sse, [&](std::string_view b) { out.append(b); });
  for (size_t i = 0; i < body.size(); i += step) r.feed(std::string_view(body).substr(i, step));
  r.finish();
  if (usage) *usage = r.usage();
  return out;
}

const std::string kChunk1 =
    R"({"response":{"candidates":[{"content":{"role":"model","parts":[{"text":"Hel\"lo }{ ["}]}}],)"
    R"("usageMetadata":{"promptTokenCount":7}},"traceId":"t1"})";
const std::string kChunk2 =
    R"({"response":{"candidates":[{"content":{"role":"model","parts":[{"text":" world"}]},)"
    R"("finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":3,)"
    R"("thoughtsTokenCount":2,"cachedContentTokenCount":4},"modelVersion":"gemini-2.5-pro"},)"
    R"("traceId":"t1"})";

}  // namespace

TEST_CASE("an SSE stream of envelopes unwraps the same fed one byte at a time as fed whole") {
  std::string body = "data: " + kChunk1 + "\r\n\r\ndata: " + kChunk2 + "\r\n\r\n";
  relay::gemini::UsageCounts usage;
  std::string whole = run(true, true, body, body.size(), &usage);
  CHECK(run(true, true, body, 1) == whole);
  CHECK(run(true, true, body, 7) == whole);
  CHECK(whole.find("traceId") == std::string::npos);
  CHECK(whole.rfind("data: {\"candidates\":", 0) == 0);
  CHECK(whole.find("\r\n\r\ndata: {\"candidates\"") != std::string::npos);
  CHECK(whole.ends_with("}\r\n\r\n"));
  CHECK(whole.find(R"(Hel\"lo }{ [)") != std::string::npos);
  CHECK(usage.seen);
  CHECK(usage.model == "gemini-2.5-pro");
  CHECK(usage.input_tokens == 3);
  CHECK(usage.cache_read_input_tokens == 4);
  CHECK(usage.output_tokens == 5);
}

TEST_CASE("a streamed JSON array of envelopes unwraps to a JSON array, byte by byte too") {
  std::string body = "[" + kChunk1 + ",\r\n" + kChunk2 + "]";
  std::string whole = run(true, false, body, body.size());
  CHECK(run(true, false, body, 1) == whole);
  CHECK(whole.rfind("[{\"candidates\":", 0) == 0);
  CHECK(whole.find("},{\"candidates\":") != std::string::npos);
  CHECK(whole.ends_with("}]"));
  CHECK(whole.find("traceId") == std::string::npos);
}

TEST_CASE("one envelope object unwraps to its response") {
  std::string whole = run(true, false, kChunk2, kChunk2.size());
  CHECK(run(true, false, kChunk2, 1) == whole);
  CHECK(whole.rfind("{\"candidates\":", 0) == 0);
  CHECK(whole.find("traceId") == std::string::npos);
  CHECK(whole.find("\"modelVersion\":\"gemini-2.5-pro\"") != std::string::npos);
}

TEST_CASE("without unwrapping the bytes go on unchanged and the usage is still read") {
  std::string inner = R"({"candidates":[],"usageMetadata":{"promptTokenCount":10,)"
                      R"("candidatesTokenCount":5},"modelVersion":"gemini-2.5-flash"})";
  std::string body = "data: " + inner + "\r\n\r\n";
  relay::gemini::UsageCounts usage;
  CHECK(run(false, true, body, 3, &usage) == body);
  CHECK(usage.input_tokens == 10);
  CHECK(usage.output_tokens == 5);
  CHECK(usage.model == "gemini-2.5-flash");
}

TEST_CASE("an empty streamed array stays an array") {
  CHECK(run(true, false, "[]", 1) == "[]");
}

TEST_CASE("per account: API-key answers are only observed (usage read), OAuth answers transform") {
  using namespace claude_test;
  fake().reset();
  auto* api = newAccount("gemini-api", R"({"id":"k","api_key":"AIza-x"})");
  auto* oauth = newAccount("gemini", R"({"id":"o","refresh_token":"r","project_id":"p"})");
  REQUIRE(api);
  REQUIRE(oauth);
  REQUIRE(static_cast<bool>(plugin().account_response_observes));
  CHECK(plugin().response_observes == 0);
  CHECK(plugin().account_response_observes(api) != 0);
  CHECK(plugin().account_response_observes(oauth) == 0);

  std::string body = R"({"candidates":[],"usageMetadata":{"promptTokenCount":10,)"
                     R"("candidatesTokenCount":5},"modelVersion":"gemini-2.5-flash"})";
  const std::string ct_name = "content-type", ct_value = "application/json";
  relay_header_t ct{slice(ct_name), slice(ct_value)};  // slices of strings that outlive the calls
  relay_plugin_stream_t* s = plugin().response_begin(api, fakeRequest(), 200, &ct, 1);
  REQUIRE(s);
  plugin().response_data(s, slice(body.substr(0, 20)), 0);
  plugin().response_data(s, slice(body.substr(20)), 1);
  plugin().response_end(s);
  CHECK(fake().emitted.empty());  // the host forwards the bytes itself
  REQUIRE(fake().usages.size() == 1);
  CHECK(fake().usages[0].input == 10);
  CHECK(fake().usages[0].output == 5);
  CHECK(fake().usages[0].model == "gemini-2.5-flash");
  plugin().account_free(api);
  plugin().account_free(oauth);
}
