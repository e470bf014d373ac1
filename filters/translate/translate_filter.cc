#include "filters/translate/translate_filter.h"

#include "core/plugin/plugin_registry.h"
#include "core/provider/provider_account.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "filters/provider/provider_formats.h"
#include "filters/translate/translation.h"

namespace relay {

namespace {

struct Pair {
  std::string from, to;  // both empty: inferred per attempt
  std::string options;   // "?key=value&…" appended to the pair given to translator_new
};

class TranslateFilter final : public Filter {
 public:
  TranslateFilter(const ServerContext& server, const Pair& configured)
      : server_(server), configured_(configured) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    RequestState& st = cb.state();
    ProviderAccount* account = server_.providers ? server_.providers->find(st.account_id) : nullptr;
    if (!account || !server_.plugins) return FilterStatus::Continue;  // upstream explains
    std::string client(wireFormatName(st.format));
    std::string to = target(account->plugin().table(), client);
    if (to.empty()) {
      if (configured_.from.empty() && servesFormat(account->plugin().table(), client))
        return FilterStatus::Continue;  // the provider speaks the client's format
      if (!configured_.from.empty()) return FilterStatus::Continue;  // the pair does not apply
      return refuseUntranslated(cb, client, account->plugin().name());
    }
    return translate(cb, st, client, to);
  }

  // A request the provider needs in another format. Out of line, as the refusal: a request in
  // the provider's own format (the common case) runs only the check above.
  [[gnu::noinline]] FilterStatus translate(FilterCallbacks& cb, RequestState& st,
                                           const std::string& client, const std::string& to) {
    auto upstream_format = parseWireFormat(to);
    const LoadedPlugin* plugin = translatorFor(client, to);
    if (!plugin || !upstream_format) {
      cb.sendError(501, "no loaded plugin translates " + client + " to " + to);
      return FilterStatus::Stop;
    }
    translation_ = std::make_unique<Translation>(*plugin, client + ">" + to + configured_.options);
    if (!translation_->ok()) {
      cb.sendError(501, "translator " + client + ">" + to + ": " + translation_->error());
      return FilterStatus::Stop;
    }
    relay_error_t err{};
    auto body = translation_->request(cb.request().body, &err);
    if (!body) {
      cb.sendError(err.status ? err.status : 400,
                   err.message[0] ? err.message : "the request could not be translated");
      return FilterStatus::Stop;
    }
    cb.setRequestBody(std::move(*body));
    st.upstream_format = *upstream_format;
    return FilterStatus::Continue;
  }

  [[gnu::cold, gnu::noinline]] static FilterStatus refuseUntranslated(FilterCallbacks& cb,
                                                                      const std::string& client,
                                                                      const std::string& provider) {
    cb.sendError(501, "requests in " + client + " format need translation for provider " +
                          provider + ", and no loaded plugin translates them");
    return FilterStatus::Stop;
  }

  ResponseRole responseRole() const override {
    return translation_ ? ResponseRole::Transform : ResponseRole::None;
  }

  void transformHeaders(FilterCallbacks& cb, ResponseHead head, ResponseEmitter& next) override {
    next_ = &next;
    if (head.local) {
      mode_ = Mode::Pass;  // already in the client's format
      return next.headers(std::move(head));
    }
    if (head.status < 400 && cb.state().stream && translation_->canStream()) {
      mode_ = Mode::Stream;
      head.content_length.reset();
      next.headers(std::move(head));
      translation_->streamBegin([this](std::string_view b) { next_->data(b); });
      return;
    }
    mode_ = head.status < 400 ? Mode::Whole : Mode::Error;
    held_ = std::move(head);
  }

  void transformData(FilterCallbacks&, std::string_view bytes, ResponseEmitter& next) override {
    switch (mode_) {
      case Mode::Pass:
        return next.data(bytes);
      case Mode::Stream:
        return translation_->streamData(bytes, false);
      default:
        body_.append(bytes);
    }
  }

  void transformEnd(FilterCallbacks&, ResponseEmitter& next) override {
    if (mode_ == Mode::Pass) return next.end();
    if (mode_ == Mode::Stream) {
      translation_->streamData("", true);
      translation_->streamEnd();
      return next.end();
    }
    auto out = mode_ == Mode::Whole ? translation_->response(held_.status, body_)
                                    : translation_->errorBody(held_.status, body_);
    if (!out) {
      AnswerFailure f;
      f.status = mode_ == Mode::Whole ? 502 : held_.status;
      f.message = "upstream answered " + std::to_string(held_.status) +
                  " and the answer could not be translated";
      return next.fail(f);
    }
    held_.content_length = out->size();
    next.headers(std::move(held_));
    next.data(*out);
    next.end();
  }

