#include "filters/failover/failover_filter.h"

#include "core/server_context.h"

namespace relay {

namespace {

class FailoverFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks&) override { return FilterStatus::Continue; }
};

class FailoverFactory final : public FilterFactory {
 public:
  explicit FailoverFactory(ChainTraits policy) : policy_(policy) {}
  std::unique_ptr<Filter> create() const override { return std::make_unique<FailoverFilter>(); }
  void contribute(ChainTraits& t) const override {
    t = policy_;
    t.failover = true;
  }

 private:
  ChainTraits policy_;
};

bool readInt(const YAML::Node& n, const char* key, int lo, int hi, int* out, std::string* error);

// `cooldown_seconds: {unauthorized, billing, overloaded, server_error, rate_limit_max}`.
bool readCooldowns(const YAML::Node& n, ChainTraits* t, std::string* error) {
  const YAML::Node c = n["cooldown_seconds"];
  if (!c) return true;
  if (!c.IsMap()) {
    *error = "cooldown_seconds: expected a map";
    return false;
  }
  struct Entry {
    const char* key;
    int64_t* ms;
  };
  const Entry entries[] = {{"unauthorized", &t->unauthorized_cooldown_ms},
                           {"billing", &t->billing_cooldown_ms},
                           {"overloaded", &t->overloaded_cooldown_ms},
                           {"server_error", &t->server_error_cooldown_ms},
                           {"rate_limit_max", &t->rate_limit_max_cooldown_ms}};
  for (const auto& kv : c) {
    std::string k = kv.first.as<std::string>();
    const Entry* e = nullptr;
    for (const auto& x : entries)
      if (k == x.key) e = &x;
    if (!e) {
      *error = "cooldown_seconds." + k +
               ": unknown key (expected: unauthorized, billing, overloaded, server_error, "
               "rate_limit_max)";
      return false;
    }
    int v = 0;
    if (!readInt(c, e->key, 0, 7 * 24 * 3600, &v, error)) {
      *error = "cooldown_seconds." + *error;
      return false;
    }
    *e->ms = static_cast<int64_t>(v) * 1000;
  }
  return true;
}

bool readInt(const YAML::Node& n, const char* key, int lo, int hi, int* out, std::string* error) {
  const YAML::Node v = n[key];
  if (!v) return true;
  try {
    *out = v.as<int>();
  } catch (const YAML::Exception&) {
    *error = std::string(key) + ": expected an integer";
    return false;
  }
  if (*out < lo || *out > hi) {
    *error = std::string(key) + ": expected " + std::to_string(lo) + "-" + std::to_string(hi);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<FilterFactory> buildFailoverFilter(const FilterSpec& spec,
                                                   const ServerContext& server,
                                                   std::string* error) {
  ChainTraits policy;
  int attempts = 3;
  int wait_s = 10;
  // Top-level `failover:` gives the defaults; the filter's own map overrides them.
  for (const YAML::Node& n : {server.config.failover, spec.config}) {
    if (!n || n.IsNull()) continue;
    if (!n.IsMap()) {
      *error = "expected a map {max_attempts, max_wait_seconds}";
      return nullptr;
    }
    for (const auto& kv : n) {
      std::string k = kv.first.as<std::string>();
      if (k != "max_attempts" && k != "max_wait_seconds" && k != "cooldown_seconds") {
        *error =
            "unknown key '" + k + "' (expected: max_attempts, max_wait_seconds, cooldown_seconds)";
        return nullptr;
      }
    }
    if (!readInt(n, "max_attempts", 1, 20, &attempts, error) ||
        !readInt(n, "max_wait_seconds", 0, 600, &wait_s, error) ||
        !readCooldowns(n, &policy, error))
      return nullptr;
  }
  policy.max_attempts = attempts;
  policy.max_wait_ms = wait_s * 1000;
  return std::make_unique<FailoverFactory>(policy);
}

}  // namespace relay
