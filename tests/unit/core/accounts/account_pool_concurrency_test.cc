#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>

#include "core/accounts/account_pool.h"
#include "pool_test_support.h"

namespace relay {
namespace {

using test::account;
using test::providerOf;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int kThreads = 4;
constexpr int kPicksPerThread = 50000;

// Every pick claims the least recently picked account with a CAS on its order, so equal
// accounts take turns; only a claim in flight on each thread may land out of turn.
TEST_CASE("concurrent picks take equal accounts in turn and never lose a pick") {
  AccountPool pool({account("a"), account("b"), account("c"), account("d")}, providerOf);
  std::vector<std::map<std::string, int>> counts(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> waiting{kThreads};  // start together, so the picks really race
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&pool, &counts, &waiting, t] {
      waiting--;
      while (waiting.load() > 0) std::this_thread::yield();
      for (int i = 0; i < kPicksPerThread; ++i) {
        PoolAccount* chosen = pool.pick({"claude"}, "claude-sonnet-4", {}, "", kNow);
        counts[t][chosen ? chosen->id() : "<none>"]++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::map<std::string, int> total;
  for (const auto& per_thread : counts) {
    for (const auto& [id, n] : per_thread) total[id] += n;
  }
  CHECK(total.count("<none>") == 0);
  CHECK(total.size() == 4);
  int expected = kThreads * kPicksPerThread / 4;
  for (const auto& [id, n] : total) {
    INFO(id, " picked ", n, " times");
    CHECK(n >= expected - kThreads);
    CHECK(n <= expected + kThreads);
  }
}

TEST_CASE("picks racing with cooldowns never return an account cooled before the pick") {
  std::vector<AccountConfig> configs;
  for (int i = 0; i < 8; ++i) configs.push_back(account("acc" + std::to_string(i)));
  AccountPool pool(configs, providerOf);
  // cooled[i] is set only after the cooldown of acc<i> returned.
  std::array<std::atomic<bool>, 8> cooled{};
  std::atomic<bool> violation{false};
  std::atomic<int> picked{0};
  std::vector<std::thread> pickers;
  for (int t = 0; t < kThreads - 1; ++t) {
    pickers.emplace_back([&] {
      for (int i = 0; i < 3000; ++i) {
        // Read the flags before picking: anything flagged now was cooled before this pick.
        std::array<bool, 8> before{};
        for (size_t k = 0; k < before.size(); ++k) before[k] = cooled[k].load();
        PoolAccount* chosen = pool.pick({"claude"}, "claude-sonnet-4", {}, "acc0", kNow);
        if (chosen == nullptr) continue;
        picked++;
        size_t index = static_cast<size_t>(std::stoi(chosen->id().substr(3)));
        if (before[index]) violation = true;
      }
    });
  }
  std::thread cooler([&] {
    for (size_t k = 0; k + 1 < cooled.size(); ++k) {
      pool.cooldown(*pool.find("acc" + std::to_string(k)), kNow + 60'000, "test");
      cooled[k] = true;
      std::this_thread::yield();
    }
  });
  for (auto& thread : pickers) thread.join();
  cooler.join();
  CHECK_FALSE(violation.load());
  CHECK(picked.load() == 3 * 3000);  // acc7 is never cooled, so every pick finds one
  CHECK(pool.pick({"claude"}, "claude-sonnet-4", {}, "", kNow)->id() == "acc7");
}

}  // namespace
}  // namespace relay
