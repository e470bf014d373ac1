#include "request_parts.h"

#include <algorithm>

#include "json_support.h"

namespace relay::openai {

namespace {

void startBlock(JsonWriter& w, const char* type) {
  w.StartObject();
  w.Key("type");
  w.String(type);
}

// A tool_use block up to its "input" key: a function call's and a custom tool call's alike.
void startToolUse(JsonWriter& w, std::string_view id, std::string_view name) {
  startBlock(w, "tool_use");
  w.Key("id");
  writeString(w, id);
  w.Key("name");
  writeString(w, name);
  w.Key("input");
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

struct DataUri {
  std::string_view media_type;
  std::string_view data;
};

std::optional<DataUri> parseDataUri(std::string_view uri) {
  if (!startsWith(uri, "data:")) return std::nullopt;
  size_t comma = uri.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view header = uri.substr(5, comma - 5);
  size_t semi = header.find(";base64");
  if (semi == std::string_view::npos) return std::nullopt;
  return DataUri{header.substr(0, semi), uri.substr(comma + 1)};
}

// The fields of a base64 source (an image's or a document's): type, media_type, data.
void writeBase64Source(JsonWriter& w, const DataUri& data) {
  w.Key("type");
  w.String("base64");
  w.Key("media_type");
  writeString(w, data.media_type);
  w.Key("data");
  writeString(w, data.data);
}

}  // namespace

void parseRequestObject(std::string_view body_text, rapidjson::Document& body) {
  parseClientJson(body_text, body, "the request body");
  if (!body.IsObject()) reject("the request body must be a JSON object");
}

std::string requiredModel(const rapidjson::Value& body) {
  std::string model(stringOr(body, "model"));
  if (model.empty()) reject("model is required");
  return model;
}

std::optional<int64_t> positiveIntMember(const rapidjson::Value& body, const char* name) {
  if (!member(body, name)) return std::nullopt;
  std::optional<int64_t> n = intMember(body, name);
  if (!n || *n < 1) reject(std::string(name) + " must be a positive integer");
  return n;
}

std::string textBlock(std::string_view text) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startBlock(w, "text");
  w.Key("text");
  writeString(w, text);
  w.EndObject();
  return std::string(written(b));
}

std::string imageBlock(std::string_view url) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startBlock(w, "image");
  w.Key("source");
  w.StartObject();
  if (std::optional<DataUri> data = parseDataUri(url)) {
    writeBase64Source(w, *data);
  } else if (startsWith(url, "https://") || startsWith(url, "http://")) {
    w.Key("type");
    w.String("url");
    w.Key("url");
    writeString(w, url);
  } else {
    reject("image_url must be an http(s) URL or a base64 data URI");
  }
  w.EndObject();
  w.EndObject();
  return std::string(written(b));
}

std::string documentBlock(std::string_view file_data) {
  std::optional<DataUri> data = parseDataUri(file_data);
  if (!data || data->media_type != "application/pdf") {
    reject("only PDF files given as base64 data URIs are supported in file parts");
  }
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startBlock(w, "document");
  w.Key("source");
  w.StartObject();
  writeBase64Source(w, *data);
  w.EndObject();
  w.EndObject();
  return std::string(written(b));
}

std::string toolUseBlock(std::string_view id, std::string_view name, std::string_view arguments) {
  rapidjson::Document input;
  if (arguments.find_first_not_of(" \t\r\n") == std::string_view::npos) arguments = "{}";
  parseClientJson(arguments, input, "tool call arguments");
  if (!input.IsObject()) reject("tool call arguments must be a JSON object");
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startToolUse(w, id, name);
  input.Accept(w);
  w.EndObject();
  return std::string(written(b));
}

std::string toolResultBlock(std::string_view id, const std::vector<std::string>& content) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startBlock(w, "tool_result");
  w.Key("tool_use_id");
  writeString(w, id);
  w.Key("content");
  w.StartArray();
  for (const std::string& block : content) writeRaw(w, block, rapidjson::kObjectType);
  w.EndArray();
  w.EndObject();
  return std::string(written(b));
}

std::string toolDefinition(std::string_view name, const rapidjson::Value* description,
                           const rapidjson::Value* parameters) {
  if (name.empty()) reject("every function tool needs a name");
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("name");
  writeString(w, name);
  if (description && description->IsString()) {
    w.Key("description");
    description->Accept(w);
  }
  w.Key("input_schema");
  if (parameters && parameters->IsObject()) {
    parameters->Accept(w);
  } else {
    w.StartObject();
    w.Key("type");
    w.String("object");
    w.Key("properties");
    w.StartObject();
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  return std::string(written(b));
}

std::string customToolDefinition(const rapidjson::Value& tool) {
  std::string_view name = stringOr(tool, "name");
  if (name.empty()) reject("every custom tool needs a name");
  std::string description(stringOr(tool, "description"));
  description += description.empty() ? "" : "\n\n";
  description += "Put the tool's free-form text input in the \"input\" string.";
  if (const rapidjson::Value* format = member(tool, "format");
      format && stringOr(*format, "type") == "grammar") {
    description += " The text must follow this " + std::string(stringOr(*format, "syntax")) +
                   " grammar:\n" + std::string(stringOr(*format, "definition"));
  }
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("name");
  writeString(w, name);
  w.Key("description");
  writeString(w, description);
  w.Key("input_schema");
  w.StartObject();
  w.Key("type");
  w.String("object");
  w.Key("properties");
  w.StartObject();
  w.Key("input");
  w.StartObject();
  w.Key("type");
  w.String("string");
  w.EndObject();
  w.EndObject();
  w.Key("required");
  w.StartArray();
  w.String("input");
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(written(b));
}

std::string customToolUseBlock(std::string_view id, std::string_view name, std::string_view input) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startToolUse(w, id, name);
  w.StartObject();
  w.Key("input");
  writeString(w, input);
  w.EndObject();
  w.EndObject();
  return std::string(written(b));
}

