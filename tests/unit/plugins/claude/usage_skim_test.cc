// The usage tap reads its members with plugins/common's skimmer instead of a RapidJSON
// document: the skimmer accepts exactly what parseBoundedJson accepts, and the tap reads the
// same counts as the document-based reader it replaced (kept here as the reference).
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bounded_json.h"
#include "claude_usage_tap.h"
#include "json_skim.h"

using relay::claude::UsageCounts;
using relay::claude::UsageTap;
using namespace relay::plugin_common;

namespace {

// ---- the reference: the document-based reader the skim replaced ----

void refCount(const rapidjson::Value& usage, const char* key, uint64_t* out, bool* seen) {
  auto it = usage.FindMember(key);
  if (it == usage.MemberEnd() || !it->value.IsNumber()) return;
  if (it->value.IsUint64()) {
    *out = it->value.GetUint64();
  } else {
    double v = it->value.GetDouble();
    *out = !(v > 0) ? 0 : v >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(v);
  }
  *seen = true;
}

void refUsage(const rapidjson::Value& holder, UsageCounts* usage) {
  auto it = holder.FindMember("usage");
  if (it == holder.MemberEnd() || !it->value.IsObject()) return;
  const rapidjson::Value& u = it->value;
  refCount(u, "input_tokens", &usage->input_tokens, &usage->seen);
  refCount(u, "output_tokens", &usage->output_tokens, &usage->seen);
  refCount(u, "cache_creation_input_tokens", &usage->cache_creation_input_tokens, &usage->seen);
  refCount(u, "cache_read_input_tokens", &usage->cache_read_input_tokens, &usage->seen);
}

void refModel(const rapidjson::Value& holder, UsageCounts* usage) {
  auto it = holder.FindMember("model");
  if (it != holder.MemberEnd() && it->value.IsString())
    usage->model.assign(it->value.GetString(), it->value.GetStringLength());
}

UsageCounts reference(std::string_view json) {
  UsageCounts usage;
  if (json.find("usage") == std::string_view::npos &&
      json.find("\"model\"") == std::string_view::npos)
    return usage;
  rapidjson::Document doc;
  if (parseBoundedJson(json, doc) != JsonParse::kOk || !doc.IsObject()) return usage;
  auto type = doc.FindMember("type");
  std::string_view kind =
      type != doc.MemberEnd() && type->value.IsString() ? type->value.GetString() : "";
  if (kind == "message_start") {
    auto message = doc.FindMember("message");
    if (message == doc.MemberEnd() || !message->value.IsObject()) return usage;
    refModel(message->value, &usage);
    refUsage(message->value, &usage);
  } else if (kind == "message_delta") {
    refUsage(doc, &usage);
  } else if (kind == "message") {
    refModel(doc, &usage);
    refUsage(doc, &usage);
  }
  return usage;
}

UsageCounts skimmed(std::string_view json) {
  UsageTap tap(/*event_stream=*/false);
  tap.feed(json);
  tap.finish();
  return tap.usage();
}

void checkSame(const std::string& json) {
  UsageCounts want = reference(json);
  UsageCounts got = skimmed(json);
  INFO("json: ", json);
  CHECK(got.seen == want.seen);
  CHECK(got.model == want.model);
  CHECK(got.input_tokens == want.input_tokens);
  CHECK(got.output_tokens == want.output_tokens);
  CHECK(got.cache_creation_input_tokens == want.cache_creation_input_tokens);
  CHECK(got.cache_read_input_tokens == want.cache_read_input_tokens);
}

class NoVisitor final : public JsonSkimVisitor {
 public:
  int member(int, std::string_view, const JsonSkimValue&) override { return kIgnore; }
};

JsonParse skimStatus(std::string_view text) {
  NoVisitor v;
  return skimJson(text, v);
}

JsonParse documentStatus(std::string_view text) {
  rapidjson::Document doc;
  return parseBoundedJson(text, doc);
}

const std::vector<std::string> kSeeds = {
    R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",)"
    R"("content":[{"type":"text","text":"the \"usage\": {\"input_tokens\": 9} \u00e9\ud83d\ude00"}],)"
    R"("stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5210,)"
    R"("cache_creation_input_tokens":0,"cache_read_input_tokens":4800,"output_tokens":120}})",
    R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",)"
    R"("content":[],"model":"claude-haiku-4-5","stop_reason":null,"usage":{"input_tokens":25,)"
    R"("cache_creation_input_tokens":7,"cache_read_input_tokens":100,"output_tokens":1}}})",
    R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}})",
    R"( { "usage" : { "output_tokens" : 1.5e3 , "input_tokens" : -4 } , "type" : "message_delta" } )",
    R"({"type":"message","model":"m\n\u0041","usage":{"input_tokens":1},"usage":{"input_tokens":2}})",
    R"({"type":"mess\u0061ge","model":5,"model":"x","us\u0061ge":{"input_tokens":3}})",
    R"({"type":"message","usage":[1],"model":"m","usage":{"input_tokens":3}})",
    R"({"type":"message","usage":{"input_tokens":"3","input_tokens":4,"output_tokens":true}})",
    R"({"type":"message\u0000x","usage":{"output_tokens":18446744073709551616}})",
    R"({"type":"message_start","message":[],"usage":{"output_tokens":1}})",
    R"({"message":{"model":"a","usage":{"input_tokens":9}},"type":"message_start","x":[[{}],{"a":[]}]})",
};

}  // namespace

