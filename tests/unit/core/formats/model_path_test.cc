#include <doctest/doctest.h>

#include "core/formats/model_path.h"

using namespace relay;

TEST_CASE("a format that names the model in the path gives model and stream") {
  auto p = formats::modelFromPath(WireFormat::Gemini,
                                  "/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent");
  CHECK(p.model == "gemini-2.5-pro");
  CHECK(p.stream == true);
  p = formats::modelFromPath(WireFormat::Gemini, "/gemini/v1/models/m:generateContent");
  CHECK(p.model == "m");
  CHECK(p.stream == false);
  p = formats::modelFromPath(WireFormat::Gemini, "/gemini/v1/models/m");
  CHECK(p.model == "m");
  CHECK_FALSE(p.stream.has_value());
  p = formats::modelFromPath(WireFormat::Gemini, "/gemini/v1/other");
  CHECK_FALSE(p.model.has_value());
}

TEST_CASE("formats that keep the model in the body read nothing from the path") {
  for (WireFormat f :
       {WireFormat::Anthropic, WireFormat::OpenAIChat, WireFormat::OpenAIResponses}) {
    auto p = formats::modelFromPath(f, "/x/models/m:streamGenerateContent");
    CHECK_FALSE(p.model.has_value());
    CHECK_FALSE(p.stream.has_value());
  }
}