  void transformFailure(FilterCallbacks&, const AnswerFailure& f, ResponseEmitter& next) override {
    if (translation_) translation_->streamEnd();
    next.fail(f);
  }

 private:
  enum class Mode { Pass, Stream, Whole, Error };

  // The plugin declaring from>to, when it has the translator hooks to run it.
  const LoadedPlugin* translatorFor(const std::string& from, const std::string& to) const {
    const LoadedPlugin* p = server_.plugins->translatorFor(from, to);
    return p && RELAY_PLUGIN_HAS(&p->table(), translator_new) ? p : nullptr;
  }

  // The provider-side format for this attempt, or "" when nothing translates.
  std::string target(const relay_plugin_t& provider, const std::string& client) const {
    if (!configured_.from.empty()) return client == configured_.from ? configured_.to : "";
    if (servesFormat(provider, client)) return "";
    for (const std::string& f : nativeFormats(provider))
      if (translatorFor(client, f)) return f;
    return "";
  }

  const ServerContext& server_;
  const Pair& configured_;
  std::unique_ptr<Translation> translation_;
  Mode mode_ = Mode::Pass;
  ResponseEmitter* next_ = nullptr;
  ResponseHead held_;
  std::string body_;
};

class TranslateFactory final : public FilterFactory {
 public:
  TranslateFactory(const ServerContext& server, Pair pair)
      : server_(server), pair_(std::move(pair)) {}
  std::unique_ptr<Filter> create() const override {
    return std::make_unique<TranslateFilter>(server_, pair_);
  }
  FilterPlacement placement() const override { return FilterPlacement::Attempt; }

 private:
  const ServerContext& server_;
  Pair pair_;
};

// `default_max_tokens: N` (the output limit a translator sets when the client gave none).
bool readOptions(const YAML::Node& c, std::string* options, std::string* error) {
  const YAML::Node v = c["default_max_tokens"];
  if (!v) return true;
  long long n = 0;
  try {
    n = v.IsScalar() ? v.as<long long>() : 0;
  } catch (const YAML::Exception&) {
    n = 0;
  }
  if (n <= 0 || n > 1000000) {
    *error = "default_max_tokens: expected a positive integer";
    return false;
  }
  *options = "?default_max_tokens=" + std::to_string(n);
  return true;
}

bool readFormat(const YAML::Node& n, const char* key, std::string* out, std::string* error) {
  const YAML::Node v = n[key];
  if (!v || !v.IsScalar() || v.as<std::string>().empty()) {
    *error = std::string(key) + ": expected a wire format name";
    return false;
  }
  *out = v.as<std::string>();
  return true;
}

}  // namespace

std::unique_ptr<FilterFactory> buildTranslateFilter(const FilterSpec& spec,
                                                    const ServerContext& server,
                                                    std::string* error) {
  Pair pair;
  const YAML::Node& c = spec.config;
  if (c && !c.IsNull() && !(c.IsMap() && c.size() == 0)) {
    if (!c.IsMap()) {
      *error = "expected a map {from: FORMAT, to: FORMAT, default_max_tokens: N}";
      return nullptr;
    }
    for (const auto& kv : c) {
      std::string k = kv.first.as<std::string>();
      if (k != "from" && k != "to" && k != "default_max_tokens") {
        *error = "unknown key '" + k + "' (expected: from, to, default_max_tokens)";
        return nullptr;
      }
    }
    if (!readOptions(c, &pair.options, error)) return nullptr;
    if (!c["from"] && !c["to"]) return std::make_unique<TranslateFactory>(server, std::move(pair));
    if (!readFormat(c, "from", &pair.from, error) || !readFormat(c, "to", &pair.to, error))
      return nullptr;
    if (!server.plugins || !server.plugins->translatorFor(pair.from, pair.to)) {
      std::string offered;
      if (server.plugins)
        for (const auto& p : server.plugins->plugins())
          for (const auto& t : p->translations()) offered += (offered.empty() ? "" : ", ") + t;
      *error = "no loaded plugin translates " + pair.from + ">" + pair.to +
               " (offered: " + (offered.empty() ? std::string("none") : offered) + ")";
      return nullptr;
    }
  }
  return std::make_unique<TranslateFactory>(server, std::move(pair));
}

}  // namespace relay
