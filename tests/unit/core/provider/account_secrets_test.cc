// Secret-looking account values are masked in logs even though the core does not know the key.
#include "core/provider/account_secrets.h"

#include <doctest/doctest.h>

#include "core/obs/secret_values.h"

namespace relay {

TEST_CASE("secret-looking key names") {
  for (const char* key : {"api_key", "refresh_token", "client_secret", "echo_secret", "Password",
                          "x-api-key", "ACCESS_TOKEN"}) {
    CAPTURE(key);
    CHECK(looksLikeSecretKey(key));
  }
  for (const char* key : {"id", "name", "api_url", "project_id", "organization", "model_map"}) {
    CAPTURE(key);
    CHECK_FALSE(looksLikeSecretKey(key));
  }
}

TEST_CASE("string values under secret-looking keys are masked in log text, others are not") {
  clearSecretValues();
  AccountConfig a;
  a.json = R"({"type":"echo-api","id":"echo-1","echo_secret":"zz-echo-value-1",)"
           R"("api_url":"http://upstream.test","nested":{"tokens":["tok-in-list-2"]},)"
           R"("short_key":"abc"})";
  a.proxy = ProxyConfig{"http", "proxy.test", 8080, "user", "proxy-pass-3"};
  registerAccountSecrets({a});
  std::string masked = maskSecretValues(
      "sent zz-echo-value-1 to http://upstream.test via proxy-pass-3 with tok-in-list-2 and abc");
  CHECK(masked == "sent [REDACTED] to http://upstream.test via [REDACTED] with [REDACTED] and abc");
  clearSecretValues();
  CHECK(maskSecretValues("zz-echo-value-1") == "zz-echo-value-1");
}

}  // namespace relay
