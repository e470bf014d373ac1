#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "core/loop/loop_driver.h"
#include "core/net/read_activity.h"

using namespace relay;

namespace {

constexpr uint64_t kMs = 1000 * 1000;

// One end of a socket pair read by the loop the way the relay's connections read (the buffer
// allocation notes the read), the other end written by the test. A prepare handle counts the
// loop's iterations (a polling loop turns thousands of times a second, a sleeping one once per
// event; counting turns rather than CPU time holds when the test shares a busy core, where the
// polling loop yields it); two timers read the count at fixed points, and the second one closes
// everything so the loop ends.
struct Scenario {
  uv_loop_t loop;
  uv_pipe_t reader;
  uv_prepare_t turns_counter;
  static constexpr int kMaxSamples = 5;
  uv_timer_t samplers[kMaxSamples];
  int samples = 0;
  uint64_t turns = 0;
  uint64_t turns_at[kMaxSamples] = {};
  // The loop's busy-polling series, read at each sample too.
  MetricsRegistry registry;
  BusyPollMetrics metrics{registry.counter("test_polls_total", "", {"outcome"}).with({"caught"}),
                          registry.counter("test_polls_total", "", {"outcome"}).with({"ran_out"}),
                          registry.gauge("test_polling", "").with({})};
  double polling_at[kMaxSamples] = {};
  int peer = -1;
  std::string received;
  char buf[256];

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
          noteSocketRead();
          auto* s = static_cast<Scenario*>(h->data);
          *out = uv_buf_init(s->buf, sizeof s->buf);
        },
        [](uv_stream_t* h, ssize_t n, const uv_buf_t* b) {
          if (n > 0) static_cast<Scenario*>(h->data)->received.append(b->base, size_t(n));
        });
    uv_prepare_init(&loop, &turns_counter);
    turns_counter.data = this;
    uv_prepare_start(&turns_counter,
                     [](uv_prepare_t* h) { ++static_cast<Scenario*>(h->data)->turns; });
    for (uv_timer_t& t : samplers) t.data = this;
  }
  ~Scenario() {
    if (peer >= 0) ::close(peer);
    CHECK(uv_loop_close(&loop) == 0);
  }

  // Turns between two samples.
  uint64_t turnsBetween(int from, int to) const { return turns_at[to] - turns_at[from]; }

  // Writes "a" now, reads the turn count at each of the times (ms), closes everything at the
  // last one, and runs the loop to its end.
  void run(uint64_t busy_poll_ns, std::initializer_list<uint64_t> at_ms) {
    REQUIRE(at_ms.size() <= kMaxSamples);
    samples = static_cast<int>(at_ms.size());
    REQUIRE(::write(peer, "a", 1) == 1);
    for (int i = 0; i < samples; ++i) {
      uv_timer_init(&loop, &samplers[i]);
      uv_timer_start(
          &samplers[i],
          [](uv_timer_t* t) {
            auto* s = static_cast<Scenario*>(t->data);
            int i = static_cast<int>(t - s->samplers);
            s->turns_at[i] = s->turns;
            s->polling_at[i] = s->metrics.polling.value();
            if (i < s->samples - 1) return;
            uv_close(reinterpret_cast<uv_handle_t*>(&s->turns_counter), nullptr);
            uv_close(reinterpret_cast<uv_handle_t*>(&s->reader), nullptr);
            for (int j = 0; j < s->samples; ++j)
              uv_close(reinterpret_cast<uv_handle_t*>(&s->samplers[j]), nullptr);
          },
          at_ms.begin()[i], 0);
    }
    runLoop(&loop, busy_poll_ns, metrics);
  }
};

// A polling loop turns thousands of times in 100 ms on an idle core; on a core shared with busy
// threads it yields between empty polls, and still turns every time it is scheduled (dozens).
// A sleeping loop turns once per event: a few.
constexpr uint64_t kPollingTurns = 10;
constexpr uint64_t kSleepingTurns = 4;

}  // namespace

