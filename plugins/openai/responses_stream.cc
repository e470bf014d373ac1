#include "responses_stream.h"

#include "error_body.h"
#include "responses_request.h"

namespace relay::openai {

namespace {
using rapidjson::Value;

void itemFields(JsonWriter& w, const std::string& item_id, size_t output_index) {
  w.Key("item_id");
  writeString(w, item_id);
  w.Key("output_index");
  w.Uint64(output_index);
}
}  // namespace

ResponsesStream::ResponsesStream(RequestFacts facts, int64_t now_ms)
    : facts_(std::move(facts)), now_ms_(now_ms), model_(facts_.model) {}

void ResponsesStream::event(std::string& out, std::string_view type, const Fields& fields) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("type");
  writeString(w, type);
  w.Key("sequence_number");
  w.Uint64(sequence_++);
  fields(w);
  w.EndObject();
  out += "event: ";
  out += type;
  out += "\ndata: ";
  out += written(b);
  out += "\n\n";
}

ResponseSnapshot ResponsesStream::snapshot(std::string status) const {
  ResponseSnapshot r;
  r.id = "resp_" + suffix_;
  r.created_at = now_ms_ / 1000;
  r.model = model_;
  r.status = std::move(status);
  r.output = &output_;
  return r;
}

void ResponsesStream::responseEvent(std::string& out, std::string_view type,
                                    ResponseSnapshot snapshot) {
  event(out, type, [&](JsonWriter& w) {
    w.Key("response");
    writeResponse(w, snapshot);
  });
}

void ResponsesStream::onEvent(std::string_view type, const Value& data, std::string& out) {
  if (done_) return;
  if (type == "message_start") {
    if (!started_) messageStart(&data, out);
    return;
  }
  if (type == "ping" || type == "error") {
    if (type == "error") error(data, out);
    return;
  }
  if (!started_) messageStart(nullptr, out);
  if (type == "content_block_start") {
    blockStart(data, out);
  } else if (type == "content_block_delta") {
    blockDelta(data, out);
  } else if (type == "content_block_stop") {
    blockStop(data, out);
  } else if (type == "message_delta") {
    readMessageDelta(data, &stop_reason_, &usage_);
  } else if (type == "message_stop") {
    messageStop(out);
  }
}

void ResponsesStream::messageStart(const Value* data, std::string& out) {
  started_ = true;
  if (const Value* message = data ? member(*data, "message") : nullptr) {
    suffix_ = idSuffix(stringOr(*message, "id"));
    model_ = std::string(stringOr(*message, "model", model_));
    if (const Value* usage = member(*message, "usage")) usage_.merge(*usage);
  }
  responseEvent(out, "response.created", snapshot("in_progress"));
  responseEvent(out, "response.in_progress", snapshot("in_progress"));
}

