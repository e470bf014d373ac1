#include "core/loop/busy_poll_window.h"

namespace relay {

BusyPollWindow::Judged BusyPollWindow::onRead(uint64_t gap_ns, bool waited) {
  if (window_ns_ == 0) {
    // Stopped: now and then one poll, to see whether the traffic has changed.
    if (++reads_stopped_ >= kProbeEvery) {
      reads_stopped_ = 0;
      probing_ = true;
      window_ns_ = max_ns_;
    }
    return Judged::kNothing;
  }
  // The read was there already: polling neither helped nor cost.
  if (!waited) return Judged::kNothing;
  bool caught = gap_ns <= window_ns_;
  catch_share_ = caught ? catch_share_ + (256 - catch_share_) / 8 : catch_share_ - catch_share_ / 8;
  unsigned keep_from = probing_ ? kResumeAt : kStopBelow;
  probing_ = false;
  if (catch_share_ < keep_from) window_ns_ = 0;
  return caught ? Judged::kCaught : Judged::kRanOut;
}

}  // namespace relay
