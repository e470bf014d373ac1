#include <openssl/crypto.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/accounts/account_pool.h"
#include "core/loop/clock.h"
#include "core/server_context.h"
#include "filters/factory.h"
#include "filters/local/local_filters.h"
#include "relay_build_config.h"

namespace relay {

namespace {

constexpr std::string_view kBearer = "Bearer ";

class HealthFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks& cb) override {
    const ServerContext& s = cb.server();
    // Account states stay private when a token guards them; the status alone is public.
    if (!metricsTokenPresented(s, cb.request())) {
      cb.sendLocalReply(200, "application/json", R"({"status":"ok"})");
      return FilterStatus::Stop;
    }
    auto now_ms = static_cast<uint64_t>(unixTimeMs());
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("status");
    w.String("ok");
    w.Key("version");
    w.String(RELAY_VERSION);
    w.Key("uptime_seconds");
    w.Uint64((now_ms - s.start_time_ms) / 1000);
    w.Key("accounts");
    w.StartObject();
    auto summary = s.pool ? s.pool->summary(static_cast<int64_t>(now_ms)) : s.accounts.summary();
    for (const auto& [provider, states] : summary) {
      w.Key(provider.c_str());
      w.StartObject();
      for (const auto& [state, n] : states) {
        w.Key(state.c_str());
        w.Int(n);
      }
      w.EndObject();
    }
    w.EndObject();
    if (s.pool) writeUnavailable(w, *s.pool, static_cast<int64_t>(now_ms));
    w.EndObject();
    cb.sendLocalReply(200, "application/json", std::string(buf.GetString(), buf.GetSize()));
    return FilterStatus::Stop;
  }

 private:
  // "unavailable": {id: {state, reason}} for the accounts that are disabled or cooling down,
  // so an operator sees why (e.g. a dead grant that needs `relay-server login`).
  static void writeUnavailable(rapidjson::Writer<rapidjson::StringBuffer>& w,
                               const AccountPool& pool, int64_t now_ms) {
    w.Key("unavailable");
    w.StartObject();
    for (const AccountSnapshot& a : pool.snapshot(now_ms)) {
      const AccountHealth& h = a.health;
      bool disabled = a.state == AccountState::kDisabled;
      if (!disabled && a.state != AccountState::kCooldown) continue;
      w.Key(a.id.c_str());
      w.StartObject();
      w.Key("state");
      w.String(accountStateName(a.state));
      w.Key("reason");
      w.String(disabled ? h.disabled_reason.c_str() : h.cooldown_reason.c_str());
      w.EndObject();
    }
    w.EndObject();
  }
};

}  // namespace

bool metricsTokenPresented(const ServerContext& server, const Request& req) {
  const std::string& token = server.config.server.metrics_token;
  if (token.empty()) return true;
  const std::string* auth = req.headers.find("authorization");
  if (auth == nullptr || auth->size() != kBearer.size() + token.size()) return false;
  bool scheme = true;
  for (size_t i = 0; i < kBearer.size(); ++i)
    scheme = scheme && ((*auth)[i] | 0x20) == (kBearer[i] | 0x20);  // "bearer" in any case
  return scheme && CRYPTO_memcmp(auth->data() + kBearer.size(), token.data(), token.size()) == 0;
}

std::unique_ptr<FilterFactory> buildHealthFilter(const FilterSpec& spec, const ServerContext&,
                                                 std::string* error) {
  if (!expectNoFilterConfig(spec, error)) return nullptr;
  return std::make_unique<LambdaFilterFactory>([] { return std::make_unique<HealthFilter>(); });
}

}  // namespace relay
