#include <doctest/doctest.h>

#include <vector>

#include "core/loop/deferred_deleter.h"

using namespace relay;

namespace {

struct Tracked final : Deletable {
  Tracked(std::vector<int>* log, int id, DeferredDeleter* chain = nullptr, int next = 0)
      : log_(log), id_(id), chain_(chain), next_(next) {}
  ~Tracked() override {
    log_->push_back(id_);
    // A destructor may release more objects through the same deleter.
    if (chain_ != nullptr && next_ != 0)
      chain_->defer(std::make_unique<Tracked>(log_, next_, chain_, next_ > 1 ? next_ - 1 : 0));
  }
  std::vector<int>* log_;
  int id_;
  DeferredDeleter* chain_;
  int next_;
};

struct Loop {
  Loop() { uv_loop_init(&loop); }
  ~Loop() {
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
  }
  uv_loop_t loop;
};

}  // namespace

TEST_CASE("a deferred object outlives the call that released it and dies in the same iteration") {
  Loop l;
  std::vector<int> log;
  DeferredDeleter deleter(&l.loop);
  deleter.defer(std::make_unique<Tracked>(&log, 1));
  deleter.defer(std::make_unique<Tracked>(&log, 2));
  CHECK(log.empty());
  CHECK(deleter.pending() == 2);
  // One non-blocking iteration frees the whole batch.
  uv_run(&l.loop, UV_RUN_NOWAIT);
  CHECK(log == std::vector<int>{1, 2});
  CHECK(deleter.pending() == 0);
  deleter.close();
}

TEST_CASE("a waiting batch keeps the loop from blocking, and nothing keeps it alive afterwards") {
  Loop l;
  std::vector<int> log;
  DeferredDeleter deleter(&l.loop);
  deleter.defer(std::make_unique<Tracked>(&log, 7));
  // With no other handle a blocking iteration must still return (and free the object).
  uv_run(&l.loop, UV_RUN_ONCE);
  CHECK(log == std::vector<int>{7});
  // The handles are inactive again: a default run returns at once.
  CHECK(uv_run(&l.loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_loop_alive(&l.loop) == 0);
  deleter.defer(std::make_unique<Tracked>(&log, 8));
  CHECK(uv_loop_alive(&l.loop) != 0);  // waiting objects keep it alive until freed
  uv_run(&l.loop, UV_RUN_DEFAULT);
  CHECK(log == std::vector<int>{7, 8});
  deleter.close();
}

TEST_CASE("objects deferred by destructors are freed in the same drain") {
  Loop l;
  std::vector<int> log;
  DeferredDeleter deleter(&l.loop);
  deleter.defer(std::make_unique<Tracked>(&log, 10, &deleter, 3));
  uv_run(&l.loop, UV_RUN_NOWAIT);
  CHECK(log == std::vector<int>{10, 3, 2, 1});
  CHECK(deleter.pending() == 0);
  deleter.close();
}

TEST_CASE("drain frees at once; the destructor frees what is left") {
  Loop l;
  std::vector<int> log;
  {
    DeferredDeleter deleter(&l.loop);
    deleter.defer(std::make_unique<Tracked>(&log, 1));
    deleter.drain();
    CHECK(log == std::vector<int>{1});
    deleter.defer(std::make_unique<Tracked>(&log, 2));
  }
  CHECK(log == std::vector<int>{1, 2});
}

TEST_CASE("after close, deferred objects wait for drain") {
  Loop l;
  std::vector<int> log;
  DeferredDeleter deleter(&l.loop);
  deleter.close();
  deleter.defer(std::make_unique<Tracked>(&log, 5));
  uv_run(&l.loop, UV_RUN_NOWAIT);
  CHECK(log.empty());
  deleter.drain();
  CHECK(log == std::vector<int>{5});
}
