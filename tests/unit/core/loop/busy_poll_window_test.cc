#include "core/loop/busy_poll_window.h"

#include <doctest/doctest.h>

using namespace relay;

namespace {

constexpr uint64_t kUs = 1000;
constexpr uint64_t kMax = 50 * kUs;

// Feeds reads until polling stops; returns how many it took (or -1 after `limit`).
int readsUntilStopped(BusyPollWindow& w, uint64_t gap, int limit = 100) {
  for (int i = 1; i <= limit; ++i) {
    w.onRead(gap, true);
    if (w.ns() == 0) return i;
  }
  return -1;
}

}  // namespace

TEST_CASE("busy poll window: polls while the polls catch their reads") {
  BusyPollWindow w(kMax);
  CHECK(w.ns() == kMax);
  for (int i = 0; i < 1000; ++i) w.onRead((i % 50) * kUs, true);  // every one within the window
  CHECK(w.ns() == kMax);
  CHECK(w.catchShare() > 240);
}

TEST_CASE("busy poll window: polls that run out their window stop polling") {
  BusyPollWindow w(kMax);
  // Sparse reads: every poll runs out. The share falls from 3/4 by an eighth per read.
  CHECK(readsUntilStopped(w, 20000 * kUs) == 6);
  CHECK(w.catchShare() < BusyPollWindow::kStopBelow);
}

TEST_CASE("busy poll window: a read found without waiting counts neither way") {
  BusyPollWindow w(kMax);
  unsigned before = w.catchShare();
  for (int i = 0; i < 100; ++i) w.onRead(20000 * kUs, false);
  CHECK(w.catchShare() == before);
  CHECK(w.ns() == kMax);
}

TEST_CASE("busy poll window: steady traffic that mostly catches keeps polling through misses") {
  BusyPollWindow w(kMax);
  // Two reads in three caught (a c=1 client whose gaps hover around the window): stays on.
  for (int i = 0; i < 3000; ++i) {
    w.onRead(i % 3 == 2 ? 80 * kUs : 30 * kUs, true);
    REQUIRE(w.ns() == kMax);
  }
}

TEST_CASE("busy poll window: reads a few windows apart at random stop it (most polls miss)") {
  BusyPollWindow w(kMax);
  // One poll in five catches its read (2,000 streams whose events arrive about 250 us apart).
  int stopped_at = -1;
  for (int i = 1; i <= 200 && stopped_at < 0; ++i) {
    w.onRead(i % 5 == 0 ? 10 * kUs : 300 * kUs, true);
    if (w.ns() == 0) stopped_at = i;
  }
  CHECK(stopped_at > 0);
  CHECK(stopped_at <= 12);
}

TEST_CASE("busy poll window: while stopped, every 32nd read probes; probes that catch resume it") {
  BusyPollWindow w(kMax);
  REQUIRE(readsUntilStopped(w, 20000 * kUs) > 0);
  int probes = 0;
  for (int round = 0; round < 10 && w.ns() == 0; ++round) {
    // Stopped: 31 reads change nothing (their gaps are not judged: the loop did not poll).
    for (unsigned i = 1; i < BusyPollWindow::kProbeEvery; ++i) {
      w.onRead(10 * kUs, true);
      REQUIRE(w.ns() == 0);
    }
    w.onRead(10 * kUs, true);  // the 32nd: the next gap is polled
    REQUIRE(w.ns() == kMax);
    ++probes;
    w.onRead(10 * kUs, true);  // the probe caught its read
  }
  CHECK(w.ns() == kMax);
  CHECK(w.catchShare() >= BusyPollWindow::kResumeAt);
  MESSAGE("probes until polling resumed: " << probes);
  CHECK(probes >= 2);  // not on a single lucky probe
  CHECK(probes <= 6);
}

TEST_CASE("busy poll window: a probe that misses keeps it stopped") {
  BusyPollWindow w(kMax);
  REQUIRE(readsUntilStopped(w, 20000 * kUs) > 0);
  unsigned share = w.catchShare();
  for (unsigned i = 0; i < BusyPollWindow::kProbeEvery; ++i) w.onRead(20000 * kUs, true);
  REQUIRE(w.ns() == kMax);  // probing
  w.onRead(20000 * kUs, true);
  CHECK(w.ns() == 0);
  CHECK(w.catchShare() < share);
}

TEST_CASE("busy poll window: each read says how it judged the poll before it (for /metrics)") {
  using Judged = BusyPollWindow::Judged;
  BusyPollWindow w(kMax);
  CHECK(w.polling());
  CHECK(w.onRead(10 * kUs, true) == Judged::kCaught);
  CHECK(w.onRead(20000 * kUs, true) == Judged::kRanOut);
  CHECK(w.onRead(20000 * kUs, false) == Judged::kNothing);  // found at once
  while (w.polling()) REQUIRE(w.onRead(20000 * kUs, true) == Judged::kRanOut);
  // Stopped: reads are not judged; the 32nd turns on one probe, which is not polling yet.
  for (unsigned i = 1; i < BusyPollWindow::kProbeEvery; ++i) {
    REQUIRE(w.onRead(20000 * kUs, true) == Judged::kNothing);
  }
  CHECK(w.onRead(20000 * kUs, true) == Judged::kNothing);
  CHECK(w.ns() == kMax);
  CHECK_FALSE(w.polling());
  CHECK(w.onRead(10 * kUs, true) == Judged::kCaught);  // the probe caught its read
}
