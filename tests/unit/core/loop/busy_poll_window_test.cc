#include "core/loop/busy_poll_window.h"

#include <doctest/doctest.h>

#include <initializer_list>

using namespace relay;

namespace {
constexpr uint64_t kUs = 1000;
}

TEST_CASE("busy poll window: starts at the maximum and keeps it while the gaps are short") {
  BusyPollWindow w(50 * kUs);
  CHECK(w.ns() == 50 * kUs);
  for (uint64_t gap : {1 * kUs, 30 * kUs, 50 * kUs, 0 * kUs}) w.onGap(gap);
  CHECK(w.ns() == 50 * kUs);
  // Longer than the window but within ten times it: a gap measured after the loop slept holds
  // the wake-up too, so steady traffic whose gaps hover around the window keeps it.
  for (uint64_t gap : {60 * kUs, 200 * kUs, 500 * kUs}) w.onGap(gap);
  CHECK(w.ns() == 50 * kUs);
}

TEST_CASE("busy poll window: gaps beyond ten times the maximum halve it, then turn it off") {
  BusyPollWindow w(80 * kUs);
  w.onGap(801 * kUs);
  CHECK(w.ns() == 40 * kUs);
  w.onGap(5000 * kUs);
  CHECK(w.ns() == 20 * kUs);  // a quarter of the maximum: still on
  w.onGap(1000000 * kUs);
  CHECK(w.ns() == 0);  // below a quarter: off
  w.onGap(900 * kUs);
  CHECK(w.ns() == 0);  // stays off while the gaps stay long
}

TEST_CASE("busy poll window: a gap a longer window would have caught grows it back") {
  BusyPollWindow w(80 * kUs);
  for (int i = 0; i < 3; ++i) w.onGap(10000 * kUs);
  REQUIRE(w.ns() == 0);
  w.onGap(0);  // a read that was already waiting: nothing to learn
  CHECK(w.ns() == 0);
  w.onGap(700 * kUs);  // within ten times the maximum: from off to a quarter of it
  CHECK(w.ns() == 20 * kUs);
  w.onGap(30 * kUs);  // beyond the window, within the maximum: doubles
  CHECK(w.ns() == 40 * kUs);
  w.onGap(10 * kUs);  // caught: unchanged
  CHECK(w.ns() == 40 * kUs);
  w.onGap(79 * kUs);
  CHECK(w.ns() == 80 * kUs);
  w.onGap(790 * kUs);
  CHECK(w.ns() == 80 * kUs);  // never beyond the maximum
}

TEST_CASE("busy poll window: a tiny maximum still works (a quarter of it rounds up to 1 ns)") {
  BusyPollWindow w(3);
  CHECK(w.ns() == 3);
  w.onGap(31);
  CHECK(w.ns() == 1);
  w.onGap(31);
  CHECK(w.ns() == 0);
  w.onGap(2);
  CHECK(w.ns() == 1);
  w.onGap(2);
  CHECK(w.ns() == 2);
}
