// Anthropic SSE -> Responses API events (event: <type> + data with sequence_number), ending
// with response.completed (or .incomplete / .failed) carrying every output item and usage.
#ifndef RELAY_PLUGINS_OPENAI_RESPONSES_STREAM_H
#define RELAY_PLUGINS_OPENAI_RESPONSES_STREAM_H

#include <functional>
#include <map>
#include <vector>

#include "json_support.h"
#include "openai_shapes.h"
#include "stream_translator.h"

namespace relay::openai {

class ResponsesStream : public StreamTranslator {
 public:
  ResponsesStream(RequestFacts facts, int64_t now_ms);

 protected:
  void onEvent(std::string_view type, const rapidjson::Value& data, std::string& out) override;

 private:
  struct Block {
    std::string type;
    size_t output_index = 0;
    std::string item_id;
    std::string text;  // text, thinking, or function arguments
    std::string signature, call_id, name;
    std::string redacted;  // redacted_thinking: the whole block
  };
  using Fields = std::function<void(JsonWriter&)>;
  void event(std::string& out, std::string_view type, const Fields& fields);
  void responseEvent(std::string& out, std::string_view type, ResponseSnapshot snapshot);
  ResponseSnapshot snapshot(std::string status) const;
  void messageStart(const rapidjson::Value* data, std::string& out);
  void blockStart(const rapidjson::Value& data, std::string& out);
  void blockDelta(const rapidjson::Value& data, std::string& out);
  void blockStop(const rapidjson::Value& data, std::string& out);
  void textDone(Block& b, std::string& out);
  void thinkingDone(Block& b, std::string& out);
  void functionDone(Block& b, std::string& out);
  void customDone(Block& b, std::string& out);
  void messageStop(std::string& out);
  void error(const rapidjson::Value& data, std::string& out);
  bool finished() const override { return done_; }

  RequestFacts facts_;
  int64_t now_ms_;
  uint64_t sequence_ = 0;
  std::string suffix_ = "relay", model_;
  bool started_ = false, done_ = false;
  std::string stop_reason_ = "end_turn";
  AnthropicUsage usage_;
  std::map<int64_t, Block> blocks_;  // by Anthropic content index
  std::vector<std::string> output_;  // serialized items, complete once their block stopped
};

}  // namespace relay::openai

#endif
