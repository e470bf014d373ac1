// Chat Completions request -> Anthropic Messages: golden pairs and the refusals.
#include <doctest/doctest.h>

#include <string>

#include "translator_host.h"

using openai_test::Translator;

namespace {
const char* kChat = "openai-chat>anthropic";
}

TEST_CASE("chat request: system, images, tool calls and merged tool results (golden)") {
  Translator t(kChat);
  std::string in = R"({"model":"claude-sonnet-4-5","messages":[
    {"role":"system","content":"Be brief."},
    {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
    {"role":"user","content":[{"type":"text","text":"What is in this image and the weather?"},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
      {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}}]},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
      {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"sunny"},
    {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"rainy"}]},
    {"role":"user","content":"Thanks"}],
   "tools":[{"type":"function","function":{"name":"weather","description":"Weather by city",
     "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
   "tool_choice":"required","parallel_tool_calls":false,"max_completion_tokens":1000,
   "temperature":1.5,"top_p":0.9,"stop":"END","stream":true,"stream_options":{"include_usage":true}})";
  std::string want =
      R"({"model":"claude-sonnet-4-5","max_tokens":1000,)"
      R"("system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use tools."}],)"
      R"("messages":[{"role":"user","content":[)"
      R"({"type":"text","text":"What is in this image and the weather?"},)"
      R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},)"
      R"({"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},)"
      R"({"role":"assistant","content":[)"
      R"({"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}},)"
      R"({"type":"tool_use","id":"call_2","name":"weather","input":{"city":"Rome"}}]},)"
      R"({"role":"user","content":[)"
      R"({"type":"tool_result","tool_use_id":"call_1","content":[{"type":"text","text":"sunny"}]},)"
      R"({"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"rainy"}]},)"
      R"({"type":"text","text":"Thanks"}]}],)"
      R"("tools":[{"name":"weather","description":"Weather by city","input_schema":)"
      R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],)"
      R"("tool_choice":{"type":"any","disable_parallel_tool_use":true},)"
      R"("temperature":1.0,"stop_sequences":["END"],"stream":true})";
  CHECK(t.request(in) == want);
}

TEST_CASE("chat request: reasoning_effort becomes extended thinking, default max_tokens") {
  Translator t(kChat);
  // No client limit: max_tokens = default + budget; temperature is dropped with thinking.
  CHECK(t.request(R"({"model":"m","reasoning_effort":"medium","temperature":0.2,
                      "messages":[{"role":"user","content":"hi"}]})") ==
        R"({"model":"m","max_tokens":16384,"messages":[{"role":"user","content":[)"
        R"({"type":"text","text":"hi"}]}],"thinking":{"type":"enabled","budget_tokens":8192}})");
  // A client limit is kept and bounds the budget.
  CHECK(t.request(R"({"model":"m","reasoning_effort":"high","max_tokens":4000,
                      "messages":[{"role":"user","content":"hi"}]})") ==
        R"({"model":"m","max_tokens":4000,"messages":[{"role":"user","content":[)"
        R"({"type":"text","text":"hi"}]}],"thinking":{"type":"enabled","budget_tokens":3999}})");
  // Too small for the 1024 minimum: no thinking. "none": no thinking.
  CHECK(t.request(R"({"model":"m","reasoning_effort":"low","max_tokens":500,
                      "messages":[{"role":"user","content":"hi"}]})")
            .find("thinking") == std::string::npos);
  CHECK(
      t.request(
          R"({"model":"m","reasoning_effort":"none","messages":[{"role":"user","content":"hi"}]})") ==
      R"({"model":"m","max_tokens":8192,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})");
}

TEST_CASE("chat request: default max_tokens comes from the pair options") {
  Translator t("openai-chat>anthropic?default_max_tokens=1234");
  CHECK(t.request(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})")
            .find(R"("max_tokens":1234)") != std::string::npos);
  relay_error_t err{};
  CHECK(openai_test::plugin().translator_new({"openai-chat>anthropic?bogus=1", 29}, &err) ==
        nullptr);
  CHECK(std::string(err.message).find("default_max_tokens") != std::string::npos);
  CHECK(openai_test::plugin().translator_new({"gemini>anthropic", 16}, &err) == nullptr);
}

