#include <doctest/doctest.h>

#include "core/formats/default_routes.h"
#include "core/formats/wire_format.h"

using namespace relay;

TEST_CASE("every default route names a built-in chain and a known format") {
  auto routes = formats::defaultRoutes();
  CHECK(routes.size() == 25);
  for (const auto& r : routes) {
    CAPTURE(r.path);
    CHECK(formats::isDefaultChainName(r.chain));
    CHECK(parseWireFormat(r.format).has_value());
  }
  CHECK_FALSE(formats::isDefaultChainName("nope"));
}

TEST_CASE("OpenAI clients with base URL /v1 and the Code Assist pass-through have routes") {
  auto routes = formats::defaultRoutes();
  auto has = [&](std::string_view path, std::string_view format) {
    for (const auto& r : routes)
      if (r.path == path && r.format == format) return true;
    return false;
  };
  CHECK(has("/v1/chat/completions", "openai-chat"));
  CHECK(has("/v1/responses", "openai-responses"));
  CHECK(has("/openai/responses", "openai-responses"));
  CHECK(has("/gemini/v1internal:*", "gemini"));
  CHECK(has("/gemini/v1internal/*", "gemini"));  // Code Assist operations (GET)
}

TEST_CASE("each messages prefix serves messages, count_tokens and models") {
  auto routes = formats::defaultRoutes();
  for (std::string prefix : {"/api/v1", "/claude/v1", "/v1"}) {
    int found = 0;
    for (const auto& r : routes)
      if (r.path == prefix + "/messages" || r.path == prefix + "/messages/count_tokens" ||
          r.path == prefix + "/models")
        ++found;
    CHECK(found == 3);
  }
}

TEST_CASE("the default format name parses back to the default format") {
  CHECK(parseWireFormat(wireFormatName(kDefaultWireFormat)) == kDefaultWireFormat);
  for (std::string_view name : kWireFormatNames)
    CHECK(wireFormatName(*parseWireFormat(name)) == name);
}
