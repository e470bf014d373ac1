// The plugin table offers both translations and every translator hook.
#include <doctest/doctest.h>

#include <string>

#include "translator.h"
#include "translator_host.h"

TEST_CASE("plugin table: translations and translator hooks") {
  const relay_plugin_t& p = openai_test::plugin();
  REQUIRE(p.translations);
  CHECK(std::string(p.translations[0]) == "openai-chat>anthropic");
  CHECK(std::string(p.translations[1]) == "openai-responses>anthropic");
  CHECK(p.translations[2] == nullptr);
  CHECK(RELAY_PLUGIN_HAS(&p, translator_new));
  CHECK(RELAY_PLUGIN_HAS(&p, translator_free));
  CHECK(RELAY_PLUGIN_HAS(&p, translate_request));
  CHECK(RELAY_PLUGIN_HAS(&p, stream_new));
  CHECK(RELAY_PLUGIN_HAS(&p, stream_data));
  CHECK(RELAY_PLUGIN_HAS(&p, stream_free));
  CHECK(RELAY_PLUGIN_HAS(&p, translate_response));
  CHECK(RELAY_PLUGIN_HAS(&p, translate_error));
}

TEST_CASE("translator: a shared instance keeps each request's facts apart") {
  openai_test::Translator t("openai-chat>anthropic");
  REQUIRE(t.request(R"({"model":"a","stream":true,"stream_options":{"include_usage":true},)"
                    R"("messages":[]})",
                    nullptr, 6) != "");
  REQUIRE(t.request(R"({"model":"b","stream":true,"messages":[]})", nullptr, 7) != "");
  std::string stop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  std::string with_usage = t.streamWhole(stop, 6);
  std::string without = t.streamWhole(stop, 7);
  CHECK(with_usage.find(R"("model":"a")") != std::string::npos);
  CHECK(with_usage.find(R"("usage")") != std::string::npos);
  CHECK(without.find(R"("model":"b")") != std::string::npos);
  CHECK(without.find(R"("usage")") == std::string::npos);
}

TEST_CASE("translator: remembers at most kMaxRememberedRequests requests, oldest out first") {
  relay::openai::Translator t;
  static char handles[relay::openai::kMaxRememberedRequests + 10];
  auto req = [](size_t i) { return reinterpret_cast<const relay_host_request_t*>(&handles[i]); };
  for (size_t i = 0; i < sizeof(handles); ++i) {
    relay::openai::RequestFacts f;
    f.model = std::to_string(i);
    t.remember(req(i), f);
  }
  CHECK(t.facts.size() == relay::openai::kMaxRememberedRequests);
  CHECK(t.factsFor(req(0)).model.empty());
  CHECK(t.factsFor(req(sizeof(handles) - 1)).model == std::to_string(sizeof(handles) - 1));
}
