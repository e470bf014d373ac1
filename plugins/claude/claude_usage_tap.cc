#include "claude_usage_tap.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>

#include "bounded_json.h"
#include "host_api.h"

namespace relay::claude {

namespace {

void readCount(const rapidjson::Value& usage, const char* key, uint64_t* out, bool* seen) {
  auto it = usage.FindMember(key);
  if (it == usage.MemberEnd() || !it->value.IsNumber()) return;
  if (it->value.IsUint64()) {
    *out = it->value.GetUint64();
  } else {
    // A float or a negative count: clamp into range (casting 1e300 to uint64_t is undefined).
    double v = it->value.GetDouble();
    *out = !(v > 0) ? 0 : v >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(v);
  }
  *seen = true;
}

// Cumulative counts: a present field replaces the earlier value.
void readUsage(const rapidjson::Value& holder, UsageCounts* usage) {
  auto it = holder.FindMember("usage");
  if (it == holder.MemberEnd() || !it->value.IsObject()) return;
  const rapidjson::Value& u = it->value;
  readCount(u, "input_tokens", &usage->input_tokens, &usage->seen);
  readCount(u, "output_tokens", &usage->output_tokens, &usage->seen);
  readCount(u, "cache_creation_input_tokens", &usage->cache_creation_input_tokens, &usage->seen);
  readCount(u, "cache_read_input_tokens", &usage->cache_read_input_tokens, &usage->seen);
}

void readModel(const rapidjson::Value& holder, UsageCounts* usage) {
  auto it = holder.FindMember("model");
  if (it != holder.MemberEnd() && it->value.IsString())
    usage->model.assign(it->value.GetString(), it->value.GetStringLength());
}

bool isUsageEvent(std::string_view name) {
  return name.empty() || name == "message_start" || name == "message_delta";
}

}  // namespace

void UsageTap::feed(std::string_view bytes) {
  if (overflow_) return;
  if (!event_stream_) {
    if (body_.size() + bytes.size() > kMaxBuffered) {
      overflow_ = true;
      body_.clear();
      return;
    }
    body_.append(bytes);
    return;
  }
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      line_.append(bytes);
      if (line_.size() > kMaxBuffered) overflow_ = true;
      return;
    }
    if (line_.empty()) {
      onLine(bytes.substr(0, nl));
    } else {
      line_.append(bytes.substr(0, nl));
      onLine(line_);
      line_.clear();
    }
    bytes.remove_prefix(nl + 1);
  }
}

void UsageTap::onLine(std::string_view line) {
  if (overflow_) return;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return dispatchEvent();
  auto field = [&](std::string_view name) -> std::optional<std::string_view> {
    if (line.substr(0, name.size()) != name || line.size() <= name.size() ||
        line[name.size()] != ':')
      return std::nullopt;
    std::string_view value = line.substr(name.size() + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return value;
  };
  if (auto name = field("event")) {
    event_.assign(*name);
  } else if (auto data = field("data")) {
    if (!isUsageEvent(event_)) return;  // content deltas are not kept
    if (!data_.empty()) data_.push_back('\n');
    data_.append(*data);
    if (data_.size() > kMaxBuffered) {  // one event the upstream never ends
      overflow_ = true;
      data_.clear();
    }
  }
}

void UsageTap::dispatchEvent() {
  if (!data_.empty()) applyJson(data_);
  data_.clear();
  event_.clear();
}

void UsageTap::applyJson(std::string_view json) {
  if (json.find("usage") == std::string_view::npos &&
      json.find("\"model\"") == std::string_view::npos)
    return;
  rapidjson::Document doc;  // the upstream's JSON gets the same guards as a client's
  if (parseBoundedJson(json, doc) != JsonParse::kOk || !doc.IsObject()) return;
  auto type = doc.FindMember("type");
  std::string_view kind =
      type != doc.MemberEnd() && type->value.IsString() ? type->value.GetString() : "";
  if (kind == "message_start") {
    auto message = doc.FindMember("message");
    if (message == doc.MemberEnd() || !message->value.IsObject()) return;
    readModel(message->value, &usage_);
    readUsage(message->value, &usage_);
  } else if (kind == "message_delta") {
    readUsage(doc, &usage_);
  } else if (kind == "message") {
    readModel(doc, &usage_);
    readUsage(doc, &usage_);
  }
}

void UsageTap::finish() {
  if (overflow_) return;
  if (event_stream_) {
    if (!line_.empty()) onLine(line_);  // a last line without its newline
    line_.clear();
    dispatchEvent();
  } else {
    applyJson(body_);
    body_.clear();
  }
}

}  // namespace relay::claude
