#include "chat_stream.h"

#include "error_body.h"

namespace relay::openai {

namespace {
void sseData(std::string& out, std::string_view json) {
  out += "data: ";
  out += json;
  out += "\n\n";
}

// A delta's tool_calls: [{index, function:{arguments}}], with the call's id, type and name when
// it opens the call (id and name given), a piece of the arguments after that.
void writeToolCallsDelta(JsonWriter& w, int index, const std::string_view* id,
                         const std::string_view* name, std::string_view arguments) {
  w.Key("tool_calls");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(index);
  if (id) {
    w.Key("id");
    writeString(w, *id);
    w.Key("type");
    w.String("function");
  }
  w.Key("function");
  w.StartObject();
  if (name) {
    w.Key("name");
    writeString(w, *name);
  }
  w.Key("arguments");
  writeString(w, arguments);
  w.EndObject();
  w.EndObject();
  w.EndArray();
}
}  // namespace

ChatStream::ChatStream(RequestFacts facts, int64_t now_ms, ThinkingCache& cache)
    : facts_(std::move(facts)),
      now_ms_(now_ms),
      cache_(cache),
      id_("chatcmpl-relay"),
      model_(facts_.model) {}

void ChatStream::chunkEnvelope(JsonWriter& w) const {
  w.Key("id");
  writeString(w, id_);
  w.Key("object");
  w.String("chat.completion.chunk");
  w.Key("created");
  w.Int64(now_ms_ / 1000);
  w.Key("model");
  writeString(w, model_);
}

void ChatStream::chunk(std::string& out, const Fields& delta, std::string_view finish_reason) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  chunkEnvelope(w);
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("delta");
  w.StartObject();
  delta(w);
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  w.Key("finish_reason");
  if (finish_reason.empty()) {
    w.Null();
  } else {
    writeString(w, finish_reason);
  }
  w.EndObject();
  w.EndArray();
  if (facts_.include_usage) {  // null on every chunk but the last, as OpenAI sends it
    w.Key("usage");
    w.Null();
  }
  w.EndObject();
  sseData(out, written(b));
}

void ChatStream::onEvent(std::string_view type, const rapidjson::Value& data, std::string& out) {
  if (done_) return;
  if (type == "message_start") {
    messageStart(data, out);
  } else if (type == "content_block_start") {
    blockStart(data, out);
  } else if (type == "content_block_delta") {
    blockDelta(data, out);
  } else if (type == "content_block_stop") {
    blockStop(data);
  } else if (type == "message_delta") {
    readMessageDelta(data, &stop_reason_, &usage_);
  } else if (type == "message_stop") {
    messageStop(out);
  } else if (type == "error") {
    error(data, out);
  }
}

void ChatStream::messageStart(const rapidjson::Value& data, std::string& out) {
  if (started_) return;
  started_ = true;
  const rapidjson::Value* message = member(data, "message");
  std::string_view upstream_id = message ? stringOr(*message, "id") : std::string_view();
  id_ = "chatcmpl-" + idSuffix(upstream_id);
  if (message) {
    model_ = std::string(stringOr(*message, "model", model_));
    if (const rapidjson::Value* usage = member(*message, "usage")) usage_.merge(*usage);
  }
  chunk(out, [](JsonWriter& w) {
    w.Key("role");
    w.String("assistant");
    w.Key("content");
    w.String("");
  });
}

void ChatStream::blockStart(const rapidjson::Value& data, std::string& out) {
  const rapidjson::Value* block = member(data, "content_block");
  if (!block) return;
  Block& b = blocks_[intMember(data, "index").value_or(0)];
  b.type = std::string(stringOr(*block, "type"));
  if (b.type == "redacted_thinking") {
    thinking_blocks_.push_back(toJson(*block));
  } else if (b.type == "tool_use") {
    b.tool_index = tool_count_++;
    std::string_view id = stringOr(*block, "id");
    std::string_view name = stringOr(*block, "name");
    tool_ids_.emplace_back(id);
    int index = b.tool_index;
    chunk(out, [&](JsonWriter& w) { writeToolCallsDelta(w, index, &id, &name, ""); });
  }
}

void ChatStream::blockDelta(const rapidjson::Value& data, std::string& out) {
  const rapidjson::Value* delta = member(data, "delta");
  if (!delta) return;
  Block& b = blocks_[intMember(data, "index").value_or(0)];
  std::string_view type = stringOr(*delta, "type");
  if (type == "text_delta") {
    std::string_view text = stringOr(*delta, "text");
    if (text.empty()) return;
    chunk(out, [&](JsonWriter& w) {
      w.Key("content");
      writeString(w, text);
    });
  } else if (type == "thinking_delta") {
    std::string_view text = stringOr(*delta, "thinking");
    b.thinking += text;
    if (text.empty()) return;
    chunk(out, [&](JsonWriter& w) {
      w.Key("reasoning_content");
      writeString(w, text);
    });
  } else if (type == "signature_delta") {
    b.signature += stringOr(*delta, "signature");
  } else if (type == "input_json_delta" && b.tool_index >= 0) {
    std::string_view piece = stringOr(*delta, "partial_json");
    if (piece.empty()) return;
    int index = b.tool_index;
    chunk(out, [&](JsonWriter& w) { writeToolCallsDelta(w, index, nullptr, nullptr, piece); });
  }
}

void ChatStream::blockStop(const rapidjson::Value& data) {
  auto it = blocks_.find(intMember(data, "index").value_or(0));
  if (it == blocks_.end() || it->second.type != "thinking") return;
  thinking_blocks_.push_back(thinkingBlock(it->second.thinking, it->second.signature));
}

void ChatStream::messageStop(std::string& out) {
  done_ = true;
  chunk(
      out, [](JsonWriter&) {}, chatFinishReason(stop_reason_));
  if (facts_.include_usage) {
    rapidjson::StringBuffer b;
    JsonWriter w(b);
    w.StartObject();
    chunkEnvelope(w);  // the usage chunk: no choices
    w.Key("choices");
    w.StartArray();
    w.EndArray();
    w.Key("usage");
    writeChatUsage(w, usage_);
    w.EndObject();
    sseData(out, written(b));
  }
  out += "data: [DONE]\n\n";
  cache_.put(tool_ids_, std::move(thinking_blocks_), now_ms_);
}

void ChatStream::error(const rapidjson::Value& data, std::string& out) {
  done_ = true;
  sseData(out, errorBody(openAiErrorFrom(0, toJson(data))));
}

}  // namespace relay::openai
