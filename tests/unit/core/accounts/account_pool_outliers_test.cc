// Outlier detection for transient failures, the survey of a request's candidates and panic-mode
// probes (PROTOCOLS.md B, "Transient failures never cause an outage").
#include <doctest/doctest.h>

#include "core/accounts/account_pool.h"
#include "pool_test_support.h"

namespace relay {
namespace {

using test::account;
using test::providerOf;

constexpr int64_t kStart = 1'700'000'000'000;
int64_t now_ms = kStart;

int64_t testClock() {
  return now_ms;
}

struct Pool {
  explicit Pool(std::vector<AccountConfig> accounts, store::Store* store = nullptr)
      : pool(accounts, providerOf, store, testClock) {
    now_ms = kStart;
    pool.setModelFamilies(test::familyOf);
  }
  PoolAccount& operator[](std::string_view id) { return *pool.find(id); }
  AccountHealth health(std::string_view id) { return pool.find(id)->snapshot(now_ms).health; }
  AccountPool pool;
};

const EjectionPolicy kPolicy{3, 10'000, 60'000};

}  // namespace

TEST_CASE("an account is ejected only after consecutive transient failures; a success resets") {
  Pool p({account("a")});
  CHECK_FALSE(p.pool.noteTransientFailure(p["a"], kPolicy, "529 overloaded").ejected);
  CHECK_FALSE(p.pool.noteTransientFailure(p["a"], kPolicy, "529 overloaded").ejected);
  CHECK(p.pool.usable(p["a"], "", now_ms));
  p.pool.markSuccess(p["a"], "");
  CHECK(p.health("a").consecutive_failures == 0);
  CHECK_FALSE(p.pool.noteTransientFailure(p["a"], kPolicy, "529").ejected);
  CHECK_FALSE(p.pool.noteTransientFailure(p["a"], kPolicy, "529").ejected);
  TransientOutcome third = p.pool.noteTransientFailure(p["a"], kPolicy, "529 overloaded");
  CHECK(third.ejected);
  CHECK(third.until_ms == now_ms + 10'000);
  CHECK_FALSE(p.pool.usable(p["a"], "", now_ms));
  AccountHealth h = p.health("a");
  CHECK(h.ejection_level == 1);
  CHECK(h.ejections == 1);
  CHECK(h.cooldown_kind == CooldownKind::kTransient);
}

TEST_CASE("each ejection in a row doubles, capped; a failed probe re-ejects at once") {
  Pool p({account("a")});
  for (int i = 0; i < 3; ++i) p.pool.noteTransientFailure(p["a"], kPolicy, "500");
  CHECK(p.health("a").cooldown_until == kStart + 10'000);
  now_ms += 10'000;  // the ejection ended: the next failure is a failed probe
  TransientOutcome again = p.pool.noteTransientFailure(p["a"], kPolicy, "500");
  CHECK(again.ejected);
  CHECK(again.until_ms == now_ms + 20'000);
  for (int64_t expected : {40'000, 60'000, 60'000}) {
    now_ms = p.health("a").cooldown_until;
    CHECK(p.pool.noteTransientFailure(p["a"], kPolicy, "500").until_ms == now_ms + expected);
  }
  // While the ejection is in force, more failures (concurrent requests) do not extend it.
  int64_t until = p.health("a").cooldown_until;
  CHECK_FALSE(p.pool.noteTransientFailure(p["a"], kPolicy, "500").ejected);
  CHECK(p.health("a").cooldown_until == until);
  // A success (the probe) clears the cooldown in force and the backoff.
  p.pool.markSuccess(p["a"], "");
  AccountHealth h = p.health("a");
  CHECK(h.cooldown_until == 0);
  CHECK(h.ejection_level == 0);
  CHECK(p.pool.usable(p["a"], "", now_ms));
  for (int i = 0; i < 3; ++i) p.pool.noteTransientFailure(p["a"], kPolicy, "500");
  CHECK(p.health("a").cooldown_until == now_ms + 10'000);
}

TEST_CASE("panic mode probes the transient account whose cooldown ends first") {
  Pool p({account("a"), account("b"), account("c"), account("d")});
  p.pool.cooldown(p["a"], kStart + 30'000, "ejected", CooldownKind::kTransient);
  p.pool.cooldown(p["b"], kStart + 20'000, "ejected", CooldownKind::kTransient);
  p.pool.cooldown(p["c"], kStart + 5'000, "429", CooldownKind::kRateLimited);
  p.pool.disable(p["d"], "organization has been disabled");
  CHECK(p.pool.pick({"claude"}, "", {}, "", now_ms) == nullptr);
  PoolSurvey s = p.pool.survey({"claude"}, "", {}, now_ms);
  CHECK(s.usable == 0);
  CHECK(s.transient == 2);
  CHECK(s.rate_limited == 1);
  CHECK(s.permanent == 1);
  CHECK(s.soonest_end_ms == kStart + 5'000);
  CHECK(s.probe == &p["b"]);
  CHECK(s.permanent_state.find("account d is disabled") == 0);
  CHECK(p.pool.pickProbe({"claude"}, "", {}, now_ms) == &p["b"]);
  CHECK(p.health("b").probes == 1);
  CHECK(p.pool.pickProbe({"claude"}, "", {"b"}, now_ms) == &p["a"]);
}

TEST_CASE("rate limits, family limits and permanent states are never probed") {
  Pool p({account("limited"), account("family"), account("billing"), account("off")});
  p.pool.cooldown(p["limited"], kStart + 1'000, "429", CooldownKind::kRateLimited);
  p.pool.limitFamily(p["family"], "opus", kStart + 2'000);
  p.pool.cooldown(p["billing"], kStart + 3'000, "402 billing", CooldownKind::kPermanent);
  p.pool.disable(p["off"], "disabled");
  CHECK(p.pool.pickProbe({"claude"}, "claude-opus-4", {}, now_ms) == nullptr);
  PoolSurvey s = p.pool.survey({"claude"}, "claude-opus-4", {}, now_ms);
  CHECK(s.rate_limited == 2);
  CHECK(s.permanent == 2);
  CHECK(s.probe == nullptr);
  // Another family is usable on the family-limited account: no panic.
  CHECK(p.pool.survey({"claude"}, "claude-sonnet-4", {}, now_ms).usable == 1);
}

TEST_CASE("the failure count, ejection level and cooldown kind survive a restart") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  {
    auto store = test::openStore(path);
    Pool p({account("a")}, store.get());
    for (int i = 0; i < 3; ++i) p.pool.noteTransientFailure(p["a"], kPolicy, "529");
    p.pool.noteTransientFailure(p["a"], kPolicy, "529");
  }
  auto store = test::openStore(path);
  Pool p({account("a")}, store.get());
  p.pool.loadState(now_ms);
  AccountHealth h = p.health("a");
  CHECK(h.consecutive_failures == 4);
  CHECK(h.ejection_level == 1);
  CHECK(h.cooldown_kind == CooldownKind::kTransient);
  CHECK(h.cooldown_until == kStart + 10'000);
  CHECK(p.pool.pickProbe({"claude"}, "", {}, now_ms) == &p["a"]);
}

}  // namespace relay
