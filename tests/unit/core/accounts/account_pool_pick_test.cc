#include <doctest/doctest.h>

#include <thread>

#include "core/accounts/account_pool.h"
#include "pool_test_support.h"

namespace relay {
namespace {

using test::account;
using test::providerOf;

constexpr int64_t kNow = 1'700'000'000'000;
const std::vector<std::string> kClaude{"claude"};
const std::vector<std::string> kNone;

std::string pickId(AccountPool& pool, std::string_view model = "claude-sonnet-4",
                   const std::vector<std::string>& excluded = {}, std::string_view preferred = "",
                   int64_t now = kNow, const std::vector<std::string>& providers = kClaude) {
  PoolAccount* chosen = pool.pick(providers, model, excluded, preferred, now);
  return chosen ? chosen->id() : "<none>";
}

TEST_CASE("model families come from the function the host installs, per provider") {
  AccountPool pool({account("c"), account("g", "gemini")}, providerOf);
  PoolAccount& c = *pool.find("c");
  PoolAccount& g = *pool.find("g");
  CHECK(pool.familyOf(c, "claude-opus-4") == "");  // nothing installed: no families
  pool.setModelFamilies([](const std::string& provider, std::string_view model) {
    return provider == "gemini" ? std::string(model) : test::familyOf(provider, model);
  });
  CHECK(pool.familyOf(c, "claude-opus-4-1-20250805") == "opus");
  CHECK(pool.familyOf(g, "gemini-2.5-pro") == "gemini-2.5-pro");
  CHECK(pool.familyOf(g, "") == "");
  // A family limit applies to the family the account's own provider names.
  pool.limitFamily(g, "gemini-2.5-pro", kNow + 60'000);
  CHECK_FALSE(pool.usable(g, "gemini-2.5-pro", kNow));
  CHECK(pool.usable(g, "gemini-2.5-flash", kNow));
  CHECK(pickId(pool, "gemini-2.5-pro", {}, "", kNow, {"gemini"}) == "<none>");
  CHECK(pickId(pool, "gemini-2.5-flash", {}, "", kNow, {"gemini"}) == "g");
}

TEST_CASE("higher priority wins; equal priorities rotate least recently used first") {
  AccountPool pool({account("low", "claude-oauth", 10), account("a", "claude-oauth", 80),
                    account("b", "claude-oauth", 80), account("c", "claude-oauth", 80)},
                   providerOf);
  std::vector<std::string> order;
  for (int i = 0; i < 6; ++i) order.push_back(pickId(pool));
  CHECK(order == std::vector<std::string>{"a", "b", "c", "a", "b", "c"});
  // The low-priority account serves only once every better one is excluded.
  CHECK(pickId(pool, "claude-sonnet-4", {"a", "b", "c"}) == "low");
}

TEST_CASE("only accounts of the requested providers are picked; none usable gives null") {
  AccountPool pool({account("c1"), account("g1", "gemini")}, providerOf);
  CHECK(pickId(pool, "gemini-2.5-pro", {}, "", kNow, {"gemini"}) == "g1");
  CHECK(pickId(pool, "x", {}, "", kNow, {"openai"}) == "<none>");
  CHECK(pickId(pool, "claude-sonnet-4", {"c1"}) == "<none>");
  CHECK(pickId(pool, "x", {}, "", kNow, kNone) != "<none>");  // empty list: any provider
}

TEST_CASE("config-disabled accounts are never picked") {
  AccountPool pool({account("off", "claude-oauth", 99, false), account("on", "claude-oauth", 1)},
                   providerOf);
  CHECK(pickId(pool) == "on");
  CHECK(pickId(pool, "claude-sonnet-4", {}, "off") == "on");
}

TEST_CASE("the sticky account wins while usable") {
  AccountPool pool({account("best", "claude-oauth", 90), account("sticky", "claude-oauth", 10)},
                   providerOf);
  pool.setModelFamilies(test::familyOf);
  PoolAccount& sticky = *pool.find("sticky");
  CHECK(pickId(pool, "claude-opus-4", {}, "sticky") == "sticky");

  SUBCASE("loses when cooled down, wins again after the cooldown") {
    pool.cooldown(sticky, kNow + 60'000, "529 overloaded");
    CHECK(pickId(pool, "claude-opus-4", {}, "sticky") == "best");
    CHECK(pickId(pool, "claude-opus-4", {}, "sticky", kNow + 60'000) == "sticky");
  }
  SUBCASE("loses when disabled") {
    pool.disable(sticky, "organization has been disabled");
    CHECK(pickId(pool, "claude-opus-4", {}, "sticky", kNow + 86'400'000) == "best");
  }
  SUBCASE("loses for the limited family only") {
    pool.limitFamily(sticky, "opus", kNow + 3'600'000);
    CHECK(pickId(pool, "claude-opus-4", {}, "sticky") == "best");
    CHECK(pickId(pool, "claude-sonnet-4", {}, "sticky") == "sticky");
  }
  SUBCASE("loses when excluded or of another provider") {
    CHECK(pickId(pool, "claude-opus-4", {"sticky"}, "sticky") == "best");
    CHECK(pickId(pool, "x", {}, "sticky", kNow, {"gemini"}) == "<none>");
  }
  SUBCASE("an unknown preferred id falls back to selection") {
    CHECK(pickId(pool, "claude-opus-4", {}, "gone") == "best");
  }
}

TEST_CASE("a cooldown blocks until it ends and is never shortened") {
  AccountPool pool({account("a")}, providerOf);
  PoolAccount& a = *pool.find("a");
  pool.cooldown(a, kNow + 30'000, "502");
  pool.cooldown(a, kNow + 10'000, "shorter");
  CHECK_FALSE(pool.usable(a, "claude-sonnet-4", kNow + 29'999));
  CHECK(pickId(pool, "claude-sonnet-4", {}, "", kNow + 29'999) == "<none>");
  CHECK(pickId(pool, "claude-sonnet-4", {}, "", kNow + 30'000) == "a");
  CHECK(a.snapshot(kNow).health.cooldown_reason == "502");
}

TEST_CASE("a family limit blocks only that family, until it ends") {
  AccountPool pool({account("a")}, providerOf);
  pool.setModelFamilies(test::familyOf);
  PoolAccount& a = *pool.find("a");
  pool.limitFamily(a, "opus", kNow + 1000);
  CHECK(pickId(pool, "claude-opus-4-1") == "<none>");
  CHECK(pickId(pool, "claude-sonnet-4") == "a");
  CHECK(pickId(pool, "claude-3-5-haiku") == "a");
  CHECK(pickId(pool, "claude-opus-4-1", {}, "", kNow + 1000) == "a");
  CHECK(pool.summary(kNow)["claude"]["limited"] == 1);
  CHECK(pool.summary(kNow + 1000)["claude"]["active"] == 1);
}

TEST_CASE("a family limit without a family cools the whole account down") {
  AccountPool pool({account("a")}, providerOf);
  pool.limitFamily(*pool.find("a"), "", kNow + 1000);
  CHECK(pickId(pool, "claude-sonnet-4") == "<none>");
  CHECK(pool.summary(kNow)["claude"]["cooldown"] == 1);
}

TEST_CASE("enable() brings a disabled, cooled-down account back") {
  AccountPool pool({account("a")}, providerOf);
  PoolAccount& a = *pool.find("a");
  pool.disable(a, "403 organization has been disabled");
  pool.cooldown(a, kNow + 60'000, "401");
  CHECK(pickId(pool) == "<none>");
  CHECK(pool.enable("a"));
  CHECK_FALSE(pool.enable("nope"));
  CHECK(pickId(pool) == "a");
}

TEST_CASE("errors are counted, masked, and cleared by a success that records the warning") {
  int64_t clock = kNow;
  AccountPool pool({account("a")}, providerOf, nullptr, [&clock] { return clock; });
  PoolAccount& a = *pool.find("a");
  pool.recordError(a, "502 from upstream");
  clock += 5;
  pool.recordError(a, "401: Authorization: Bearer sk-ant-oat01-abcdefghijklmnop\nbad");
  AccountHealth health = a.snapshot(kNow).health;
  CHECK(health.error_count == 2);
  CHECK(health.last_error_at == kNow + 5);
  CHECK(health.last_error.find("sk-ant-oat01-abcdefghijklmnop") == std::string::npos);
  CHECK(health.last_error.find('\n') == std::string::npos);
  CHECK(health.last_error.find("401") == 0);

  pool.markSuccess(a, "anthropic-ratelimit-unified-5h-status: allowed_warning");
  health = a.snapshot(kNow).health;
  CHECK(health.error_count == 0);
  CHECK(health.warning == "anthropic-ratelimit-unified-5h-status: allowed_warning");
  pool.markSuccess(a, "");
  CHECK(a.snapshot(kNow).health.warning.empty());
}

TEST_CASE("a success clears a transient cooldown and what another thread recorded") {
  int64_t clock = kNow;
  AccountPool pool({account("a")}, providerOf, nullptr, [&clock] { return clock; });
  PoolAccount& a = *pool.find("a");
  // A transient cooldown with nothing else to clear: the success is a probe's, and ends it.
  pool.cooldown(a, kNow + 60'000, "token endpoint down", CooldownKind::kTransient);
  CHECK_FALSE(pool.usable(a, "claude-sonnet-4", kNow));
  pool.markSuccess(a, "");
  CHECK(pool.usable(a, "claude-sonnet-4", kNow));
  CHECK(a.snapshot(kNow).health.cooldown_until == 0);
  // A rate-limit cooldown is not a success's to end.
  pool.cooldown(a, kNow + 60'000, "429", CooldownKind::kRateLimited);
  pool.markSuccess(a, "");
  CHECK_FALSE(pool.usable(a, "claude-sonnet-4", kNow));
  clock = kNow + 60'000;
  // Errors recorded on another thread are seen by the next success here.
  std::thread([&] { pool.recordError(a, "500 internal"); }).join();
  CHECK(a.snapshot(clock).health.error_count == 1);
  pool.markSuccess(a, "");
  CHECK(a.snapshot(clock).health.error_count == 0);
  // And picks see a disable made on another thread at once.
  std::thread([&] { pool.disable(a, "billing"); }).join();
  CHECK(pickId(pool, "claude-sonnet-4", {}, "a", clock) == "<none>");
  std::thread([&] { pool.enable("a"); }).join();
  CHECK(pickId(pool, "claude-sonnet-4", {}, "a", clock) == "a");
}

TEST_CASE("summary counts each provider's accounts by state") {
  AccountPool pool({account("a"), account("b"), account("c"),
                    account("d", "claude-oauth", 50, false), account("g", "gemini")},
                   providerOf);
  pool.cooldown(*pool.find("b"), kNow + 1, "x");
  pool.disable(*pool.find("c"), "x");
  auto summary = pool.summary(kNow);
  CHECK(summary["claude"] ==
        std::map<std::string, int>{
            {"active", 1}, {"cooldown", 1}, {"disabled", 1}, {"unconfigured-disabled", 1}});
  CHECK(summary["gemini"] == std::map<std::string, int>{{"active", 1}});
}

TEST_CASE("the token expiry is unknown until the plugin host tells it") {
  AccountPool pool({account("a")}, providerOf);
  PoolAccount& a = *pool.find("a");
  CHECK(a.snapshot(kNow).health.token_expires_at == 0);
  pool.setTokenExpiry(a, kNow + 3'600'000);
  CHECK(a.snapshot(kNow).health.token_expires_at == kNow + 3'600'000);
}

TEST_CASE("the plugin host slots start empty and are kept") {
  AccountPool pool({account("a")}, providerOf);
  PoolAccount* a = pool.find("a");
  CHECK(a->plugin_account == nullptr);
  int marker = 0;
  a->host_handle = &marker;
  CHECK(pool.find("a")->host_handle == &marker);
}

}  // namespace
}  // namespace relay