std::string toolChoice(const rapidjson::Value* choice, bool parallel_tool_calls) {
  std::string type = "auto";
  std::string name;
  if (choice && choice->IsString()) {
    std::string_view s(choice->GetString(), choice->GetStringLength());
    if (s == "none") {
      type = "none";
    } else if (s == "required") {
      type = "any";
    } else if (s != "auto") {
      reject("tool_choice must be none, auto, required or a function");
    }
  } else if (choice && choice->IsObject()) {
    std::string_view choice_type = stringOr(*choice, "type");
    if (choice_type != "function" && choice_type != "custom")
      reject("tool_choice supports function and custom tools only");
    const rapidjson::Value* function = member(*choice, "function");
    name = std::string(function ? stringOr(*function, "name") : stringOr(*choice, "name"));
    if (name.empty()) reject("tool_choice names no function");
    type = "tool";
  } else if (parallel_tool_calls) {
    return std::string();
  }
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("type");
  writeString(w, type);
  if (!name.empty()) {
    w.Key("name");
    writeString(w, name);
  }
  if (!parallel_tool_calls && type != "none") {
    w.Key("disable_parallel_tool_use");
    w.Bool(true);
  }
  w.EndObject();
  return std::string(written(b));
}

int64_t thinkingBudgetFor(std::string_view effort) {
  if (effort == "minimal") return 1024;
  if (effort == "low") return 2048;
  if (effort == "medium") return 8192;
  if (effort == "high") return 16384;
  if (effort == "xhigh") return 24576;
  if (effort == "max") return 32000;
  if (effort.empty() || effort == "none") return 0;
  reject("unknown reasoning effort \"" + std::string(effort) + "\"");
}

void applyThinking(AnthropicRequest& out, std::string_view effort) {
  int64_t budget = thinkingBudgetFor(effort);
  bool forced = out.tool_choice.find("\"any\"") != std::string::npos ||
                out.tool_choice.find("\"tool\"") != std::string::npos;
  if (budget == 0 || forced) return;
  if (!out.max_tokens_given)
    out.max_tokens =
        std::max(out.max_tokens, std::min(out.max_tokens + budget, kThinkingMaxTokensCap));
  budget = std::min(budget, out.max_tokens - 1);
  if (budget < 1024 || out.lastToolTurnLacksThinking()) return;
  out.thinking_budget = budget;
  out.temperature.reset();
  if (out.top_p && (*out.top_p < 0.95 || *out.top_p > 1)) out.top_p.reset();
}

void applyResponseFormat(AnthropicRequest& out, const rapidjson::Value* format) {
  if (!format || !format->IsObject()) return;
  std::string_view type = stringOr(*format, "type");
  if (type == "json_object") {
    out.system.push_back("Respond with one valid JSON object only, with no text around it.");
  } else if (type == "json_schema") {
    const rapidjson::Value* spec = member(*format, "json_schema");
    if (!spec) spec = format;  // Responses text.format is flat
    const rapidjson::Value* schema = member(*spec, "schema");
    std::string text =
        "Respond with one valid JSON value only, with no text around it, that conforms to this "
        "JSON Schema";
    std::string_view name = stringOr(*spec, "name");
    if (!name.empty()) text += " (\"" + std::string(name) + "\")";
    text += ": " + (schema ? toJson(*schema) : std::string("{}"));
    out.system.push_back(std::move(text));
  } else if (!type.empty() && type != "text") {
    reject("response format type \"" + std::string(type) + "\" is not supported");
  }
}

void applyStop(AnthropicRequest& out, const rapidjson::Value* stop) {
  if (!stop) return;
  if (stop->IsString()) {
    out.stop_sequences.emplace_back(stop->GetString(), stop->GetStringLength());
  } else if (stop->IsArray()) {
    for (const rapidjson::Value& s : stop->GetArray()) {
      if (!s.IsString()) reject("stop must be a string or an array of strings");
      out.stop_sequences.emplace_back(s.GetString(), s.GetStringLength());
    }
  } else {
    reject("stop must be a string or an array of strings");
  }
}

void applySampling(AnthropicRequest& out, const rapidjson::Value& body) {
  // OpenAI's temperature runs 0..2, Anthropic's 0..1: values above 1 are capped.
  if (const rapidjson::Value* t = member(body, "temperature")) {
    if (!t->IsNumber()) reject("temperature must be a number");
    out.temperature = std::min(t->GetDouble(), 1.0);
  }
  if (const rapidjson::Value* p = member(body, "top_p")) {
    if (!p->IsNumber()) reject("top_p must be a number");
    // Current Anthropic models refuse temperature and top_p together: temperature wins.
    if (!out.temperature) out.top_p = p->GetDouble();
  }
}

}  // namespace relay::openai
