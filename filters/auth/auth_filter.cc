#include "filters/auth/auth_filter.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <vector>

#include "core/formats/client_key.h"
#include "core/server_context.h"
#include "filters/factory.h"

namespace relay {

namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest digestOf(std::string_view key) {
  Digest d;
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), d.data());
  return d;
}

std::string keyIdOf(const Digest& d) {
  static const char* hex = "0123456789abcdef";
  std::string id = "key-";
  for (int i = 0; i < 4; ++i) {
    id += hex[d[i] >> 4];
    id += hex[d[i] & 15];
  }
  return id;
}

struct KeyTable {
  std::vector<Digest> digests;
  std::vector<std::string> ids;
};

class AuthFilter final : public Filter {
 public:
  explicit AuthFilter(const KeyTable& keys) : keys_(keys) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    Request& req = cb.request();
    if (!keys_.digests.empty()) {
      std::string key = formats::clientKey(req);
      if (key.empty()) {
        cb.sendError(
            401, "missing relay API key: send it as " + std::string(formats::clientKeyPlaces()));
        return FilterStatus::Stop;
      }
      Digest d = digestOf(key);
      int match = -1;
      for (size_t i = 0; i < keys_.digests.size(); ++i)
        if (CRYPTO_memcmp(d.data(), keys_.digests[i].data(), d.size()) == 0)
          match = static_cast<int>(i);
      if (match < 0) {
        cb.sendError(401, "invalid relay API key");
        return FilterStatus::Stop;
      }
      cb.state().key_id = keys_.ids[static_cast<size_t>(match)];
    }
    // The client's credentials never travel further.
    formats::removeClientKeyHeaders(req.headers);
    req.headers.remove("proxy-authorization");
    return FilterStatus::Continue;
  }

 private:
  const KeyTable& keys_;
};

class AuthFilterFactory final : public FilterFactory {
 public:
  explicit AuthFilterFactory(const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
      table_.digests.push_back(digestOf(k));
      table_.ids.push_back(keyIdOf(table_.digests.back()));
    }
  }
  std::unique_ptr<Filter> create() const override { return std::make_unique<AuthFilter>(table_); }

 private:
  KeyTable table_;
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
