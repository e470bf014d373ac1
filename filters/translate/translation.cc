#include "filters/translate/translation.h"

#include "filters/provider/request_view.h"

namespace relay {

Translation::Translation(const LoadedPlugin& plugin, const std::string& pair) : plugin_(plugin) {
  if (!RELAY_PLUGIN_HAS(&p(), translator_new)) {
    error_ = "plugin " + plugin.name() + " has no translator hooks";
    return;
  }
  relay_error_t err{};
  translator_ = p().translator_new(toSlice(pair), &err);
  if (!translator_) error_ = err.message[0] ? err.message : "the translator refused " + pair;
}

Translation::~Translation() {
  streamEnd();
  if (translator_ && RELAY_PLUGIN_HAS(&p(), translator_free)) p().translator_free(translator_);
}

std::optional<std::string> Translation::request(std::string_view body, relay_error_t* err) {
  if (!RELAY_PLUGIN_HAS(&p(), translate_request)) return std::string(body);
  body_.reset();
  if (p().translate_request(translator_, this, toSlice(body), err) != RELAY_OK) return std::nullopt;
  return body_ ? std::move(*body_) : std::string(body);
}

bool Translation::canStream() const {
  return RELAY_PLUGIN_HAS(&p(), stream_new) && RELAY_PLUGIN_HAS(&p(), stream_data);
}

void Translation::streamBegin(Sink out) {
  out_ = std::move(out);
  stream_ = p().stream_new(translator_, this);
}

void Translation::streamData(std::string_view bytes, bool end) {
  if (stream_) p().stream_data(stream_, toSlice(bytes), end ? 1 : 0);
}

void Translation::streamEnd() {
  if (stream_ && RELAY_PLUGIN_HAS(&p(), stream_free)) p().stream_free(stream_);
  stream_ = nullptr;
}

std::optional<std::string> Translation::response(int status, std::string_view body) {
  if (!RELAY_PLUGIN_HAS(&p(), translate_response)) return std::nullopt;
  std::string out;
  out_ = [&out](std::string_view b) { out.append(b); };
  int rc = p().translate_response(translator_, this, status, toSlice(body));
  out_ = nullptr;
  if (rc != RELAY_OK) return std::nullopt;
  return out;
}

std::optional<std::string> Translation::errorBody(int status, std::string_view body) {
  if (!RELAY_PLUGIN_HAS(&p(), translate_error)) return std::nullopt;
  std::string out;
  out_ = [&out](std::string_view b) { out.append(b); };
  int rc = p().translate_error(translator_, this, status, toSlice(body));
  out_ = nullptr;
  if (rc != RELAY_OK) return std::nullopt;
  return out;
}

int Translation::setBody(std::string_view body) {
  body_ = std::string(body);
  return RELAY_OK;
}

int Translation::emit(std::string_view bytes) {
  if (!out_) return RELAY_ERROR;
  out_(bytes);
  return RELAY_OK;
}

}  // namespace relay
