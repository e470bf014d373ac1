#include "filters/route/request_peek.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "core/json/bounded_reader.h"

namespace relay {

namespace {

// Tracks depth (refusing more than json::kMaxJsonDepth); captures top-level "model" and
// "stream" and ignores everything else. Numbers arrive as text and are never converted.
struct PeekHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PeekHandler> {
  RequestPeek* out;
  json::DepthGuard guard;
  bool root_is_object = false;
  enum class Want { None, Model, Stream } want = Want::None;

  bool Default() {
    want = Want::None;
    return true;
  }
  // The base class would hand a number to String(), turning "model": 5 into "5".
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return Default(); }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    if (guard.depth() == 1 && want == Want::Model) out->model.assign(s, len);
    want = Want::None;
    return true;
  }
  bool Bool(bool b) {
    if (guard.depth() == 1 && want == Want::Stream) out->stream = b;
    want = Want::None;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    std::string_view k(s, len);
    want = guard.depth() != 1 ? Want::None
           : k == "model"     ? Want::Model
           : k == "stream"    ? Want::Stream
                              : Want::None;
    return true;
  }
  bool StartObject() {
    if (guard.depth() == 0) root_is_object = true;
    want = Want::None;
    return guard.enter();
  }
  bool EndObject(rapidjson::SizeType) {
    guard.leave();
    return true;
  }
  bool StartArray() {
    want = Want::None;
    return guard.enter();
  }
  bool EndArray(rapidjson::SizeType) {
    guard.leave();
    return true;
  }
};

}  // namespace

RequestPeek peekJsonBody(std::string_view body) {
  RequestPeek peek;
  PeekHandler h;
  h.out = &peek;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(body.data(), body.size());
  rapidjson::ParseResult r =
      reader.Parse<json::kBoundedParseFlags | rapidjson::kParseValidateEncodingFlag>(ms, h);
  if (h.guard.tooDeep()) {
    peek.error = json::kTooDeepMessage;
    return peek;
  }
  if (r.IsError()) {
    peek.error = std::string("malformed JSON body: ") + rapidjson::GetParseError_En(r.Code()) +
                 " (at byte " + std::to_string(r.Offset()) + ")";
    return peek;
  }
  if (!h.root_is_object) {
    peek.error = "request body must be a JSON object";
    return peek;
  }
  peek.ok = true;
  return peek;
}

}  // namespace relay
