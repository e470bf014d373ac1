// A skim into reused storage allocates nothing: the request side skims each body into a member
// list from the worker's spares, which every finished skim refills. Allocations are counted by
// tests/unit/support/allocation_counter.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/chain/recycled_blocks.h"
#include "core/json/skim.h"
#include "tests/unit/support/allocation_counter.h"

namespace relay::json {
namespace {

const std::string kBody =
    R"({"model":"m","max_tokens":5,"stream":true,"metadata":{"user_id":"u"},)"
    R"("system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":"hi"}]})";

using test::allocationsOf;

TEST_CASE("a skim into given storage uses that memory and clears what it held") {
  std::vector<SkimMember> storage;
  storage.reserve(32);
  storage.push_back({"stale", "1", false});
  const SkimMember* memory = storage.data();
  ObjectSkim s = skimObject(kBody, std::move(storage));
  REQUIRE(s.ok);
  CHECK(s.members.data() == memory);
  REQUIRE(s.members.size() == 6);
  CHECK(s.members[0].key == "model");
  CHECK(s.member("stale").empty());
  CHECK(s.describes(kBody));
  // A failed skim keeps no members, whatever the storage held.
  std::vector<SkimMember> more(3, SkimMember{"k", "v", false});
  ObjectSkim bad = skimObject(R"({"a":1,)", std::move(more));
  CHECK_FALSE(bad.ok);
  CHECK(bad.members.empty());
}

TEST_CASE("once warm, skimming a request body into spare storage allocates nothing") {
  std::thread([] {  // a fresh thread: its spares start empty, as a new worker's
    int ok = 0;
    // Cold: the first skim's list is new, and so is the thread's shelf of spares it goes to.
    size_t cold = allocationsOf([&] {
      ObjectSkim s = skimObject(kBody, spareSkimMembers());
      ok += s.ok;
    });
    CHECK(cold == (kRecyclingStorage ? 2u : 1u));
    // Warm: the list a finished skim gave back serves the next; requests in flight hold one each.
    size_t warm = allocationsOf([&] {
      for (int i = 0; i < 100; ++i) {
        ObjectSkim a = skimObject(kBody, spareSkimMembers());
        ObjectSkim b = skimObject(kBody, spareSkimMembers());
        a = skimObject(kBody, spareSkimMembers());  // reassigned: the old list goes back
        ok += a.ok + b.ok;
      }
    });
    CHECK(ok == 201);
    if (kRecyclingStorage) {
      CHECK(warm == 2);  // the second and third lists in flight, once each
    } else {
      CHECK(warm == 300);  // under AddressSanitizer nothing is kept
    }
    // Without storage a skim allocates its own list every time.
    size_t own = allocationsOf([&] {
      for (int i = 0; i < 10; ++i) ok += skimObject(kBody).ok;
    });
    CHECK(own == 10);
  })
      .join();
}

TEST_CASE("spare lists are bounded in number and size") {
  std::thread([] {
    {
      std::vector<ObjectSkim> many;
      for (size_t i = 0; i < kMaxSpareSkimLists + 10; ++i)
        many.push_back(skimObject(kBody, spareSkimMembers()));
      ObjectSkim huge;
      huge.members.reserve(kMaxSpareSkimMembers + 1);
    }
    size_t kept = 0;
    std::vector<std::vector<SkimMember>> taken;
    for (;;) {
      std::vector<SkimMember> list = spareSkimMembers();
      if (list.capacity() == 0) break;
      CHECK(list.empty());
      CHECK(list.capacity() <= kMaxSpareSkimMembers);
      taken.push_back(std::move(list));
      ++kept;
    }
    CHECK(kept == (kRecyclingStorage ? kMaxSpareSkimLists : 0));
  }).join();
}

}  // namespace
}  // namespace relay::json