TEST_CASE("the skim reads the same usage as the document reader on real and odd answers") {
  for (const std::string& seed : kSeeds) checkSame(seed);
}

TEST_CASE("the skim and the document reader agree on every mutation of the samples") {
  // Deterministic mutations: each seed cut short, and bytes replaced or inserted with the
  // characters that change JSON's structure, one position at a time.
  const std::string specials = "{}[]\":,\\ 0-.eE+tfnu\x01\x7f\xc3";
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (const std::string& seed : kSeeds) {
    for (size_t cut = 0; cut < seed.size(); cut += 3) checkSame(seed.substr(0, cut));
    for (size_t i = 0; i < seed.size(); ++i) {
      std::string replaced = seed;
      replaced[i] = specials[next() % specials.size()];
      checkSame(replaced);
      std::string inserted = seed;
      inserted.insert(i, 1, specials[next() % specials.size()]);
      checkSame(inserted);
    }
  }
}

// RapidJSON refuses some numbers beyond double range itself (as malformed) before the guard
// sees them (out of range): which of the two refusals is reported may differ.
TEST_CASE("the skimmer accepts exactly what parseBoundedJson accepts") {
  const std::vector<std::string> texts = {
      "",
      " ",
      "{}",
      "[]",
      "0",
      "-0",
      "01",
      "1.",
      "1.e5",
      "1e",
      "1e+",
      "-",
      "--1",
      "1e308",
      "1e309",
      "-1e400",
      "1.5E-3",
      "\"a\"",
      "\"a",
      "\"\\x\"",
      "\"\\u12\"",
      "\"\\ud800\"",
      "\"\\ud800\\u0041\"",
      "\"\\ud800\\udc00\"",
      "\"\\udc00\"",
      "\"\t\"",
      "\"\\/\"",
      "tru",
      "true",
      "nul",
      "null ",
      "false x",
      "{\"a\":}",
      "{\"a\" 1}",
      "{\"a\":1,}",
      "[1,]",
      "[,1]",
      "{1:2}",
      "[1 2]",
      "{\"a\":1 \"b\":2}",
      "[\"\\u00e9\"]",
      "{\"a\":[{\"b\":{}}]}",
      "99999999999999999999999",
      "-9223372036854775809",
      "1e-400",
      "\x01",
      std::string("\"a\0b\"", 5),
      std::string("1\0", 2),
      "[1]\n\r\t ",
      std::string("{} \0 x", 6),
  };
  for (const std::string& t : texts) {
    INFO("text: ", t);
    CHECK((skimStatus(t) == JsonParse::kOk) == (documentStatus(t) == JsonParse::kOk));
    if (documentStatus(t) != JsonParse::kMalformed) CHECK(skimStatus(t) == documentStatus(t));
  }
  std::string deep(128, '[');
  deep += std::string(128, ']');
  CHECK(skimStatus(deep) == JsonParse::kOk);
  CHECK(skimStatus("[" + deep + "]") == JsonParse::kTooDeep);
  CHECK(documentStatus("[" + deep + "]") == JsonParse::kTooDeep);
  std::string deep_objects;
  for (int i = 0; i < 129; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(129, '}');
  CHECK(skimStatus(deep_objects) == JsonParse::kTooDeep);
}

TEST_CASE("the skimmer shows watched members with their kinds and decoded keys") {
  struct Recorder final : JsonSkimVisitor {
    std::vector<std::string> seen;
    int member(int scope, std::string_view key, const JsonSkimValue& v) override {
      seen.push_back(std::to_string(scope) + ":" + std::string(key) + "=" + std::string(v.text) +
                     (v.escaped ? "(escaped)" : ""));
      return key == "in" ? 1 : kIgnore;
    }
  } r;
  REQUIRE(skimJson(R"({"a":"x\ty","k\u0065y":12,"in":{"b":null,"c":[{"d":1}]},"skip":{"e":2}})",
                   r) == JsonParse::kOk);
  CHECK(r.seen == std::vector<std::string>{"0:a=x\\ty(escaped)", "0:key=12",
                                           "0:in=", "1:b=", "1:c=", "0:skip="});
  CHECK(decodeJsonString(R"(x\ty\"\\\/\u00e9\ud83d\ude00)") == "x\ty\"\\/\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(jsonNumberAsCount("18446744073709551615") == UINT64_MAX);
  CHECK(jsonNumberAsCount("18446744073709551616") == UINT64_MAX);
  CHECK(jsonNumberAsCount("-3") == 0);
  CHECK(jsonNumberAsCount("2.9") == 2);
  CHECK(jsonNumberAsCount("1e3") == 1000);
}
