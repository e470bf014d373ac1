// Secret-looking account values are masked in logs even though the core does not know the key.
#include "core/provider/account_secrets.h"

#include <doctest/doctest.h>

#include "core/obs/log.h"
#include "core/obs/redact.h"
#include "core/plugin/plugin_host.h"

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
  clearRedactedValues();
  AccountConfig a;
  a.json = R"({"type":"echo-api","id":"echo-1","echo_secret":"zz-echo-value-1",)"
           R"("api_url":"http://upstream.test","nested":{"tokens":["tok-in-list-2"]},)"
           R"("short_key":"abc"})";
  a.proxy = ProxyConfig{"http", "proxy.test", 8080, "user", "proxy-pass-3"};
  registerAccountSecrets({a});
  std::string masked = redactSecrets(
      "sent zz-echo-value-1 to http://upstream.test via proxy-pass-3 with tok-in-list-2 and abc");
  CHECK(masked == "sent [REDACTED] to http://upstream.test via [REDACTED] with [REDACTED] and abc");
  clearRedactedValues();
  CHECK(redactSecrets("zz-echo-value-1") == "zz-echo-value-1");
}

// Account values and the host's own secrets (relay keys, metrics token: addRedactedValue from
// the server's start-up) are one list: every log path masks both.
TEST_CASE("an account secret never appears in any kind of log line") {
  clearRedactedValues();
  AccountConfig a;
  a.json = R"({"type":"echo-api","id":"echo-1","echo_secret":"zz-echo-value-1"})";
  a.proxy = ProxyConfig{"http", "proxy.test", 8080, "user", "pw-6ch"};
  registerAccountSecrets({a});
  addRedactedValue("relay-key-7");  // as registerConfigSecrets does for api_keys
  const std::string text = "upstream said zz-echo-value-1 via pw-6ch for relay-key-7";
  const std::string want = "upstream said [REDACTED] via [REDACTED] for [REDACTED]";
  std::string main_line;
  appendRedactedLogLine(main_line, LogLevel::kWarn, "upstream", text);  // main and access log
  CHECK(main_line.ends_with(want + "\n"));
  CHECK(formatPluginLogLine(RELAY_LOG_WARN, text) == "relay: plugin [warn] " + want + "\n");
  CHECK(redactSecrets(text) == want);  // account error texts (account_pool_updates)
  clearRedactedValues();
}

}  // namespace relay
