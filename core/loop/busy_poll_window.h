// How long a worker's loop keeps polling after a read, adapted to the gaps between reads the
// way the kernel's haltpoll cpuidle governor adapts a vCPU's poll time. A gap the window covered
// changes nothing. A gap longer than the window but within the configured maximum grows it
// (doubling, from a quarter of the maximum): polling a little longer would have caught that
// read. A gap longer than the maximum halves it, down to zero below a quarter: no window
// allowed could have caught that read, so the polling was pure cost. Under steady request
// traffic the window stays at the maximum; under sparse traffic (streams whose events come
// tens of milliseconds apart, a client that pauses between requests) it falls to zero within
// three reads, and the loop sleeps after each read as if busy polling were off.
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
  uint64_t grow_start_ns_;
  uint64_t window_ns_;
};

}  // namespace relay
