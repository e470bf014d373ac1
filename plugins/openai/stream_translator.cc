#include "stream_translator.h"

#include "json_support.h"

namespace relay::openai {

std::string StreamTranslator::feed(std::string_view bytes, bool end) {
  std::string out;
  if (ended_) return out;
  SseParser::OnEvent on_event = [&](std::string_view event, std::string_view data) {
    rapidjson::Document doc;
    if (!parseUpstreamJson(data, doc) || !doc.IsObject()) return;  // e.g. a keep-alive
    std::string_view type = stringOr(doc, "type", event);
    onEvent(type, doc, out);
  };
  parser_.feed(bytes, on_event);
  if (end) {
    parser_.finish(on_event);
    onEnd(out);
    ended_ = true;
  }
  return out;
}

}  // namespace relay::openai
