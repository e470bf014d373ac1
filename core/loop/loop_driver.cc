#include "core/loop/loop_driver.h"

#include <sched.h>

#include "core/loop/busy_poll_window.h"
#include "core/net/read_activity.h"

namespace relay {

void runLoop(uv_loop_t* loop, uint64_t busy_poll_ns, const BusyPollMetrics& metrics) {
  if (busy_poll_ns == 0) {
    uv_run(loop, UV_RUN_DEFAULT);
    return;
  }
  BusyPollWindow window(busy_poll_ns);
  metrics.polling.set(1);
  uint64_t idle_since_ns = uv_hrtime();
  bool waited = false;  // since the last read, an iteration found nothing
  clearFirstReadTime();
  for (;;) {
    // Within the window, one non-blocking iteration (epoll_wait with a zero timeout, timers,
    // checks); past it, one iteration that blocks until there is something to do.
    bool polling = uv_hrtime() - idle_since_ns < window.ns();
    if (uv_run(loop, polling ? UV_RUN_NOWAIT : UV_RUN_ONCE) == 0) {  // nothing left
      metrics.polling.set(0);
      break;
    }
    if (uint64_t first_read_ns = firstReadTimeOnThisThread(); first_read_ns != 0) {
      bool was_polling = window.polling();
      switch (window.onRead(first_read_ns > idle_since_ns ? first_read_ns - idle_since_ns : 0,
                            waited || !polling)) {
        case BusyPollWindow::Judged::kCaught:
          metrics.caught.inc();
          break;
        case BusyPollWindow::Judged::kRanOut:
          metrics.ran_out.inc();
          break;
        case BusyPollWindow::Judged::kNothing:
          break;
      }
      if (window.polling() != was_polling) metrics.polling.set(window.polling() ? 1 : 0);
      idle_since_ns = uv_hrtime();
      waited = false;
      clearFirstReadTime();
      continue;
    }
    waited = true;
    if (polling) {
      // Nothing came: let whatever else waits for this core run first (a client or an upstream
      // on the same machine, whose answer this loop is polling for). Returns at once otherwise.
      sched_yield();
    }
  }
}

}  // namespace relay