void ResponsesStream::blockStart(const Value& data, std::string& out) {
  const Value* block = member(data, "content_block");
  if (!block) return;
  int64_t index = intMember(data, "index").value_or(0);
  Block& b = blocks_[index];
  b.type = std::string(stringOr(*block, "type"));
  b.output_index = output_.size();
  std::string item;
  if (b.type == "text") {
    b.item_id = itemId("msg_", suffix_, index);
    item = messageItemShell(b.item_id);
  } else if (b.type == "thinking" || b.type == "redacted_thinking") {
    b.item_id = itemId("rs_", suffix_, index);
    if (b.type == "redacted_thinking") b.redacted = toJson(*block);
    item = reasoningItem(b.item_id, "", "");
  } else if (b.type == "tool_use" && facts_.custom_tools.count(stringOr(*block, "name"))) {
    b.type = "custom_tool";  // its input is text: sent whole when the block ends
    b.item_id = itemId("ctc_", suffix_, index);
    b.call_id = std::string(stringOr(*block, "id"));
    b.name = std::string(stringOr(*block, "name"));
    item = customToolCallItem(b.item_id, b.call_id, b.name, "", "in_progress");
  } else if (b.type == "tool_use") {
    b.item_id = itemId("fc_", suffix_, index);
    b.call_id = std::string(stringOr(*block, "id"));
    b.name = std::string(stringOr(*block, "name"));
    item = functionCallItem(b.item_id, b.call_id, b.name, "", "in_progress");
  } else {
    return;  // server tool blocks and others have no Responses item here
  }
  output_.push_back(item);
  event(out, "response.output_item.added", [&](JsonWriter& w) {
    w.Key("output_index");
    w.Uint64(b.output_index);
    w.Key("item");
    writeRaw(w, item, rapidjson::kObjectType);
  });
  if (b.type == "text") {
    event(out, "response.content_part.added", [&](JsonWriter& w) {
      itemFields(w, b.item_id, b.output_index);
      w.Key("content_index");
      w.Uint(0);
      w.Key("part");
      writeRaw(w, outputTextPart(""), rapidjson::kObjectType);
    });
  } else if (b.type == "thinking") {
    event(out, "response.reasoning_summary_part.added", [&](JsonWriter& w) {
      itemFields(w, b.item_id, b.output_index);
      w.Key("summary_index");
      w.Uint(0);
      w.Key("part");
      w.StartObject();
      w.Key("type");
      w.String("summary_text");
      w.Key("text");
      w.String("");
      w.EndObject();
    });
  }
}

void ResponsesStream::blockDelta(const Value& data, std::string& out) {
  const Value* delta = member(data, "delta");
  auto it = blocks_.find(intMember(data, "index").value_or(0));
  if (!delta || it == blocks_.end()) return;
  Block& b = it->second;
  std::string_view type = stringOr(*delta, "type");
  std::string_view piece;
  const char* event_type = nullptr;
  if (type == "text_delta" && b.type == "text") {
    piece = stringOr(*delta, "text");
    event_type = "response.output_text.delta";
  } else if (type == "thinking_delta" && b.type == "thinking") {
    piece = stringOr(*delta, "thinking");
    event_type = "response.reasoning_summary_text.delta";
  } else if (type == "input_json_delta" && b.type == "tool_use") {
    piece = stringOr(*delta, "partial_json");
    event_type = "response.function_call_arguments.delta";
  } else if (type == "input_json_delta" && b.type == "custom_tool") {
    b.text += stringOr(*delta, "partial_json");
    return;
  } else if (type == "signature_delta") {
    b.signature += stringOr(*delta, "signature");
    return;
  }
  if (!event_type || piece.empty()) return;
  b.text += piece;
  event(out, event_type, [&](JsonWriter& w) {
    itemFields(w, b.item_id, b.output_index);
    if (b.type == "text") {
      w.Key("content_index");
      w.Uint(0);
    } else if (b.type == "thinking") {
      w.Key("summary_index");
      w.Uint(0);
    }
    w.Key("delta");
    writeString(w, piece);
    if (b.type == "text") {
      w.Key("logprobs");
      w.StartArray();
      w.EndArray();
    }
  });
}

void ResponsesStream::blockStop(const Value& data, std::string& out) {
  auto it = blocks_.find(intMember(data, "index").value_or(0));
  if (it == blocks_.end()) return;
  Block& b = it->second;
  if (b.type == "text") {
    textDone(b, out);
  } else if (b.type == "thinking" || b.type == "redacted_thinking") {
    thinkingDone(b, out);
  } else if (b.type == "tool_use") {
    functionDone(b, out);
  } else if (b.type == "custom_tool") {
    customDone(b, out);
  } else {
    return;
  }
  event(out, "response.output_item.done", [&](JsonWriter& w) {
    w.Key("output_index");
    w.Uint64(b.output_index);
    w.Key("item");
    writeRaw(w, output_[b.output_index], rapidjson::kObjectType);
  });
  blocks_.erase(it);
}

