#include "filters/route/request_peek.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace relay {

namespace {

// Tracks depth; captures top-level "model" and "stream" and ignores everything else.
struct PeekHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PeekHandler> {
  RequestPeek* out;
  int depth = 0;
  bool root_is_object = false;
  enum class Want { None, Model, Stream } want = Want::None;

  bool Default() {
    want = Want::None;
    return true;
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    if (depth == 1 && want == Want::Model) out->model.assign(s, len);
    want = Want::None;
    return true;
  }
  bool Bool(bool b) {
    if (depth == 1 && want == Want::Stream) out->stream = b;
    want = Want::None;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    std::string_view k(s, len);
    want = depth != 1      ? Want::None
           : k == "model"  ? Want::Model
           : k == "stream" ? Want::Stream
                           : Want::None;
    return true;
  }
  bool StartObject() {
    if (depth == 0) root_is_object = true;
    ++depth;
    want = Want::None;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth;
    return true;
  }
  bool StartArray() {
    ++depth;
    want = Want::None;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth;
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
  rapidjson::ParseResult r = reader.Parse<rapidjson::kParseValidateEncodingFlag>(ms, h);
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
