#include "core/loop/busy_poll_window.h"

#include <algorithm>

namespace relay {

BusyPollWindow::BusyPollWindow(uint64_t max_ns)
    : max_ns_(max_ns),
      sparse_ns_(max_ns * 10),
      grow_start_ns_(std::max<uint64_t>(max_ns / 4, 1)),
      window_ns_(max_ns) {}

void BusyPollWindow::onGap(uint64_t gap_ns) {
  if (gap_ns <= window_ns_) return;  // the window caught it
  if (gap_ns <= sparse_ns_) {
    window_ns_ = std::min(max_ns_, std::max(window_ns_ * 2, grow_start_ns_));
    return;
  }
  window_ns_ /= 2;
  if (window_ns_ < grow_start_ns_) window_ns_ = 0;
}

}  // namespace relay
