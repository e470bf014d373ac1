// How long a worker's loop keeps polling after a read, adapted to the gaps between reads, in
// the manner of the kernel's haltpoll cpuidle governor. A gap the window covered changes
// nothing. A longer gap that is still short (up to ten times the configured maximum) grows the
// window (doubling, from a quarter of the maximum, up to the maximum): the traffic is dense
// enough for polling to pay. A gap beyond that halves it, down to zero below a quarter: the
// reads come so far apart (stream events tens of milliseconds apart, a client pausing between
// requests) that polling after each of them is pure cost; three such gaps turn polling off, and
// the loop sleeps after each read as if busy polling were off, until short gaps return.
// Short gaps count as dense even when they exceed the window, because a gap measured after the
// loop went to sleep includes the wake-up that polling exists to avoid (tens of microseconds on
// a VM): judging those against the window alone switched polling off under steady c=1 traffic
// whose gaps hover around it.
#pragma once

#include <cstdint>

namespace relay {

class BusyPollWindow {
 public:
  explicit BusyPollWindow(uint64_t max_ns);

  // The current window: 0 (do not poll) to the maximum. Starts at the maximum.
  uint64_t ns() const { return window_ns_; }

  // The loop went gap_ns without a read: from the end of the work on one read to the next read.
  void onGap(uint64_t gap_ns);

 private:
  uint64_t max_ns_;
  uint64_t sparse_ns_;  // a gap beyond this: the traffic is sparse
  uint64_t grow_start_ns_;
  uint64_t window_ns_;
};

}  // namespace relay
