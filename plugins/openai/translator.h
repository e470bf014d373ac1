// The translator hooks of the OpenAI plugin: openai-chat>anthropic and
// openai-responses>anthropic. A translator instance keeps what translate_request learned per
// request (model, stream, include_usage) under the host request handle, so stream_new and
// translate_response of the same request find it whether the host makes one instance per
// request or shares one per loop.
#ifndef RELAY_PLUGINS_OPENAI_TRANSLATOR_H
#define RELAY_PLUGINS_OPENAI_TRANSLATOR_H

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "relay_plugin.h"
#include "request_facts.h"
#include "thinking_cache.h"

namespace relay::openai {

enum class ClientFormat { kChat, kResponses };

// Per-request facts kept at most this long (in requests) by a shared instance.
inline constexpr size_t kMaxRememberedRequests = 1024;

struct Translator {
  ClientFormat format = ClientFormat::kChat;
  int64_t default_max_tokens = 8192;
  ThinkingCache* cache = &ThinkingCache::shared();
  // The ABI promises one loop at a time; the lock keeps a host that shares more safe anyway.
  mutable std::mutex mu;
  std::unordered_map<const relay_host_request_t*, RequestFacts> facts;
  std::deque<const relay_host_request_t*> order;  // oldest first, for the bound

  void remember(const relay_host_request_t* req, RequestFacts f);
  RequestFacts factsFor(const relay_host_request_t* req) const;
};

// For the plugin's own use and tests; hosts pass the same through the pair string:
// "openai-chat>anthropic?default_max_tokens=16384".
void setDefaultMaxTokens(Translator* translator, int64_t max_tokens);

// The host table, set by relay_plugin_init.
void setTranslatorHost(const relay_host_t* host);
// Fills the translator hooks of the plugin table.
void installTranslatorHooks(relay_plugin_t& table);

relay_plugin_translator_t* translatorNew(relay_slice_t pair, relay_error_t* err);
void translatorFree(relay_plugin_translator_t* translator);
int translateRequest(relay_plugin_translator_t* translator, relay_host_request_t* req,
                     relay_slice_t body, relay_error_t* err);
relay_plugin_stream_t* streamNew(relay_plugin_translator_t* translator, relay_host_request_t* req);
int streamData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end);
void streamFree(relay_plugin_stream_t* stream);
int translateResponse(relay_plugin_translator_t* translator, relay_host_request_t* req,
                      int32_t status, relay_slice_t body);
int translateError(relay_plugin_translator_t* translator, relay_host_request_t* req, int32_t status,
                   relay_slice_t body);

}  // namespace relay::openai

#endif
