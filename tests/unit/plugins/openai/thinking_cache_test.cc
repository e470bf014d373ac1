// The Chat Completions thinking cache: bounded, expiring, thread-safe, and the round trip that
// puts signed thinking back in front of the tool calls it preceded.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "stream_fixtures.h"
#include "thinking_cache.h"
#include "translator_host.h"

using relay::openai::ThinkingCache;
using namespace openai_test;

TEST_CASE("thinking cache: found by every tool call id until it expires") {
  ThinkingCache cache(10, 1 << 20, 1000);
  cache.put({"a", "b"}, {R"({"type":"thinking"})"}, 0);
  REQUIRE(cache.find("a", 999));
  CHECK(cache.find("b", 999)->front() == R"({"type":"thinking"})");
  CHECK(!cache.find("c", 999));
  CHECK(!cache.find("a", 1000));
  CHECK(cache.size() == 0);
  cache.put({}, {"x"}, 0);  // no tool calls: nothing to key by
  cache.put({"d"}, {}, 0);  // no thinking: nothing to keep
  CHECK(cache.size() == 0);
}

TEST_CASE("thinking cache: bounded by entries and bytes, oldest out first") {
  ThinkingCache by_entries(2, 1 << 20, 60'000);
  by_entries.put({"1"}, {"one"}, 0);
  by_entries.put({"2"}, {"two"}, 1);
  by_entries.put({"3"}, {"three"}, 2);
  CHECK(!by_entries.find("1", 3));
  CHECK(by_entries.find("2", 3));
  CHECK(by_entries.find("3", 3));
  ThinkingCache by_bytes(100, 10, 60'000);
  by_bytes.put({"1"}, {"123456"}, 0);
  by_bytes.put({"2"}, {"123456"}, 0);
  CHECK(!by_bytes.find("1", 0));
  CHECK(by_bytes.find("2", 0));
  by_bytes.put({"3"}, {std::string(11, 'x')}, 0);  // larger than the whole cache: not kept
  CHECK(!by_bytes.find("3", 0));
  CHECK(by_bytes.find("2", 0));
}

TEST_CASE("thinking cache: used from several threads at once") {
  ThinkingCache cache(64, 1 << 20, 60'000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string id = std::to_string(t) + ":" + std::to_string(i % 100);
        cache.put({id}, {"block"}, i);
        cache.find(id, i);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(cache.size() <= 64);
}

namespace {

std::string followUp(const std::string& tool_id) {
  return R"({"model":"claude-sonnet-4-5","reasoning_effort":"low","messages":[)"
         R"({"role":"user","content":"weather?"},)"
         R"({"role":"assistant","content":"Héllo","tool_calls":[{"id":")" +
         tool_id +
         R"(","type":"function","function":{"name":"weather","arguments":"{\"city\": \"Paris\"}"}}]},)"
         R"({"role":"tool","tool_call_id":")" +
         tool_id + R"(","content":"sunny"}]})";
}

}  // namespace

TEST_CASE("thinking cache: a streamed answer's signed thinking goes back before its tool calls") {
  Translator t("openai-chat>anthropic");
  t.streamWhole(thinkingTextToolStream("toolu_tc1"), 1);
  std::string body = t.request(followUp("toolu_tc1"));
  CHECK(body.find(R"("thinking":{"type":"enabled","budget_tokens":2048})") != std::string::npos);
  CHECK(
      body.find(
          R"({"role":"assistant","content":[)"
          R"({"type":"thinking","thinking":"Let me check.","signature":"SIG=="},)"
          R"({"type":"text","text":"Héllo"},)"
          R"({"type":"tool_use","id":"toolu_tc1","name":"weather","input":{"city":"Paris"}}]})") !=
      std::string::npos);
}

TEST_CASE(
    "thinking cache: a whole answer's thinking blocks come back too, redacted ones included") {
  Translator t("openai-chat>anthropic");
  t.response(200,
             R"({"id":"msg_W","type":"message","role":"assistant","model":"m","content":[)"
             R"({"type":"thinking","thinking":"Hm.","signature":"S1"},)"
             R"({"type":"redacted_thinking","data":"R1"},)"
             R"({"type":"tool_use","id":"toolu_tc2","name":"weather","input":{"city":"Paris"}}],)"
             R"("stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}})");
  std::string body = t.request(followUp("toolu_tc2"));
  CHECK(
      body.find(
          R"({"role":"assistant","content":[{"type":"thinking","thinking":"Hm.","signature":"S1"},)"
          R"({"type":"redacted_thinking","data":"R1"},{"type":"text","text":"Héllo"},)") !=
      std::string::npos);
}

TEST_CASE("thinking cache: an unknown tool call id sends the turn without thinking") {
  Translator t("openai-chat>anthropic");
  std::string body = t.request(followUp("toolu_never_seen"));
  CHECK(body.find(R"({"role":"assistant","content":[{"type":"text","text":"Héllo"},)"
                  R"({"type":"tool_use","id":"toolu_never_seen")") != std::string::npos);
  CHECK(body.find(R"("type":"thinking","thinking")") == std::string::npos);
  // Anthropic refuses a thinking request whose last tool-use turn lost its signed block, so
  // this request goes without extended thinking.
  CHECK(body.find(R"("thinking":{)") == std::string::npos);
}
