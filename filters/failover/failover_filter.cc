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
  FailoverFactory(int attempts, int wait_ms) : attempts_(attempts), wait_ms_(wait_ms) {}
  std::unique_ptr<Filter> create() const override { return std::make_unique<FailoverFilter>(); }
  void contribute(ChainTraits& t) const override {
    t.failover = true;
    t.max_attempts = attempts_;
    t.max_wait_ms = wait_ms_;
  }

 private:
  int attempts_;
  int wait_ms_;
};

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
      if (k != "max_attempts" && k != "max_wait_seconds") {
        *error = "unknown key '" + k + "' (expected: max_attempts, max_wait_seconds)";
        return nullptr;
      }
    }
    if (!readInt(n, "max_attempts", 1, 20, &attempts, error) ||
        !readInt(n, "max_wait_seconds", 0, 600, &wait_s, error))
      return nullptr;
  }
  return std::make_unique<FailoverFactory>(attempts, wait_s * 1000);
}

}  // namespace relay
