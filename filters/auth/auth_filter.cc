#include "filters/auth/auth_filter.h"

#include "core/formats/client_key.h"
#include "core/server_context.h"
#include "filters/auth/relay_keys.h"
#include "filters/factory.h"

namespace relay {

namespace {

class AuthFilter final : public Filter {
 public:
  explicit AuthFilter(const RelayKeys& keys) : keys_(keys) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    Request& req = cb.request();
    std::string_view key = formats::clientKey(req, &decoded_key_, &cb.state().key_place);
    if (!keys_.empty()) {
      const std::string* id = key.empty() ? nullptr : keys_.match(key);
      if (id == nullptr) return refuse(cb, key.empty());
      cb.state().key_id = *id;
    }
    // The client's credentials never travel further.
    req.headers.removeIf([](const Header& h) {
      return formats::isClientKeyHeader(h.name) ||
             (h.name.size() == 19 && equalsIgnoreCase(h.name, "proxy-authorization"));
    });
    return FilterStatus::Continue;
  }

 private:
  // The 401 answers, out of line and apart from the request path.
  [[gnu::cold, gnu::noinline]] static FilterStatus refuse(FilterCallbacks& cb, bool missing) {
    if (missing)
      cb.sendError(401,
                   "missing relay API key: send it as " + std::string(formats::clientKeyPlaces()));
    else
      cb.sendError(401, "invalid relay API key");
    return FilterStatus::Stop;
  }

  const RelayKeys& keys_;
  std::string decoded_key_;  // a ?key= key, percent-decoded
};

class AuthFilterFactory final : public FilterFactory {
 public:
  explicit AuthFilterFactory(const std::vector<std::string>& keys) : keys_(keys) {}
  std::unique_ptr<Filter> create() const override { return std::make_unique<AuthFilter>(keys_); }

 private:
  RelayKeys keys_;
};

}  // namespace

std::unique_ptr<FilterFactory> buildAuthFilter(const FilterSpec& spec, const ServerContext& server,
                                               std::string* error) {
  std::vector<std::string> keys = server.config.api_keys;
  if (spec.config && spec.config.IsMap()) {
    for (const auto& kv : spec.config) {
      std::string k = kv.first.as<std::string>();
      if (k != "api_keys") {
        *error = "unknown key '" + k + "' (expected: api_keys)";
        return nullptr;
      }
      if (!kv.second.IsSequence()) {
        *error = "api_keys: expected a list of strings";
        return nullptr;
      }
      keys.clear();
      for (const auto& v : kv.second) keys.push_back(v.as<std::string>());
    }
  } else if (!expectNoFilterConfig(spec, error)) {
    return nullptr;
  }
  return std::make_unique<AuthFilterFactory>(keys);
}

}  // namespace relay
