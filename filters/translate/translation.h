// One request's use of a translator plugin ("from>to"): the instance from translator_new, and
// the host side of its hooks (set_body for the request, emit for the answer).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/plugin/host_handles.h"
#include "core/plugin/plugin_loader.h"

namespace relay {

class Translation final : public relay_host_request {
 public:
  using Sink = std::function<void(std::string_view)>;

  // Creates the translator; ok() tells whether the plugin accepted the pair.
  Translation(const LoadedPlugin& plugin, const std::string& pair);
  ~Translation() override;
  bool ok() const { return translator_ != nullptr; }
  const std::string& error() const { return error_; }

  // The request body in the provider's format; nullopt + *err on failure. When the plugin
  // leaves the body alone, returns the input.
  std::optional<std::string> request(std::string_view body, relay_error_t* err);

  // An event stream, chunk by chunk; what the plugin emits goes to out.
  bool canStream() const;
  void streamBegin(Sink out);
  void streamData(std::string_view bytes, bool end);
  void streamEnd();

  // A whole success body, or an error answer's body; nullopt when the plugin cannot.
  std::optional<std::string> response(int status, std::string_view body);
  std::optional<std::string> errorBody(int status, std::string_view body);

  // relay_host_request
  int setUpstream(std::string_view, std::string_view) override { return RELAY_UNSUPPORTED; }
  int addHeader(std::string_view, std::string_view) override { return RELAY_UNSUPPORTED; }
  int setBody(std::string_view body) override;
  int emit(std::string_view bytes) override;
  void reportUsage(const relay_usage_t&) override {}

 private:
  const relay_plugin_t& p() const { return plugin_.table(); }

  const LoadedPlugin& plugin_;
  relay_plugin_translator_t* translator_ = nullptr;
  relay_plugin_stream_t* stream_ = nullptr;
  std::string error_;
  std::optional<std::string> body_;  // set_body during translate_request
  Sink out_;                         // where emit goes
};

}  // namespace relay
