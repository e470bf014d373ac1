#include "core/store/loop_mailbox.h"

#include <doctest/doctest.h>

#include <thread>

namespace relay::store {

TEST_CASE("LoopMailbox runs pushed closures on the loop thread, then lets the loop end") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  auto mailbox = LoopMailbox::open(&loop);
  // Idle: the handle alone does not keep the loop running.
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);

  std::vector<int> seen;
  std::thread::id ran_on;
  for (int i = 0; i < 3; ++i) mailbox->expect();
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      mailbox->push([&seen, &ran_on, i] {
        seen.push_back(i);
        ran_on = std::this_thread::get_id();
      });
    }
  });
  uv_run(&loop, UV_RUN_DEFAULT);  // returns once all three expected closures have run
  producer.join();
  CHECK(seen == std::vector<int>{0, 1, 2});
  CHECK(ran_on == std::this_thread::get_id());

  mailbox->close();
  bool ran_after_close = false;
  mailbox->push([&] { ran_after_close = true; });
  mailbox.reset();  // the handle holds the last reference until its close callback
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_FALSE(ran_after_close);
  CHECK(uv_loop_close(&loop) == 0);
}

}  // namespace relay::store
