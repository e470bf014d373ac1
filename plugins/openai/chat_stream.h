// Anthropic SSE -> Chat Completions chunks (data: {...}, then data: [DONE]).
#ifndef RELAY_PLUGINS_OPENAI_CHAT_STREAM_H
#define RELAY_PLUGINS_OPENAI_CHAT_STREAM_H

#include <functional>
#include <map>
#include <vector>

#include "json_support.h"
#include "openai_shapes.h"
#include "stream_translator.h"
#include "thinking_cache.h"

namespace relay::openai {

class ChatStream : public StreamTranslator {
 public:
  ChatStream(RequestFacts facts, int64_t now_ms, ThinkingCache& cache);

 protected:
  void onEvent(std::string_view type, const rapidjson::Value& data, std::string& out) override;

 private:
  struct Block {
    std::string type;
    int tool_index = -1;
    std::string thinking, signature;
  };
  using Fields = std::function<void(JsonWriter&)>;
  // The keys every chunk starts with: id, object, created, model.
  void chunkEnvelope(JsonWriter& w) const;
  // One chunk with one choice whose delta fields writes; finish_reason null unless given.
  void chunk(std::string& out, const Fields& delta, std::string_view finish_reason = {});
  void messageStart(const rapidjson::Value& data, std::string& out);
  void blockStart(const rapidjson::Value& data, std::string& out);
  void blockDelta(const rapidjson::Value& data, std::string& out);
  void blockStop(const rapidjson::Value& data);
  void messageStop(std::string& out);
  void error(const rapidjson::Value& data, std::string& out);
  bool finished() const override { return done_; }

  RequestFacts facts_;
  int64_t now_ms_;
  ThinkingCache& cache_;
  std::string id_, model_;
  bool started_ = false, done_ = false;
  std::string stop_reason_ = "end_turn";
  AnthropicUsage usage_;
  std::map<int64_t, Block> blocks_;  // by Anthropic content index
  int tool_count_ = 0;
  std::vector<std::string> tool_ids_, thinking_blocks_;
};

}  // namespace relay::openai

#endif
