// The usage tap: an observer (it never emits: the host forwards the bytes); usage read across
// any split.
#include <doctest/doctest.h>

#include "claude_usage_tap.h"
#include "fake_host.h"

using namespace claude_test;

namespace {

const std::string kStream =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
    "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\","
    "\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":7,"
    "\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_start\r\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
    "\"text\":\"\"}}\r\n\r\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"usage: 999 \\\"output_tokens\\\":999\"}}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
    "\"usage\":{\"output_tokens\":15}}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":42,"
    "\"input_tokens\":30}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

relay_plugin_stream_t* begin(int32_t status, const std::vector<Header>& headers) {
  std::vector<relay_header_t> hs;
  for (const Header& h : headers) hs.push_back({slice(h.name), slice(h.value)});
  return plugin().response_begin(nullptr, fakeRequest(), status, hs.data(), hs.size());
}

// Feeds body in chunks of size step (the last one flagged end), then ends the stream.
void run(relay_plugin_stream_t* s, const std::string& body, size_t step) {
  for (size_t off = 0; off < body.size(); off += step) {
    std::string chunk = body.substr(off, step);
    bool last = off + step >= body.size();
    REQUIRE(plugin().response_data(s, slice(chunk), last ? 1 : 0) == RELAY_OK);
  }
  plugin().response_end(s);
}

}  // namespace

TEST_CASE("SSE usage is read from message_start and cumulative message_delta, any split") {
  for (size_t step : {kStream.size(), size_t(1), size_t(7), size_t(64), size_t(333)}) {
    fake().reset();
    relay_plugin_stream_t* s = begin(200, {{"Content-Type", "text/event-stream; charset=utf-8"}});
    REQUIRE(s != nullptr);
    run(s, kStream, step);
    CHECK(fake().emitted.empty());  // an observer: the host forwards the bytes itself
    REQUIRE(fake().usages.size() == 1);
    const Usage& u = fake().usages[0];
    CHECK(u.model == "claude-sonnet-4-5-20250929");
    CHECK(u.input == 30);
    CHECK(u.output == 42);
    CHECK(u.cache_creation == 7);
    CHECK(u.cache_read == 100);
  }
}

TEST_CASE("a non-streaming JSON body reports its usage once") {
  fake().reset();
  const std::string body =
      R"({"id":"msg_2","type":"message","role":"assistant","model":"claude-haiku-4-5",)"
      R"("content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn",)"
      R"("usage":{"input_tokens":12,"output_tokens":3,"cache_read_input_tokens":4}})";
  relay_plugin_stream_t* s = begin(200, {{"content-type", "application/json"}});
  REQUIRE(s != nullptr);
  run(s, body, 10);
  CHECK(fake().emitted.empty());
  REQUIRE(fake().usages.size() == 1);
  CHECK(fake().usages[0].model == "claude-haiku-4-5");
  CHECK(fake().usages[0].input == 12);
  CHECK(fake().usages[0].output == 3);
  CHECK(fake().usages[0].cache_read == 4);
  CHECK(fake().usages[0].cache_creation == 0);
}

TEST_CASE("usage and model are found wherever they sit, behind many near misses") {
  // The members come first, then text full of their first bytes and prefixes of their names.
  std::string filler;
  for (int i = 0; i < 200; ++i) filler += "u us usa usag \\\"mode \\\"m ";
  fake().reset();
  relay_plugin_stream_t* s = begin(200, {{"content-type", "application/json"}});
  REQUIRE(s != nullptr);
  run(s,
      R"({"usage":{"input_tokens":8,"output_tokens":2},"type":"message","model":"m-0",)"
      R"("content":[{"type":"text","text":")" +
          filler + R"("}]})",
      4096);
  REQUIRE(fake().usages.size() == 1);
  CHECK(fake().usages[0].input == 8);
  CHECK(fake().usages[0].output == 2);

  // An event naming only the model (no "usage" anywhere in it), then one with the counts.
  fake().reset();
  s = begin(200, {{"content-type", "text/event-stream"}});
  REQUIRE(s != nullptr);
  run(s,
      "event: message_start\ndata: {\"message\":{\"model\":\"m-1\",\"content\":[],\"text\":\"" +
          filler +
          "\"},\"type\":\"message_start\"}\n\n"
          "event: message_delta\ndata: "
          "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":5}}\n\n",
      4096);
  REQUIRE(fake().usages.size() == 1);
  CHECK(fake().usages[0].model == "m-1");
  CHECK(fake().usages[0].output == 5);
}

TEST_CASE("an aborted stream reports what it counted; bodies without usage report nothing") {
  fake().reset();
  relay_plugin_stream_t* s = begin(200, {{"content-type", "text/event-stream"}});
  std::string head = kStream.substr(0, kStream.find("event: ping"));
  REQUIRE(plugin().response_data(s, slice(head), 0) == RELAY_OK);
  plugin().response_end(s);
  REQUIRE(fake().usages.size() == 1);
  CHECK(fake().usages[0].input == 25);
  CHECK(fake().usages[0].output == 1);

  fake().reset();
  s = begin(200, {{"content-type", "application/json"}});
  run(s, R"({"data":[{"type":"model","id":"claude-opus-4-5"}]})", 8);
  CHECK(fake().usages.empty());
  CHECK(fake().emitted.empty());
}

