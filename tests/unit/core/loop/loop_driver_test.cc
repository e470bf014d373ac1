#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <thread>

#include "core/loop/loop_driver.h"
#include "core/net/read_activity.h"

using namespace relay;

namespace {

constexpr uint64_t kMs = 1000 * 1000;

uint64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// One end of a socket pair read by the loop the way the relay's connections read (the buffer
// allocation counts the read), the other end written by the test; two timers take the loop
// thread's CPU time at fixed points, and the second one closes everything so the loop ends.
struct Scenario {
  uv_loop_t loop;
  uv_pipe_t reader;
  uv_timer_t mid, late;
  int peer = -1;
  std::string received;
  char buf[256];
  uint64_t cpu_start = 0, cpu_mid = 0, cpu_late = 0;

  Scenario() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    peer = fds[1];
    uv_loop_init(&loop);
    uv_pipe_init(&loop, &reader, 0);
    REQUIRE(uv_pipe_open(&reader, fds[0]) == 0);
    reader.data = this;
    uv_read_start(
        reinterpret_cast<uv_stream_t*>(&reader),
        [](uv_handle_t* h, size_t, uv_buf_t* out) {
          countSocketRead();
          auto* s = static_cast<Scenario*>(h->data);
          *out = uv_buf_init(s->buf, sizeof s->buf);
        },
        [](uv_stream_t* h, ssize_t n, const uv_buf_t* b) {
          if (n > 0) static_cast<Scenario*>(h->data)->received.append(b->base, size_t(n));
        });
    for (uv_timer_t* t : {&mid, &late}) {
      uv_timer_init(&loop, t);
      t->data = this;
    }
  }
  ~Scenario() {
    if (peer >= 0) ::close(peer);
    CHECK(uv_loop_close(&loop) == 0);
  }

  // Writes "a" now. Samples the loop thread's
  // CPU at `mid_ms` and `late_ms`, closes everything at `late_ms`, and runs the loop to its end.
  void run(uint64_t busy_poll_ns, uint64_t mid_ms, uint64_t late_ms) {
    REQUIRE(::write(peer, "a", 1) == 1);
    uv_timer_start(
        &mid, [](uv_timer_t* t) { static_cast<Scenario*>(t->data)->cpu_mid = threadCpuNs(); },
        mid_ms, 0);
    uv_timer_start(
        &late,
        [](uv_timer_t* t) {
          auto* s = static_cast<Scenario*>(t->data);
          s->cpu_late = threadCpuNs();
          uv_close(reinterpret_cast<uv_handle_t*>(&s->reader), nullptr);
          for (uv_timer_t* h : {&s->mid, &s->late})
            uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
        },
        late_ms, 0);
    cpu_start = threadCpuNs();
    runLoop(&loop, busy_poll_ns);
  }
};

}  // namespace

TEST_CASE("busy polling: after a read the loop polls on for the window, then sleeps") {
  Scenario s;
  // A 200 ms window after the read at the start; the loop is sampled at 300 ms (window over)
  // and at 1,000 ms (700 ms with no read).
  s.run(200 * kMs, 300, 1000);
  CHECK(s.received == "a");
  uint64_t polling = s.cpu_mid - s.cpu_start;
  uint64_t after = s.cpu_late - s.cpu_mid;
  MESSAGE("CPU while polling: " << polling / 1000 << " us; in the next 700 ms: " << after / 1000
                                << " us");
  // Polling burns CPU for the window (a generous floor: the thread may share its core); once
  // the window is over and nothing is read, the loop blocks and uses almost none.
  CHECK(polling >= 40 * kMs);
  CHECK(after <= 30 * kMs);
}

TEST_CASE("busy polling off: the loop sleeps right after the read") {
  Scenario s;
  s.run(0, 300, 1000);
  CHECK(s.received == "a");
  CHECK(s.cpu_mid - s.cpu_start <= 30 * kMs);
  CHECK(s.cpu_late - s.cpu_mid <= 30 * kMs);
}

TEST_CASE("busy polling: a read that arrives while polling is delivered, and restarts the window") {
  Scenario s;
  // "b" is written from another thread 100 ms in, inside the 150 ms window: it is read while
  // the loop polls, and the window runs again from there (to about 250 ms).
  std::thread writer([&] {
    usleep(100 * 1000);
    REQUIRE(::write(s.peer, "b", 1) == 1);
  });
  s.run(150 * kMs, 400, 1100);
  writer.join();
  CHECK(s.received == "ab");
  uint64_t polling = s.cpu_mid - s.cpu_start;
  MESSAGE("CPU in the first 400 ms: " << polling / 1000 << " us");
  CHECK(polling >= 60 * kMs);  // about 250 ms of polling; one window alone is 150 ms
  CHECK(s.cpu_late - s.cpu_mid <= 30 * kMs);
}

TEST_CASE("busy polling: the loop ends when nothing is left in it") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  uv_timer_t t;
  uv_timer_init(&loop, &t);
  int fired = 0;
  t.data = &fired;
  uv_timer_start(
      &t,
      [](uv_timer_t* h) {
        ++*static_cast<int*>(h->data);
        uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
      },
      5, 0);
  runLoop(&loop, 50 * kMs);  // returns once the timer is closed: nothing keeps the loop alive
  CHECK(fired == 1);
  CHECK(uv_loop_close(&loop) == 0);
}
