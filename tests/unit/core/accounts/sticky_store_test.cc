#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "core/accounts/sticky_store.h"
#include "pool_test_support.h"

namespace relay {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int kTtl = 3600;
constexpr int kRenewal = 300;
constexpr int64_t kTtlMs = kTtl * 1000;

TEST_CASE("a binding is found until its TTL ends") {
  StickyStore sticky(kTtl, kRenewal);
  CHECK_FALSE(sticky.lookup("s1", kNow).has_value());
  sticky.bind("s1", "acc-a", kNow);
  CHECK(sticky.lookup("s1", kNow) == "acc-a");
  CHECK(sticky.lookup("s1", kNow + kTtlMs - kRenewal * 1000) == "acc-a");  // not yet renewed
  CHECK_FALSE(sticky.lookup("s1", kNow + kTtlMs).has_value());
  CHECK(sticky.size() == 0);  // the expired binding was dropped
}

TEST_CASE("a hit renews the TTL only inside the renewal window") {
  StickyStore sticky(kTtl, kRenewal);
  sticky.bind("s1", "acc-a", kNow);
  int64_t outside = kNow + kTtlMs - kRenewal * 1000;  // exactly the threshold left
  CHECK(sticky.lookup("s1", outside) == "acc-a");
  CHECK(sticky.expiresAt("s1") == kNow + kTtlMs);
  int64_t inside = outside + 1;
  CHECK(sticky.lookup("s1", inside) == "acc-a");
  CHECK(sticky.expiresAt("s1") == inside + kTtlMs);
}

TEST_CASE("binding again: same account keeps the TTL, another account rebinds") {
  StickyStore sticky(kTtl, kRenewal);
  sticky.bind("s1", "acc-a", kNow);
  sticky.bind("s1", "acc-a", kNow + 1000);
  CHECK(sticky.expiresAt("s1") == kNow + kTtlMs);
  sticky.bind("s1", "acc-b", kNow + 2000);
  CHECK(sticky.lookup("s1", kNow + 2000) == "acc-b");
  CHECK(sticky.expiresAt("s1") == kNow + 2000 + kTtlMs);
  sticky.unbind("s1");
  CHECK_FALSE(sticky.lookup("s1", kNow + 2000).has_value());
}

TEST_CASE("purgeExpired drops only expired bindings") {
  StickyStore sticky(kTtl, kRenewal);
  sticky.bind("old", "acc-a", kNow);
  sticky.bind("new", "acc-b", kNow + 10'000);
  CHECK(sticky.purgeExpired(kNow + kTtlMs) == 1);
  CHECK(sticky.size() == 1);
  CHECK(sticky.lookup("new", kNow + kTtlMs) == "acc-b");
}

TEST_CASE("bindings, renewals and unbinds survive a reopen; expired ones do not come back") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  {
    auto store = test::openStore(path);
    StickyStore sticky(kTtl, kRenewal, store.get());
    sticky.load(kNow);
    sticky.bind("keep", "acc-a", kNow);
    sticky.bind("renew", "acc-b", kNow - kTtlMs + 100'000);  // 100 s left at kNow
    CHECK(sticky.lookup("renew", kNow) == "acc-b");          // renewed to kNow + TTL
    sticky.bind("gone", "acc-c", kNow);
    sticky.unbind("gone");
    sticky.bind("stale", "acc-d", kNow - kTtlMs + 1000);  // ends at kNow + 1 s
  }
  auto store = test::openStore(path);
  StickyStore sticky(kTtl, kRenewal, store.get());
  int64_t later = kNow + 2000;
  sticky.load(later);
  CHECK(sticky.size() == 2);
  CHECK(sticky.lookup("keep", later) == "acc-a");
  CHECK(sticky.lookup("renew", later) == "acc-b");
  CHECK(sticky.expiresAt("renew") == kNow + kTtlMs);
  CHECK_FALSE(sticky.lookup("gone", later).has_value());
  CHECK_FALSE(sticky.lookup("stale", later).has_value());
}

TEST_CASE("concurrent binds and lookups on many keys stay consistent") {
  StickyStore sticky(kTtl, kRenewal);
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&sticky, &lost, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = "k";
        key.append(std::to_string(t)).append(1, '-').append(std::to_string(i));
        std::string id = "acc" + std::to_string(t);
        sticky.bind(key, id, kNow);
        if (sticky.lookup(key, kNow) != id) lost++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(lost.load() == 0);
  CHECK(sticky.size() == 8000);
}

TEST_CASE("a binding changed on another thread is seen at the next lookup here") {
  StickyStore sticky(kTtl, kRenewal);
  sticky.bind("s", "acc-a", kNow);
  CHECK(sticky.lookup("s", kNow) == "acc-a");
  CHECK(sticky.lookup("s", kNow + 1) == "acc-a");  // from this thread's cache
  std::thread([&] { sticky.bind("s", "acc-b", kNow + 1000); }).join();
  CHECK(sticky.lookup("s", kNow + 1000) == "acc-b");
  std::thread([&] { sticky.unbind("s"); }).join();
  CHECK_FALSE(sticky.lookup("s", kNow + 1000).has_value());
  std::thread([&] { sticky.bind("s", "acc-c", kNow + 2000); }).join();
  CHECK(sticky.lookup("s", kNow + 2000) == "acc-c");
}

TEST_CASE("a renewal made by another thread is kept; one due here still renews") {
  StickyStore sticky(kTtl, kRenewal);
  sticky.bind("s", "acc-a", kNow);
  CHECK(sticky.lookup("s", kNow) == "acc-a");  // cached here, ending at kNow + TTL
  int64_t inside = kNow + kTtlMs - 1000;       // inside the renewal window
  std::thread([&] { CHECK(sticky.lookup("s", inside) == "acc-a"); }).join();
  CHECK(sticky.expiresAt("s") == inside + kTtlMs);
  // The cached end is older than the real one: the lookup asks the shard, which needs no renewal.
  CHECK(sticky.lookup("s", inside + 1) == "acc-a");
  CHECK(sticky.expiresAt("s") == inside + kTtlMs);
  int64_t later = inside + kTtlMs - 1000;
  CHECK(sticky.lookup("s", later) == "acc-a");
  CHECK(sticky.expiresAt("s") == later + kTtlMs);
}

TEST_CASE("two stores never share bindings through a thread's cache") {
  StickyStore first(kTtl, kRenewal);
  StickyStore second(kTtl, kRenewal);
  first.bind("s", "acc-a", kNow);
  CHECK(first.lookup("s", kNow) == "acc-a");
  CHECK_FALSE(second.lookup("s", kNow).has_value());
  second.bind("s", "acc-b", kNow);
  CHECK(second.lookup("s", kNow) == "acc-b");
  CHECK(first.lookup("s", kNow) == "acc-a");
}

TEST_CASE("lookups racing with rebinds never return a binding older than the last finished bind") {
  StickyStore sticky(kTtl, kRenewal);
  constexpr int kBinds = 3000;
  std::atomic<int> finished{0};  // binds that returned; bind i names account "acc<i>"
  std::atomic<int> stale{0};
  sticky.bind("s", "acc0", kNow);
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (finished.load() < kBinds) {
        int before = finished.load();
        auto bound = sticky.lookup("s", kNow);
        if (!bound || std::stoi(bound->substr(3)) < before) stale++;
      }
    });
  }
  for (int i = 1; i <= kBinds; ++i) {
    sticky.bind("s", "acc" + std::to_string(i), kNow);
    finished.store(i);
  }
  for (auto& reader : readers) reader.join();
  CHECK(stale.load() == 0);
}

}  // namespace
}  // namespace relay
