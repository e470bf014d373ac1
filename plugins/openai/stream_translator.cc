#include "stream_translator.h"

#include "json_support.h"

namespace relay::openai {

namespace {

// Data that carries no event: empty, or an OpenAI-style end marker some upstreams add.
bool isKeepAlive(std::string_view data) {
  size_t i = data.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos || data.substr(i) == "[DONE]";
}

}  // namespace

std::string StreamTranslator::feed(std::string_view bytes, bool end) {
  std::string out;
  if (ended_) return out;
  SseParser::OnEvent on_event = [&](std::string_view event, std::string_view data) {
    if (broken_) return;
    rapidjson::Document doc;
    if (!parseUpstreamJson(data, doc) || !doc.IsObject()) {
      if (isKeepAlive(data)) return;
      broken_ = true;
      if (!finished()) fail("the upstream sent a stream event that is not a JSON object", out);
      return;
    }
    std::string_view type = stringOr(doc, "type", event);
    onEvent(type, doc, out);
  };
  parser_.feed(bytes, on_event);
  if (end) {
    parser_.finish(on_event);
    onEnd(out);
    if (!broken_ && !finished()) fail("the upstream stream ended before its message did", out);
    ended_ = true;
  }
  return out;
}

void StreamTranslator::fail(std::string_view message, std::string& out) {
  // As the upstream would have said it: an Anthropic error event, which each stream renders.
  rapidjson::Document e(rapidjson::kObjectType);
  rapidjson::Document::AllocatorType& a = e.GetAllocator();
  rapidjson::Value inner(rapidjson::kObjectType);
  inner.AddMember("type", "api_error", a);
  inner.AddMember(
      "message",
      rapidjson::Value(message.data(), static_cast<rapidjson::SizeType>(message.size()), a), a);
  e.AddMember("type", "error", a);
  e.AddMember("error", inner, a);
  onEvent("error", e, out);
}

}  // namespace relay::openai
