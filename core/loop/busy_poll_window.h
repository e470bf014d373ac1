// Whether a worker's loop polls after a read, and how long: the configured window while polling
// pays, nothing while it does not. Polling pays when the next read usually comes within the
// window (a client sending request after request, an upstream answering at once, a busy worker):
// the loop then picks it up without the wake-up a sleeping process pays. It does not when the
// reads come further apart (stream events tens of milliseconds apart, thousands of streams whose
// events arrive at random a few hundred microseconds apart, a developer pausing between prompts):
// every poll then runs out its window for nothing.
//
// So the window follows the share of polls that caught their read: a running average over the
// last few (each new poll weighs 1/8). Below 3/8 polling stops; while it is stopped, every 32nd
// read polls once as a probe, and polling resumes once the probes bring the share to 5/8. The
// share is judged only on polls, never on how long a sleeping loop waited: that wait includes
// the wake-up polling exists to avoid, and judging by it switched polling off under steady c=1
// traffic whose gaps hover around the window (round 8 of issue 12). Reads the loop found
// without waiting at all say nothing either way and are not counted.
#pragma once

#include <cstdint>

namespace relay {

class BusyPollWindow {
 public:
  explicit BusyPollWindow(uint64_t max_ns) : max_ns_(max_ns), window_ns_(max_ns) {}

  // The window for the gap that starts now: the maximum, or 0 (do not poll).
  uint64_t ns() const { return window_ns_; }

  // How onRead judged the poll that preceded the read.
  enum class Judged : unsigned char {
    kNothing,  // no poll to judge: polling was stopped, or the read was there at once
    kCaught,   // the read came within the window
    kRanOut,   // the window ran out before the read came
  };

  // A read came gap_ns after the loop finished its previous work; `waited`: the loop found
  // nothing at least once in between (it polled in vain or slept) rather than finding the read
  // at once.
  Judged onRead(uint64_t gap_ns, bool waited);

  // Whether polling is on (a probe while it is stopped does not count).
  bool polling() const { return window_ns_ != 0 && !probing_; }

  // The share of polls that caught their read, in 1/256 (tests and diagnostics).
  unsigned catchShare() const { return catch_share_; }

  static constexpr unsigned kStopBelow = 96;   // 3/8
  static constexpr unsigned kResumeAt = 160;   // 5/8
  static constexpr unsigned kProbeEvery = 32;  // reads, while stopped

 private:
  uint64_t max_ns_;
  uint64_t window_ns_;
  unsigned catch_share_ = 192;  // starts polling, and trusting it (3/4)
  unsigned reads_stopped_ = 0;
  bool probing_ = false;
};

}  // namespace relay
