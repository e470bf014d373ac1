#include <doctest/doctest.h>

#include "core/formats/error_render.h"

using namespace relay;

TEST_CASE("errors are rendered in each client's own shape") {
  CHECK(renderErrorBody(WireFormat::Anthropic, 401, "bad key") ==
        R"({"type":"error","error":{"type":"authentication_error","message":"bad key"}})");
  CHECK(
      renderErrorBody(WireFormat::OpenAIChat, 503, "no available account") ==
      R"({"error":{"message":"no available account","type":"server_error","code":"no_available_account"}})");
  // A wrong key, as OpenAI answers it (PROTOCOLS.md C3).
  CHECK(
      renderErrorBody(WireFormat::OpenAIChat, 401, "bad key") ==
      R"({"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}})");
  CHECK(renderErrorBody(WireFormat::Gemini, 404, "x") ==
        R"({"error":{"code":404,"message":"x","status":"NOT_FOUND"}})");
}

TEST_CASE("messages are JSON-escaped") {
  std::string body = renderErrorBody(WireFormat::Anthropic, 400, "bad \"quote\"\n");
  CHECK(body.find(R"(bad \"quote\"\n)") != std::string::npos);
}

TEST_CASE("stream error events are SSE frames") {
  std::string ev = renderErrorEvent(WireFormat::Anthropic, 529, "overloaded");
  CHECK(ev.starts_with("event: error\ndata: {"));
  CHECK(ev.ends_with("\n\n"));
  CHECK(ev.find("overloaded_error") != std::string::npos);
}

TEST_CASE("the format is guessed from the path") {
  CHECK(guessWireFormat("/gemini/v1beta/models/x:generateContent") == WireFormat::Gemini);
  CHECK(guessWireFormat("/openai/v1/chat/completions") == WireFormat::OpenAIChat);
  CHECK(guessWireFormat("/openai/v1/responses") == WireFormat::OpenAIResponses);
  CHECK(guessWireFormat("/v1/messages") == WireFormat::Anthropic);
  CHECK(parseWireFormat("openai-chat") == WireFormat::OpenAIChat);
  CHECK_FALSE(parseWireFormat("soap").has_value());
}
