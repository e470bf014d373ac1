#include "claude_usage_tap.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>

#include "host_api.h"
#include "json_skim.h"

namespace relay::claude {

namespace {

using plugin_common::JsonSkimValue;
using plugin_common::JsonSkimVisitor;

// The members usage accounting reads, collected in one pass without a document. As with a
// document's FindMember, the first member of a name counts, whatever its type.
class UsageMembers final : public JsonSkimVisitor {
 public:
  enum Scope { kRoot, kMessage, kRootUsage, kMessageUsage };
  struct Counts {
    std::optional<std::string_view> fields[4];  // number texts, in kCountNames order
  };
  static constexpr std::string_view kCountNames[4] = {
      "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"};

  int member(int scope, std::string_view key, const JsonSkimValue& v) override {
    switch (scope) {
      case kRoot:
        if (key == "type") return first(type_seen_, v, &type_), kIgnore;
        if (key == "model") return first(root_.model_seen, v, &root_.model), kIgnore;
        if (key == "usage") return objectOnce(root_.usage_seen, root_.usage, v, kRootUsage);
        if (key == "message") return objectOnce(message_seen_, message_object_, v, kMessage);
        return kIgnore;
      case kMessage:
        if (key == "model") return first(message_.model_seen, v, &message_.model), kIgnore;
        if (key == "usage")
          return objectOnce(message_.usage_seen, message_.usage, v, kMessageUsage);
        return kIgnore;
      case kRootUsage:
      case kMessageUsage: {
        Counts& counts = scope == kRootUsage ? root_.counts : message_.counts;
        bool* seen = scope == kRootUsage ? root_.count_seen : message_.count_seen;
        for (size_t i = 0; i < 4; ++i) {
          if (key != kCountNames[i] || seen[i]) continue;
          seen[i] = true;
          if (v.kind == JsonSkimValue::Kind::kNumber) counts.fields[i] = v.text;
        }
        return kIgnore;
      }
    }
    return kIgnore;
  }

  // After a successful skim: what the event or message says, into `usage`.
  void apply(UsageCounts* usage) const {
    std::string kind = type_ && type_->kind == JsonSkimValue::Kind::kString ? text(*type_) : "";
    kind.resize(std::min(kind.size(), kind.find('\0')));  // a C string compare stopped at NUL
    if (kind == "message_start") {
      if (!message_object_) return;
      apply(message_, usage, true);
    } else if (kind == "message_delta") {
      apply(root_, usage, false);
    } else if (kind == "message") {
      apply(root_, usage, true);
    }
  }

 private:
  struct Holder {
    bool model_seen = false;
    std::optional<JsonSkimValue> model;
    bool usage_seen = false;
    bool usage = false;  // the first "usage" member is an object
    bool count_seen[4] = {};
    Counts counts;
  };

  static std::string text(const JsonSkimValue& v) {
    return v.escaped ? plugin_common::decodeJsonString(v.text) : std::string(v.text);
  }

  static void first(bool& seen, const JsonSkimValue& v, std::optional<JsonSkimValue>* out) {
    if (seen) return;
    seen = true;
    *out = v;
  }

  static int objectOnce(bool& seen, bool& is_object, const JsonSkimValue& v, int scope) {
    if (seen) return kIgnore;
    seen = true;
    is_object = v.kind == JsonSkimValue::Kind::kObject;
    return is_object ? scope : kIgnore;
  }

  // Cumulative counts: a present field replaces the earlier value.
  static void apply(const Holder& h, UsageCounts* usage, bool with_model) {
    if (with_model && h.model && h.model->kind == JsonSkimValue::Kind::kString)
      h.model->escaped ? usage->model = text(*h.model) : usage->model.assign(h.model->text);
    if (!h.usage) return;
    uint64_t* out[4] = {&usage->input_tokens, &usage->output_tokens,
                        &usage->cache_creation_input_tokens, &usage->cache_read_input_tokens};
    for (size_t i = 0; i < 4; ++i) {
      if (!h.counts.fields[i]) continue;
      *out[i] = plugin_common::jsonNumberAsCount(*h.counts.fields[i]);
      usage->seen = true;
    }
  }

  bool type_seen_ = false;
  std::optional<JsonSkimValue> type_;
  bool message_seen_ = false;
  bool message_object_ = false;
  Holder root_;
  Holder message_;
};

// Whether `needle` occurs in `text`, searched from the end, where usage sits: memrchr skips to
// each candidate place of needle[key], a byte chosen rare in answers (string_view::rfind compared
// at every position on the way).
bool occursFromEnd(std::string_view text, std::string_view needle, size_t key) {
  size_t n = needle.size();
  if (text.size() < n) return false;
  // Candidates start in [0, last]; their key byte is in [key, last + key].
  size_t last = text.size() - n;
  while (true) {
    const void* hit = memrchr(text.data() + key, needle[key], last + 1);
    if (hit == nullptr) return false;
    size_t at = static_cast<size_t>(static_cast<const char*>(hit) - text.data()) - key;
    if (text.compare(at, n, needle) == 0) return true;
    if (at == 0) return false;
    last = at - 1;
  }
}

bool isUsageEvent(std::string_view name) {
  return name.empty() || name == "message_start" || name == "message_delta";
}

}  // namespace

void UsageTap::reset(bool event_stream) {
  event_stream_ = event_stream;
  overflow_ = false;
  usage_event_ = true;
  for (std::string* buffer : {&line_, &data_, &body_, &usage_.model}) {
    if (buffer->capacity() > kKeptCapacity) std::string().swap(*buffer);
    buffer->clear();
  }
  std::string model = std::move(usage_.model);
  usage_ = UsageCounts{};
  usage_.model = std::move(model);
}

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

namespace {

// The value of an SSE field line "name:value" or "name: value", or nullopt for another field.
std::optional<std::string_view> fieldValue(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':' || !line.starts_with(name))
    return std::nullopt;
  std::string_view value = line.substr(name.size() + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

}  // namespace

// Called for every line of the stream: most are the content deltas' "event:" and "data:" lines,
// which cost a look at their first bytes and nothing more.
void UsageTap::onLine(std::string_view line) {
  if (overflow_) return;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return dispatchEvent();
  if (line.front() == 'e') {
    if (auto name = fieldValue(line, "event")) usage_event_ = isUsageEvent(*name);
  } else if (line.front() == 'd' && usage_event_) {  // content deltas are not kept
    auto data = fieldValue(line, "data");
    if (!data) return;
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
  usage_event_ = true;  // an event without an "event:" line is a message
}

void UsageTap::applyJson(std::string_view json) {
  // Usage sits at the end of an answer or event: searched from there.
  if (!occursFromEnd(json, "usage", 3) && !occursFromEnd(json, "\"model\"", 1)) return;
  // The upstream's JSON gets the same guards as a client's, but only these members are read.
  UsageMembers members;
  if (plugin_common::skimJson(json, members) != plugin_common::JsonParse::kOk) return;
  members.apply(&usage_);
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