TEST_CASE("error answers and compressed bodies pass through without a tap") {
  CHECK(begin(400, {{"content-type", "application/json"}}) == nullptr);
  CHECK(begin(200, {{"content-type", "text/event-stream"}, {"content-encoding", "gzip"}}) ==
        nullptr);
}

TEST_CASE("hostile upstream answers: deep JSON and an event that never ends are given up") {
  fake().reset();
  relay_plugin_stream_t* s = begin(200, {{"content-type", "application/json"}});
  std::string deep = R"({"usage":{"input_tokens":1},"x":)" + std::string(200 * 1024, '[');
  run(s, deep, 4096);
  CHECK(fake().emitted.empty());  // an observer: the host forwards the bytes; no crash
  CHECK(fake().usages.empty());

  fake().reset();
  s = begin(200, {{"content-type", "text/event-stream"}});
  std::string line = "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":1}}\n";
  std::string endless = "event: message_delta\n";
  while (endless.size() < 9u * 1024 * 1024) endless += line;  // no blank line for 9 MiB
  // Past the cap the tap gives the stream up: not even a later complete event is read.
  endless += "\n" + std::string("event: message_delta\n") + line + "\n";
  run(s, endless, 1 << 20);
  CHECK(fake().emitted.empty());
  CHECK(fake().usages.empty());  // the 8 MiB event buffer gave up instead of growing
}

TEST_CASE("usage counts out of range are clamped, not cast (fuzz finding)") {
  relay::claude::UsageTap tap(/*event_stream=*/false);
  tap.feed(R"({"type":"message","model":"m","usage":{"input_tokens":4.4e88,"output_tokens":-3,)"
           R"("cache_read_input_tokens":18446744073709551615,"cache_creation_input_tokens":2.5}})");
  tap.finish();
  CHECK(tap.usage().seen);
  CHECK(tap.usage().input_tokens == UINT64_MAX);
  CHECK(tap.usage().output_tokens == 0);
  CHECK(tap.usage().cache_read_input_tokens == UINT64_MAX);
  CHECK(tap.usage().cache_creation_input_tokens == 2);
}

TEST_CASE("only unnamed, message_start and message_delta events are read, whatever the case") {
  const std::string stream =
      "event: content_block_delta\n"  // usage inside a content event is text, not accounting
      "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":999}}\n\n"
      ": a comment line\n"
      "data: {\"type\":\"message_delta\",\"usage\":{\"input_tokens\":3}}\n\n"  // unnamed: read
      "event: ping\nevent: message_delta\n"  // the last name counts
      "data:{\"type\":\"message_delta\",\n"
      "data: \"usage\":{\"output_tokens\":5}}\n\n"  // two data lines join with a newline
      "event: message_delta\nevent: ping\n"
      "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":777}}\n\n";
  for (size_t step : {stream.size(), size_t(1), size_t(5)}) {
    fake().reset();
    relay_plugin_stream_t* s = begin(200, {{"Content-Type", "Text/Event-Stream"}});
    REQUIRE(s != nullptr);
    run(s, stream, step);
    REQUIRE(fake().usages.size() == 1);
    CHECK(fake().usages[0].input == 3);
    CHECK(fake().usages[0].output == 5);
  }
}

TEST_CASE("a stream reused after one that gave up or grew large reads its usage afresh") {
  // The plugin keeps finished streams of a thread for the next answers: nothing may carry over.
  fake().reset();
  relay_plugin_stream_t* s = begin(200, {{"content-type", "text/event-stream"}});
  std::string endless = "event: message_start\n";
  while (endless.size() < 9u * 1024 * 1024) endless += "data: {\"usage\":1}\n";
  run(s, endless, 1 << 20);  // gave up: overflow
  CHECK(fake().usages.empty());
  const char* models[] = {"m0", "m1", "m2"};
  for (int round = 0; round < 3; ++round) {
    fake().reset();
    s = begin(200, {{"content-type", "application/json"}});
    REQUIRE(s != nullptr);
    std::string body = R"({"type":"message","model":")";
    body.append(models[round]).append(R"(","usage":{"input_tokens":)");
    body.push_back(static_cast<char>('1' + round));
    body.append("}}");
    run(s, body, 3);
    REQUIRE(fake().usages.size() == 1);
    CHECK(fake().usages[0].model == models[round]);
    CHECK(fake().usages[0].input == uint64_t(round + 1));
    CHECK(fake().usages[0].output == 0);
    CHECK(fake().usages[0].cache_read == 0);
  }
  fake().reset();
  s = begin(200, {{"content-type", "text/event-stream"}});
  run(s, kStream, 64);
  REQUIRE(fake().usages.size() == 1);
  CHECK(fake().usages[0].input == 30);
  CHECK(fake().usages[0].output == 42);
}