void ResponsesStream::textDone(Block& b, std::string& out) {
  event(out, "response.output_text.done", [&](JsonWriter& w) {
    itemFields(w, b.item_id, b.output_index);
    w.Key("content_index");
    w.Uint(0);
    w.Key("text");
    writeString(w, b.text);
    w.Key("logprobs");
    w.StartArray();
    w.EndArray();
  });
  event(out, "response.content_part.done", [&](JsonWriter& w) {
    itemFields(w, b.item_id, b.output_index);
    w.Key("content_index");
    w.Uint(0);
    w.Key("part");
    writeRaw(w, outputTextPart(b.text), rapidjson::kObjectType);
  });
  output_[b.output_index] = messageItem(b.item_id, "completed", b.text);
}

void ResponsesStream::thinkingDone(Block& b, std::string& out) {
  std::string block = b.redacted;
  if (b.type == "thinking") {
    block = thinkingBlock(b.text, b.signature);
    auto summary = [&](JsonWriter& w) {
      itemFields(w, b.item_id, b.output_index);
      w.Key("summary_index");
      w.Uint(0);
    };
    event(out, "response.reasoning_summary_text.done", [&](JsonWriter& w) {
      summary(w);
      w.Key("text");
      writeString(w, b.text);
    });
    event(out, "response.reasoning_summary_part.done", [&](JsonWriter& w) {
      summary(w);
      w.Key("part");
      w.StartObject();
      w.Key("type");
      w.String("summary_text");
      w.Key("text");
      writeString(w, b.text);
      w.EndObject();
    });
  }
  output_[b.output_index] = reasoningItem(b.item_id, b.text, encodeThinkingBlock(block));
}

void ResponsesStream::functionDone(Block& b, std::string& out) {
  if (b.text.empty()) b.text = "{}";
  event(out, "response.function_call_arguments.done", [&](JsonWriter& w) {
    itemFields(w, b.item_id, b.output_index);
    w.Key("name");
    writeString(w, b.name);
    w.Key("arguments");
    writeString(w, b.text);
  });
  output_[b.output_index] = functionCallItem(b.item_id, b.call_id, b.name, b.text, "completed");
}

void ResponsesStream::customDone(Block& b, std::string& out) {
  rapidjson::Document input;
  std::string text;
  if (!b.text.empty() && parseUpstreamJson(b.text, input)) text = customToolInput(input);
  event(out, "response.custom_tool_call_input.done", [&](JsonWriter& w) {
    itemFields(w, b.item_id, b.output_index);
    w.Key("input");
    writeString(w, text);
  });
  output_[b.output_index] = customToolCallItem(b.item_id, b.call_id, b.name, text, "completed");
}

void ResponsesStream::messageStop(std::string& out) {
  done_ = true;
  ResponseSnapshot r = snapshot(responseStatus(stop_reason_));
  r.usage = &usage_;
  if (r.status == "incomplete") {
    r.incomplete_reason = "max_output_tokens";
    responseEvent(out, "response.incomplete", r);
  } else {
    responseEvent(out, "response.completed", r);
  }
}

void ResponsesStream::error(const Value& data, std::string& out) {
  done_ = true;
  OpenAiError e = openAiErrorFrom(0, toJson(data));
  if (!started_) responseEvent(out, "response.created", snapshot("in_progress"));
  std::string code = e.code.empty() ? e.type : e.code;
  // The typed error event for clients that watch it, then the terminal response.failed that
  // Codex reads.
  event(out, "error", [&](JsonWriter& w) {
    w.Key("code");
    writeString(w, code);
    w.Key("message");
    writeString(w, e.message);
    w.Key("param");
    w.Null();
  });
  ResponseSnapshot r = snapshot("failed");
  r.error_code = code;
  r.error_message = e.message;
  r.usage = &usage_;
  responseEvent(out, "response.failed", r);
}

}  // namespace relay::openai
