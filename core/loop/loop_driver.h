// Runs a worker's loop until nothing is left in it. With busy polling on, the loop does not go
// to sleep right after a read: it keeps polling without blocking for the configured window, so
// the next read (an upstream answer, the client's next request, the next event of a stream)
// is picked up without a wake-up. On a virtual machine a wake-up of an idle vCPU costs tens of
// microseconds, more than the relay's own work on a request; busy polling trades that for CPU
// time while traffic flows. An idle loop (no read for a whole window) blocks as usual. The window
// stops while most polls run out before their read comes, and probes now and then to resume
// (busy_poll_window.h).
#pragma once

#include <uv.h>

#include <cstdint>

#include "core/obs/metrics.h"

namespace relay {

// Where a polling loop reports how its polls fare (series of this loop's own: nothing shared
// with other workers' loops). Unset members count nothing.
struct BusyPollMetrics {
  Counter caught;   // polls whose read came within the window
  Counter ran_out;  // polls whose window ran out before the read came
  Gauge polling;    // 1 while the loop polls after its reads, 0 while polling is stopped
};

// busy_poll_ns: the longest window; 0: uv_run(UV_RUN_DEFAULT), exactly.
void runLoop(uv_loop_t* loop, uint64_t busy_poll_ns, const BusyPollMetrics& metrics = {});

}  // namespace relay
