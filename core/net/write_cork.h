// Holds the client writes made on this thread while it lives and sends them when it ends, so
// that bytes produced together leave together: an upstream read that holds an answer's last
// events and its end gives the client one write, not one for the events and one for the
// terminating chunk. Opened only around work that runs to its end without returning to the
// loop, so no byte waits for anything that has not already arrived.
#pragma once

#include <algorithm>
#include <vector>

namespace relay {

class WriteCork {
 public:
  // A connection that queued bytes under the cork instead of writing them.
  class Writer {
   public:
    virtual void flushCorked() = 0;

   protected:
    ~Writer() = default;
  };

  WriteCork() { ++state().depth; }
  // The outermost cork sends what its writers queued, in the order they first queued.
  ~WriteCork() {
    State& s = state();
    if (--s.depth > 0) return;
    while (!s.writers.empty()) {
      Writer* w = s.writers.front();
      s.writers.erase(s.writers.begin());
      w->flushCorked();  // may write again: without the cork, at once
    }
  }
  WriteCork(const WriteCork&) = delete;
  WriteCork& operator=(const WriteCork&) = delete;

  static bool active() { return state().depth > 0; }
  // Called by a writer that queued under the cork; listed once however often it queues.
  static void enlist(Writer* w) {
    std::vector<Writer*>& list = state().writers;
    if (std::find(list.begin(), list.end(), w) == list.end()) list.push_back(w);
  }
  // A writer that goes away before the cork ends.
  static void withdraw(Writer* w) {
    std::vector<Writer*>& list = state().writers;
    if (!list.empty()) std::erase(list, w);
  }

 private:
  struct State {
    int depth = 0;
    std::vector<Writer*> writers;
  };
  static State& state() {
    thread_local State s;
    return s;
  }
};

}  // namespace relay
