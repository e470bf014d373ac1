#include "core/obs/log_writer.h"

#include <cerrno>
#include <chrono>
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
  if (!admitLocked(1)) return false;
  // A single line (a warning, an error) is written at once, as it always was: it ends a pause.
  urgent_ = true;
  pushLocked(Entry{stream, std::move(line), 1, false});
  return true;
}

bool LogWriter::enqueueBatch(LogStream stream, std::string* batch, size_t lines) {
  if (batch->empty()) return true;
  std::lock_guard<std::mutex> lock(mu_);
  if (!admitLocked(lines)) {
    batch->clear();
    return false;
  }
  Entry entry{stream, std::move(*batch), lines, true};
  if (spares_.empty()) {
    batch->clear();
  } else {
    spare_bytes_ -= spares_.back().capacity();
    *batch = std::move(spares_.back());
    spares_.pop_back();
  }
  pushLocked(std::move(entry));
  return true;
}

bool LogWriter::admitLocked(size_t lines) {
  if (lines <= capacity_ && queued_lines_ <= capacity_ - lines) return true;
  dropped_pending_ += lines;
  dropped_total_ += lines;
  if (idle_) wake_.notify_one();  // the notice still gets written
  return false;
}

void LogWriter::pushLocked(Entry entry) {
  queued_lines_ += entry.lines;
  queue_.push_back(std::move(entry));
  ++enqueued_;
  if (!running_) {
    startLocked();
    return;
  }
  // The thread waits for a first line, or a gathering pause should end (a single line, or before
  // the queue fills).
  if (idle_ || urgent_ || queued_lines_ >= capacity_ / 2) wake_.notify_one();
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
  ++flush_waiters_;  // ends a gathering pause
  wake_.notify_one();
  drained_.wait(lock, [&] { return written_ >= lines && dropped_reported_ >= drops; });
  --flush_waiters_;
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
  auto ready = [&] { return !queue_.empty() || dropped_pending_ > 0 || stopping_; };
  for (;;) {
    idle_ = true;
    if (!wake_.wait_for(lock, kSpareRelease, ready)) {
      // Quiet for a while: the spare buffers go back to the allocator.
      std::vector<std::string>().swap(spares_);
      spare_bytes_ = 0;
      wake_.wait(lock, ready);
    }
    idle_ = false;
    if (queue_.empty() && dropped_pending_ == 0) break;  // stopping, nothing left
    batch.swap(queue_);
    queued_lines_ = 0;
    urgent_ = false;
    uint64_t dropped = std::exchange(dropped_pending_, 0);
    lock.unlock();
    writeBatch(batch, dropped);
    lock.lock();
    written_ += batch.size();
    dropped_reported_ += dropped;
    recycleLocked(batch);
    drained_.notify_all();
    // Let the next lines gather: the callers then queue without waking this thread. The pause
    // follows gather_ms_ as it is now, so setGatherMs can shorten one under way.
    auto paused = std::chrono::steady_clock::now();
    while (!stopping_ && !urgent_ && flush_waiters_ == 0 && queued_lines_ < capacity_ / 2) {
      if (wake_.wait_until(lock, paused + std::chrono::milliseconds(gather_ms_)) ==
          std::cv_status::timeout)
        break;
    }
  }
}

void LogWriter::recycleLocked(std::vector<Entry>& batch) {
  for (Entry& entry : batch) {
    size_t bytes = entry.text.capacity();
    if (entry.reusable && spares_.size() < kMaxSpareBuffers && bytes <= kMaxSpareBytes &&
        spare_bytes_ + bytes <= kMaxSpareTotal) {
      entry.text.clear();
      spares_.push_back(std::move(entry.text));
      spare_bytes_ += bytes;
    }
  }
  batch.clear();
}

void LogWriter::writeBatch(const std::vector<Entry>& batch, uint64_t dropped) {
  std::lock_guard<std::mutex> lock(io_mu_);
  // Consecutive entries for one destination go out in one write.
  for (size_t first = 0, end = 0; first < batch.size(); first = end) {
    LogStream stream = batch[first].stream;
    for (end = first + 1; end < batch.size() && sameDestination(batch[end].stream, stream);) ++end;
    if (end == first + 1) {
      emit(stream, batch[first].text);
      continue;
    }
    chunk_.clear();
    for (size_t i = first; i < end; ++i) chunk_ += batch[i].text;
    emit(stream, chunk_);
  }
  if (chunk_.capacity() > 8 * kMaxSpareBytes) std::string().swap(chunk_);
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

void LogWriter::setGatherMs(int ms) {
  std::lock_guard<std::mutex> lock(mu_);
  gather_ms_ = ms > 0 ? ms : 0;
  wake_.notify_one();
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
