// The log writer thread: callers queue finished lines, the thread writes them in batches so no
// event loop ever waits on a disk or a pipe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace relay {

// The main log and the access log may go to different files; one thread writes both.
enum class LogStream { kMain, kAccess };

// Receives each written batch instead of the files (tests; embedding). Runs on the log thread.
using LogSink = std::function<void(LogStream stream, std::string_view batch)>;

class LogWriter {
 public:
  static constexpr size_t kDefaultCapacity = 16384;
  // After writing a batch the thread lets batched lines (enqueueBatch: the access log) gather
  // this long before it writes again, so a busy relay wakes it a few dozen times a second instead
  // of once per worker loop iteration. A single line (enqueue: the main log), a flush, shutdown or
  // a half-full queue end the pause: warnings and errors are written at once, as before.
  static constexpr int kDefaultGatherMs = 20;

  // The process-wide writer; never destroyed, so late log calls at exit stay safe.
  static LogWriter& instance();

  // Queues one line (ending in '\n'); false when the queue is full and the line was dropped.
  bool enqueue(LogStream stream, std::string line);
  // Queues `lines` lines at once (each ending in '\n'), leaving *batch empty, with the capacity
  // of a buffer the thread already wrote when it has one, so a caller that batches allocates
  // nothing in the long run. When the lines do not fit they are all dropped and counted.
  bool enqueueBatch(LogStream stream, std::string* batch, size_t lines);
  void flush();
  void shutdown();

  // The queue's capacity in lines.
  void setCapacity(size_t lines);
  void setGatherMs(int ms);
  // Empty path: stderr for kMain, the main destination for kAccess.
  bool setFile(LogStream stream, const std::string& path, std::string* error);
  // An empty sink restores the files.
  void setSink(LogSink sink);
  uint64_t droppedTotal();

 private:
  struct Entry {
    LogStream stream;
    std::string text;
    size_t lines = 1;
    bool reusable = false;  // a caller's batch buffer, worth handing back
  };
  // Written buffers kept for enqueueBatch (enough for the flushes of one gathering pause), the
  // largest one kept and their total; all are freed after kSpareRelease without a line.
  static constexpr size_t kMaxSpareBuffers = 256;
  static constexpr size_t kMaxSpareBytes = 128 * 1024;
  static constexpr size_t kMaxSpareTotal = 1024 * 1024;
  static constexpr std::chrono::seconds kSpareRelease{5};

  LogWriter() = default;
  bool admitLocked(size_t lines);
  void pushLocked(Entry entry);
  void startLocked();
  void run();
  void recycleLocked(std::vector<Entry>& batch);
  void writeBatch(const std::vector<Entry>& batch, uint64_t dropped);
  void emit(LogStream stream, std::string_view text);
  std::FILE* fileFor(LogStream stream) const;
  bool sameDestination(LogStream a, LogStream b) const;

  std::mutex mu_;  // guards the queue, the spares and counters
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::vector<Entry> queue_;
  std::vector<std::string> spares_;
  size_t spare_bytes_ = 0;
  size_t queued_lines_ = 0;
  size_t capacity_ = kDefaultCapacity;  // lines
  int gather_ms_ = kDefaultGatherMs;
  uint64_t dropped_pending_ = 0;
  uint64_t dropped_total_ = 0;
  uint64_t dropped_reported_ = 0;  // drops whose notice line is written
  uint64_t enqueued_ = 0;          // entries accepted, ever
  uint64_t written_ = 0;           // entries written, ever
  int flush_waiters_ = 0;
  bool running_ = false;
  bool stopping_ = false;
  bool idle_ = false;    // the thread waits for a first line
  bool urgent_ = false;  // a single line is queued: no gathering pause
  std::thread thread_;

  std::mutex io_mu_;                  // guards the destinations while a batch is written
  std::FILE* main_file_ = nullptr;    // nullptr: stderr
  std::FILE* access_file_ = nullptr;  // nullptr: same as main
  LogSink sink_;
  std::string chunk_;  // the log thread's: consecutive entries for one destination
};

}  // namespace relay