TEST_CASE("busy polling: after a read the loop polls on for the window, then sleeps") {
  Scenario s;
  // The read comes at 0 and the window is 200 ms: sampled at 180 ms (polling since 0), then at
  // 400 and 1,000 ms (no read since: asleep in between).
  s.run(200 * kMs, {180, 400, 1000});
  CHECK(s.received == "a");
  MESSAGE("turns in the window: " << s.turns_at[0]
                                  << "; in the 600 ms after it: " << s.turnsBetween(1, 2));
  CHECK(s.turns_at[0] >= kPollingTurns);
  CHECK(s.turnsBetween(1, 2) <= kSleepingTurns);
}

TEST_CASE("busy polling off: the loop sleeps right after the read") {
  Scenario s;
  s.run(0, {180, 400, 1000});
  CHECK(s.received == "a");
  CHECK(s.polling_at[0] == 0);
  CHECK(s.metrics.caught.value() + s.metrics.ran_out.value() == 0);
  CHECK(s.turns_at[0] <= kSleepingTurns);
  CHECK(s.turnsBetween(1, 2) <= kSleepingTurns);
}

TEST_CASE("busy polling: a read that arrives while polling is delivered, and restarts the window") {
  Scenario s;
  // Window 150 ms. "b" is written from another thread 100 ms in: it is read while the loop
  // polls, and the window runs again from there, to about 250 ms. Between the samples at 170
  // and 230 ms the loop still polls: it would sleep there had the window not restarted.
  std::thread writer([&] {
    usleep(100 * 1000);
    REQUIRE(::write(s.peer, "b", 1) == 1);
  });
  s.run(150 * kMs, {170, 230, 300});
  writer.join();
  CHECK(s.received == "ab");
  MESSAGE("turns between 170 and 230 ms: " << s.turnsBetween(0, 1));
  CHECK(s.turnsBetween(0, 1) >= kPollingTurns);
  // "a" was there at once (nothing to judge); the poll for "b" caught it.
  CHECK(s.metrics.caught.value() == 1);
  CHECK(s.metrics.ran_out.value() == 0);
  CHECK(s.polling_at[0] == 1);
}

// Writes one byte to fd at each of the times (ms after start, CLOCK_MONOTONIC), from a thread.
std::thread writeAt(int fd, timespec start, std::initializer_list<uint64_t> at_ms) {
  return std::thread([fd, start, times = std::vector<uint64_t>(at_ms)] {
    for (uint64_t ms : times) {
      timespec due = start;
      due.tv_sec += static_cast<time_t>(ms / 1000);
      due.tv_nsec += static_cast<long>((ms % 1000) * 1000 * 1000);
      if (due.tv_nsec >= 1000 * 1000 * 1000) due.tv_sec += 1, due.tv_nsec -= 1000 * 1000 * 1000;
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nullptr);
      REQUIRE(::write(fd, "x", 1) == 1);
    }
  });
}

TEST_CASE("busy polling: reads that come after the window has run out stop the polling") {
  Scenario s;
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  // Window 20 ms; "a" at 0, then reads 60 ms apart from 60 to 360: each poll runs out its
  // window before the read comes, and after six of them the loop stops polling. After the read
  // at 360 it sleeps at once, where a fixed window would poll until 380 (sampled 363 to 378).
  // Before that, after the read at 60, it still polled (sampled 62 to 77).
  std::thread writer = writeAt(s.peer, start, {60, 120, 180, 240, 300, 360});
  s.run(20 * kMs, {62, 77, 363, 378, 420});
  writer.join();
  CHECK(s.received == "axxxxxx");
  MESSAGE("turns 62-77 ms: " << s.turnsBetween(0, 1) << "; 363-378 ms: " << s.turnsBetween(2, 3));
  CHECK(s.turnsBetween(0, 1) >= kPollingTurns);
  CHECK(s.turnsBetween(2, 3) <= kSleepingTurns);
  // /metrics shows it: six polls ran out, none caught, and the worker stopped polling.
  CHECK(s.metrics.caught.value() == 0);
  CHECK(s.metrics.ran_out.value() == 6);
  CHECK(s.polling_at[1] == 1);
  CHECK(s.polling_at[3] == 0);
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
