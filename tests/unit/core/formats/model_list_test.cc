#include <doctest/doctest.h>

#include "core/formats/model_list.h"

using namespace relay;

TEST_CASE("model lists take each format's shape") {
  formats::ModelEntries models = {{"m1", "Model One"}, {"m2", "Model Two"}};
  CHECK(formats::renderModelList(WireFormat::Anthropic, models) ==
        R"({"data":[{"type":"model","id":"m1","display_name":"Model One",)"
        R"("created_at":"2025-01-01T00:00:00Z"},{"type":"model","id":"m2",)"
        R"("display_name":"Model Two","created_at":"2025-01-01T00:00:00Z"}],)"
        R"("has_more":false,"first_id":"m1","last_id":"m2"})");
  CHECK(formats::renderModelList(WireFormat::OpenAIChat, {{"m1", "x"}}) ==
        R"({"object":"list","data":[{"id":"m1","object":"model","created":1735689600,)"
        R"("owned_by":"relay"}]})");
  CHECK(formats::renderModelList(WireFormat::Gemini, {{"m1", "One"}}) ==
        R"({"models":[{"name":"models/m1","displayName":"One",)"
        R"("supportedGenerationMethods":["generateContent","streamGenerateContent"]}]})");
}

TEST_CASE("an empty list has null first and last ids") {
  CHECK(formats::renderModelList(WireFormat::Anthropic, {}) ==
        R"({"data":[],"has_more":false,"first_id":null,"last_id":null})");
}
