#include "core/obs/log_writer.h"

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

#include "core/obs/log.h"

namespace relay {

LogWriter& LogWriter::instance() {
  static LogWriter* writer = new LogWriter();
  return *writer;
}

bool LogWriter::enqueue(LogStream stream, std::string line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= capacity_) {
    ++dropped_pending_;
    ++dropped_total_;
    return false;
  }
  queue_.push_back(Entry{stream, std::move(line)});
  ++enqueued_;
  if (!running_) startLocked();
  if (queue_.size() == 1) wake_.notify_one();
  return true;
}

void LogWriter::startLocked() {
  static bool registered = false;
  if (!registered) {
    registered = true;
    // Lines queued just before exit() still reach the file.
    std::atexit([] { LogWriter::instance().flush(); });
  }
  running_ = true;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void LogWriter::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!running_) return;
  uint64_t lines = enqueued_;
  uint64_t drops = dropped_total_;
  wake_.notify_one();
  drained_.wait(lock, [&] { return written_ >= lines && dropped_reported_ >= drops; });
}

void LogWriter::shutdown() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!running_ || stopping_) return;
  stopping_ = true;
  wake_.notify_one();
  lock.unlock();
  thread_.join();
  lock.lock();
  running_ = false;
  stopping_ = false;
  // A line queued while the thread was leaving must not wait for the next start.
  if (!queue_.empty() || dropped_pending_ > 0) startLocked();
}

void LogWriter::run() {
  std::vector<Entry> batch;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return !queue_.empty() || dropped_pending_ > 0 || stopping_; });
    if (queue_.empty() && dropped_pending_ == 0) break;  // stopping, nothing left
    batch.swap(queue_);
    uint64_t dropped = std::exchange(dropped_pending_, 0);
    lock.unlock();
    writeBatch(batch, dropped);
    lock.lock();
    written_ += batch.size();
    dropped_reported_ += dropped;
    batch.clear();
    drained_.notify_all();
  }
}

void LogWriter::writeBatch(const std::vector<Entry>& batch, uint64_t dropped) {
  std::lock_guard<std::mutex> lock(io_mu_);
  std::string chunk;
  LogStream chunk_stream = LogStream::kMain;
  for (const Entry& entry : batch) {
    if (!chunk.empty() && !sameDestination(entry.stream, chunk_stream)) {
      emit(chunk_stream, chunk);
      chunk.clear();
    }
    if (chunk.empty()) chunk_stream = entry.stream;
    chunk += entry.line;
  }
  if (!chunk.empty()) emit(chunk_stream, chunk);
  if (dropped > 0) {
    // Every drop happened after the lines of this batch were queued, so the notice goes last.
    emit(LogStream::kMain,
         formatLogLine(logClockMs(), LogLevel::kWarn, "log",
                       "dropped " + std::to_string(dropped) + " log lines: log queue full"));
  }
}

std::FILE* LogWriter::fileFor(LogStream stream) const {
  if (stream == LogStream::kAccess && access_file_ != nullptr) return access_file_;
  return main_file_ != nullptr ? main_file_ : stderr;
}

bool LogWriter::sameDestination(LogStream a, LogStream b) const {
  return a == b || (!sink_ && fileFor(a) == fileFor(b));
}

void LogWriter::emit(LogStream stream, std::string_view text) {
  if (sink_) {
    sink_(stream, text);
    return;
  }
  std::FILE* file = fileFor(stream);
  std::fwrite(text.data(), 1, text.size(), file);
  std::fflush(file);
}

void LogWriter::setCapacity(size_t lines) {
  std::lock_guard<std::mutex> lock(mu_);
  capacity_ = lines > 0 ? lines : 1;
}

bool LogWriter::setFile(LogStream stream, const std::string& path, std::string* error) {
  std::FILE* opened = nullptr;
  if (!path.empty()) {
    opened = std::fopen(path.c_str(), "a");
    if (opened == nullptr) {
      int err = errno;
      if (error != nullptr) {
        *error = "cannot open log file " + path + ": " + std::generic_category().message(err);
      }
      return false;
    }
  }
  std::lock_guard<std::mutex> lock(io_mu_);
  std::FILE*& slot = stream == LogStream::kAccess ? access_file_ : main_file_;
  if (slot != nullptr) std::fclose(slot);
  slot = opened;
  return true;
}

void LogWriter::setSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(io_mu_);
  sink_ = std::move(sink);
}

uint64_t LogWriter::droppedTotal() {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_total_;
}

}  // namespace relay