TEST_CASE("chat request: response_format is a system instruction, legacy max_tokens, stop list") {
  Translator t(kChat);
  std::string out = t.request(R"({"model":"m","max_tokens":64,"stop":["a","b"],
      "response_format":{"type":"json_schema","json_schema":{"name":"point",
        "schema":{"type":"object","properties":{"x":{"type":"number"}}}}},
      "messages":[{"role":"user","content":"hi"}]})");
  CHECK(
      out ==
      R"({"model":"m","max_tokens":64,"system":[{"type":"text","text":"Respond with one valid )"
      R"(JSON value only, with no text around it, that conforms to this JSON Schema (\"point\"): )"
      R"({\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"number\"}}}"}],)"
      R"("messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],)"
      R"("stop_sequences":["a","b"]})");
  CHECK(t.request(R"({"model":"m","response_format":{"type":"json_object"},"messages":[]})")
            .find("one valid JSON object") != std::string::npos);
}

TEST_CASE("chat request: unsupported parameters are a 400 that names them") {
  Translator t(kChat);
  struct Case {
    const char* body;
    const char* says;
  } cases[] = {
      {R"({"model":"m","n":2,"messages":[]})", "n > 1"},
      {R"({"model":"m","logprobs":true,"messages":[]})", "logprobs"},
      {R"({"model":"m","top_logprobs":3,"messages":[]})", "logprobs"},
      {R"({"model":"m","audio":{"voice":"alloy","format":"mp3"},"messages":[]})", "audio"},
      {R"({"model":"m","modalities":["text","audio"],"messages":[]})", "audio"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"input_audio",
          "input_audio":{"data":"AAAA","format":"wav"}}]}]})",
       "audio"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url",
          "image_url":{"url":"ftp://x/y.png"}}]}]})",
       "image_url"},
      {R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function",
          "function":{"name":"f","arguments":"[1]"}}]}]})",
       "JSON object"},
      {R"({"messages":[]})", "model"},
      {R"({"model":"m","messages":"hi"})", "messages"},
      {R"({"model":"m",)", "not valid JSON"},
  };
  for (const Case& c : cases) {
    relay_error_t err{};
    CHECK_MESSAGE(t.request(c.body, &err).empty(), c.body);
    CHECK(err.status == 400);
    CHECK_MESSAGE(std::string(err.message).find(c.says) != std::string::npos, err.message);
  }
  CHECK(t.request(R"({"model":"m","n":1,"logprobs":false,"messages":[]})") != "");
}

TEST_CASE("chat request: input nested deeper than 128 levels is a 400") {
  Translator t(kChat);
  auto nested = [](int depth) {
    std::string s = R"({"model":"m","messages":[],"metadata":)";
    for (int i = 0; i < depth; ++i) s += "[";
    for (int i = 0; i < depth; ++i) s += "]";
    return s + "}";
  };
  relay_error_t err{};
  CHECK(t.request(nested(127)) != "");  // 128 levels with the outer object
  CHECK(t.request(nested(128), &err).empty());
  CHECK(err.status == 400);
  CHECK(std::string(err.message).find("deeper than 128") != std::string::npos);
  // Brackets inside strings do not count.
  CHECK(t.request(R"({"model":"m","messages":[{"role":"user","content":")" + std::string(300, '[') +
                  R"("}]})") != "");
}

TEST_CASE("chat request: legacy functions and tool_choice forms") {
  Translator t(kChat);
  std::string out = t.request(R"({"model":"m","messages":[],
      "functions":[{"name":"f","parameters":{"type":"object"}}],"function_call":{"name":"f"}})");
  CHECK(out.find(R"("tools":[{"name":"f","input_schema":{"type":"object"}}])") !=
        std::string::npos);
  CHECK(out.find(R"("tool_choice":{"type":"tool","name":"f"})") != std::string::npos);
  out = t.request(R"({"model":"m","messages":[],"tool_choice":"none",
      "tools":[{"type":"function","function":{"name":"g"}}]})");
  CHECK(out.find(R"("tool_choice":{"type":"none"})") != std::string::npos);
  CHECK(out.find(R"("input_schema":{"type":"object","properties":{}})") != std::string::npos);
}
