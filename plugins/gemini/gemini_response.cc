#include "gemini_response.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bounded_json.h"
#include "gemini_host.h"

namespace relay::gemini {

namespace {

uint64_t count(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsNumber()) return 0;
  double v = it->value.GetDouble();
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}

// usageMetadata is repeated and updated across chunks: the last one present wins.
void readUsage(const rapidjson::Value& r, UsageCounts* u) {
  if (!r.IsObject()) return;
  auto model = r.FindMember("modelVersion");
  if (model != r.MemberEnd() && model->value.IsString())
    u->model.assign(model->value.GetString(), model->value.GetStringLength());
  auto meta = r.FindMember("usageMetadata");
  if (meta == r.MemberEnd() || !meta->value.IsObject()) return;
  const rapidjson::Value& m = meta->value;
  uint64_t prompt = count(m, "promptTokenCount");
  uint64_t cached = count(m, "cachedContentTokenCount");
  u->seen = true;
  u->cache_read_input_tokens = cached;
  u->input_tokens = prompt > cached ? prompt - cached : 0;
  u->output_tokens = count(m, "candidatesTokenCount") + count(m, "thoughtsTokenCount");
}

}  // namespace

GeminiResponse::GeminiResponse(bool unwrap, bool event_stream, Emit emit)
    : unwrap_(unwrap),
      emit_(std::move(emit)),
      units_(event_stream, [this](std::string_view unit, Framing f) { onUnit(unit, f); }) {}

void GeminiResponse::feed(std::string_view bytes) {
  if (!unwrap_ && emit_) emit_(bytes);
  units_.feed(bytes);
}

void GeminiResponse::onUnit(std::string_view unit, Framing framing) {
  bool wanted = unwrap_ || unit.find("usageMetadata") != std::string_view::npos ||
                unit.find("modelVersion") != std::string_view::npos;
  if (!wanted) return;
  rapidjson::Document doc;
  bool parsed = parseBoundedJson(unit, doc) == JsonParse::kOk;
  const rapidjson::Value* inner = parsed ? &doc : nullptr;
  if (parsed && doc.IsObject()) {
    auto response = doc.FindMember("response");
    if (unwrap_ && response != doc.MemberEnd()) inner = &response->value;
  }
  if (inner) readUsage(*inner, &usage_);
  if (!unwrap_) return;
  std::string out;
  if (parsed && inner != &doc) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    inner->Accept(w);
    out.assign(buffer.GetString(), buffer.GetSize());
  } else {
    out.assign(unit);  // not an envelope: as it came
  }
  if (framing == Framing::kSse) {
    emit_("data: " + out + "\r\n\r\n");
  } else if (framing == Framing::kJsonArray) {
    emit_((array_open_ ? "," : "[") + out);
    array_open_ = true;
  } else {
    emit_(out);
  }
}

void GeminiResponse::finish() {
  if (finished_) return;
  finished_ = true;
  units_.finish();
  if (!unwrap_ || units_.framing() != Framing::kJsonArray) return;
  emit_(array_open_ ? "]" : "[]");
}

namespace {

struct ResponseStream {
  relay_host_request_t* req;
  GeminiResponse response;
  bool reported = false;
};

ResponseStream* fromHandle(relay_plugin_stream_t* s) {
  return reinterpret_cast<ResponseStream*>(s);
}

void report(ResponseStream& s) {
  if (s.reported) return;
  s.reported = true;
  const UsageCounts& u = s.response.usage();
  const relay_host_t* h = host();
  if (!u.seen || !h || !RELAY_HOST_HAS(h, report_usage)) return;
  relay_usage_t usage{};
  usage.struct_size = sizeof(usage);
  usage.model = toSlice(u.model);
  usage.input_tokens = u.input_tokens;
  usage.output_tokens = u.output_tokens;
  usage.cache_read_input_tokens = u.cache_read_input_tokens;
  h->report_usage(s.req, &usage);
}

}  // namespace

relay_plugin_stream_t* responseStreamBegin(relay_host_request_t* req, ResponseRole role,
                                           int32_t status, const relay_header_t* headers,
                                           size_t header_count) {
  if (status < 200 || status >= 300) return nullptr;
  std::string_view encoding = headerValue(headers, header_count, "content-encoding");
  if (!encoding.empty() && !equalsIgnoreCase(encoding, "identity")) return nullptr;
  bool event_stream =
      toLower(headerValue(headers, header_count, "content-type")).find("text/event-stream") !=
      std::string::npos;
  GeminiResponse::Emit emit;
  if (role != ResponseRole::kObserve)
    emit = [req](std::string_view bytes) { host()->emit(req, toSlice(bytes)); };
  bool unwrap = role == ResponseRole::kUnwrap;
  auto* s = new ResponseStream{req, GeminiResponse(unwrap, event_stream, std::move(emit))};
  return reinterpret_cast<relay_plugin_stream_t*>(s);
}

int responseStreamData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end) {
  ResponseStream& s = *fromHandle(stream);
  s.response.feed(toView(bytes));
  if (end) {
    s.response.finish();
    report(s);
  }
  return RELAY_OK;
}

void responseStreamEnd(relay_plugin_stream_t* stream) {
  ResponseStream* s = fromHandle(stream);
  if (!s) return;
  report(*s);  // an aborted stream still reports what was counted
  delete s;
}

}  // namespace relay::gemini
