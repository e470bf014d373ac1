#include "translator.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <string_view>

#include "chat_request.h"
#include "chat_stream.h"
#include "error_body.h"
#include "json_support.h"
#include "responses_request.h"
#include "responses_stream.h"
#include "whole_response.h"

namespace relay::openai {

namespace {

const relay_host_t* g_host = nullptr;

std::string_view view(relay_slice_t s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view();
}
relay_slice_t slice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}

int64_t nowMs() {
  if (g_host && RELAY_HOST_HAS(g_host, now_ms)) return g_host->now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void fail(relay_error_t* err, int32_t status, std::string_view message) {
  if (!err) return;
  err->status = status;
  size_t n = std::min(message.size(), sizeof(err->message) - 1);
  std::memcpy(err->message, message.data(), n);
  err->message[n] = '\0';
}

int emit(relay_host_request_t* req, std::string_view bytes) {
  if (bytes.empty()) return RELAY_OK;
  if (!g_host || !RELAY_HOST_HAS(g_host, emit)) return RELAY_ERROR;
  return g_host->emit(req, slice(bytes));
}

Translator* from(relay_plugin_translator_t* t) {
  return reinterpret_cast<Translator*>(t);
}

struct Stream {
  relay_host_request_t* req;
  std::unique_ptr<StreamTranslator> translator;
};

// "default_max_tokens=N" options after '?' in the pair; false on an unknown or bad option.
bool applyOptions(Translator& t, std::string_view options) {
  while (!options.empty()) {
    size_t amp = options.find('&');
    std::string_view option = options.substr(0, amp);
    options = amp == std::string_view::npos ? std::string_view() : options.substr(amp + 1);
    constexpr std::string_view kKey = "default_max_tokens=";
    if (option.substr(0, kKey.size()) != kKey) return false;
    std::string number(option.substr(kKey.size()));
    char* end = nullptr;
    long long n = std::strtoll(number.c_str(), &end, 10);
    if (number.empty() || *end != '\0' || n < 1) return false;
    t.default_max_tokens = n;
  }
  return true;
}

}  // namespace

void Translator::remember(const relay_host_request_t* req, RequestFacts f) {
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = facts.insert_or_assign(req, std::move(f));
  (void)it;
  if (!inserted) return;
  order.push_back(req);
  while (order.size() > kMaxRememberedRequests) {
    facts.erase(order.front());
    order.pop_front();
  }
}

RequestFacts Translator::factsFor(const relay_host_request_t* req) const {
  std::lock_guard<std::mutex> lock(mu);
  auto it = facts.find(req);
  return it == facts.end() ? RequestFacts() : it->second;
}

void setDefaultMaxTokens(Translator* translator, int64_t max_tokens) {
  if (translator && max_tokens > 0) translator->default_max_tokens = max_tokens;
}

void setTranslatorHost(const relay_host_t* host) {
  g_host = host;
}

void installTranslatorHooks(relay_plugin_t& table) {
  table.translator_new = translatorNew;
  table.translator_free = translatorFree;
  table.translate_request = translateRequest;
  table.stream_new = streamNew;
  table.stream_data = streamData;
  table.stream_free = streamFree;
  table.translate_response = translateResponse;
  table.translate_error = translateError;
}

relay_plugin_translator_t* translatorNew(relay_slice_t pair_slice, relay_error_t* err) {
  std::string_view pair = view(pair_slice);
  size_t question = pair.find('?');
  std::string_view name = pair.substr(0, question);
  auto t = std::make_unique<Translator>();
  if (name == "openai-chat>anthropic") {
    t->format = ClientFormat::kChat;
  } else if (name == "openai-responses>anthropic") {
    t->format = ClientFormat::kResponses;
  } else {
    fail(err, 500, "the openai plugin does not translate \"" + std::string(name) + "\"");
    return nullptr;
  }
  if (question != std::string_view::npos && !applyOptions(*t, pair.substr(question + 1))) {
    fail(err, 500,
         "bad translator options \"" + std::string(pair.substr(question + 1)) +
             "\" (known: default_max_tokens=N)");
    return nullptr;
  }
  return reinterpret_cast<relay_plugin_translator_t*>(t.release());
}

void translatorFree(relay_plugin_translator_t* translator) {
  delete from(translator);
}

int translateRequest(relay_plugin_translator_t* translator, relay_host_request_t* req,
                     relay_slice_t body, relay_error_t* err) {
  Translator& t = *from(translator);
  try {
    RequestFacts facts;
    std::string out =
        t.format == ClientFormat::kChat
            ? translateChatRequest(view(body), t.default_max_tokens, *t.cache, nowMs(), &facts)
            : translateResponsesRequest(view(body), t.default_max_tokens, &facts);
    t.remember(req, std::move(facts));
    if (!g_host || !RELAY_HOST_HAS(g_host, set_body)) {
      fail(err, 500, "the host cannot replace request bodies");
      return RELAY_ERROR;
    }
    return g_host->set_body(req, slice(out));
  } catch (const RequestRejected& e) {
    fail(err, e.status, e.what());
  } catch (const std::exception& e) {
    fail(err, 500, std::string("request translation failed: ") + e.what());
  }
  return RELAY_ERROR;
}

relay_plugin_stream_t* streamNew(relay_plugin_translator_t* translator, relay_host_request_t* req) {
  Translator& t = *from(translator);
  RequestFacts facts = t.factsFor(req);
  auto s = std::make_unique<Stream>();
  s->req = req;
  try {
    if (t.format == ClientFormat::kChat) {
      s->translator = std::make_unique<ChatStream>(std::move(facts), nowMs(), *t.cache);
    } else {
      s->translator = std::make_unique<ResponsesStream>(std::move(facts), nowMs());
    }
  } catch (const std::exception&) {
    return nullptr;
  }
  return reinterpret_cast<relay_plugin_stream_t*>(s.release());
}

int streamData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end) {
  Stream& s = *reinterpret_cast<Stream*>(stream);
  try {
    return emit(s.req, s.translator->feed(view(bytes), end != 0));
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

void streamFree(relay_plugin_stream_t* stream) {
  delete reinterpret_cast<Stream*>(stream);
}

int translateResponse(relay_plugin_translator_t* translator, relay_host_request_t* req,
                      int32_t status, relay_slice_t body) {
  Translator& t = *from(translator);
  if (status < 200 || status >= 300) return translateError(translator, req, status, body);
  try {
    RequestFacts facts = t.factsFor(req);
    std::optional<std::string> out =
        t.format == ClientFormat::kChat
            ? chatCompletionFromMessage(view(body), facts, nowMs(), *t.cache)
            : responseFromMessage(view(body), facts, nowMs());
    // Not a message: an error, not an error body under the upstream's 2xx (an SDK takes a 200
    // for an answer). The host answers 502 in the client's format.
    if (!out) return RELAY_ERROR;
    return emit(req, *out);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

int translateError(relay_plugin_translator_t*, relay_host_request_t* req, int32_t status,
                   relay_slice_t body) {
  try {
    return emit(req, errorBody(openAiErrorFrom(status, view(body))));
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

}  // namespace relay::openai
