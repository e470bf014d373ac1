// The log writer thread: callers queue finished lines, the thread writes them in batches so no
// event loop ever waits on a disk or a pipe.
#pragma once

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

  // The process-wide writer; never destroyed, so late log calls at exit stay safe.
  static LogWriter& instance();

  // Queues one line (ending in '\n'); false when the queue is full and the line was dropped.
  bool enqueue(LogStream stream, std::string line);
  void flush();
  void shutdown();

  void setCapacity(size_t lines);
  // Empty path: stderr for kMain, the main destination for kAccess.
  bool setFile(LogStream stream, const std::string& path, std::string* error);
  // An empty sink restores the files.
  void setSink(LogSink sink);
  uint64_t droppedTotal();

 private:
  struct Entry {
    LogStream stream;
    std::string line;
  };

  LogWriter() = default;
  void startLocked();
  void run();
  void writeBatch(const std::vector<Entry>& batch, uint64_t dropped);
  void emit(LogStream stream, std::string_view text);
  std::FILE* fileFor(LogStream stream) const;
  bool sameDestination(LogStream a, LogStream b) const;

  std::mutex mu_;  // guards the queue and counters
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::vector<Entry> queue_;
  size_t capacity_ = kDefaultCapacity;
  uint64_t dropped_pending_ = 0;
  uint64_t dropped_total_ = 0;
  uint64_t dropped_reported_ = 0;  // drops whose notice line is written
  uint64_t enqueued_ = 0;          // lines accepted, ever
  uint64_t written_ = 0;           // lines written, ever
  bool running_ = false;
  bool stopping_ = false;
  std::thread thread_;

  std::mutex io_mu_;                  // guards the destinations while a batch is written
  std::FILE* main_file_ = nullptr;    // nullptr: stderr
  std::FILE* access_file_ = nullptr;  // nullptr: same as main
  LogSink sink_;
};

}  // namespace relay
