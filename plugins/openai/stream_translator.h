// One streamed Anthropic answer being rewritten for an OpenAI client: SSE parsing shared, the
// format-specific part handles one parsed Anthropic event at a time and appends its output.
#ifndef RELAY_PLUGINS_OPENAI_STREAM_TRANSLATOR_H
#define RELAY_PLUGINS_OPENAI_STREAM_TRANSLATOR_H

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "request_facts.h"
#include "sse_parser.h"

namespace relay::openai {

class StreamTranslator {
 public:
  virtual ~StreamTranslator() = default;
  // Returns the client bytes these upstream bytes complete (possibly none).
  std::string feed(std::string_view bytes, bool end);

 protected:
  // type: the data's "type" (or the event name); data: the parsed event.
  virtual void onEvent(std::string_view type, const rapidjson::Value& data, std::string& out) = 0;
  // End of the upstream stream (after the last event).
  virtual void onEnd(std::string& out) { (void)out; }
  // The client's stream has its terminal event (the message's end or an error).
  virtual bool finished() const { return true; }

 private:
  // Ends an unfinished stream with an error event in the client's format: the upstream stream
  // broke (an event that is not JSON, or its end before the message's), and a client left with
  // neither an end nor an error would take a cut answer for a whole one.
  void fail(std::string_view message, std::string& out);

  SseParser parser_;
  bool ended_ = false;
  bool broken_ = false;  // an event could not be read: the rest is not translated
};

}  // namespace relay::openai

#endif
