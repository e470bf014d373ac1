// A libuv TCP handle behind a C++ object that may be destroyed at any time. The handle, pending
// write requests and their buffers are freed only in libuv's callbacks.
#pragma once

#include <uv.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace relay {

class TcpSocket {
 public:
  class Events {
   public:
    virtual ~Events() = default;
    virtual void onSocketData(std::string_view bytes) = 0;
    virtual void onSocketEnd(int status) = 0;  // UV_EOF, or a libuv error (read or write)
    virtual void onSocketDrained() {}          // pending writes fell to the low-water mark
  };

  TcpSocket(uv_loop_t* loop, size_t low_water_bytes);
  ~TcpSocket();  // close()
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  // `done(status)` runs later on the loop unless this returns an error (then it never runs).
  int connect(const sockaddr* address, std::function<void(int status)> done);
  void setNoDelay();
  void setEvents(Events* events) { events_ = events; }

  int startReading();
  void stopReading();
  // Writes at once what the socket takes (one writev for both parts); only the rest is copied
  // and queued. Order is kept: with writes queued, everything queues behind them.
  void write(std::string_view first, std::string_view second = {});
  size_t pendingBytes() const;
  bool isOpen() const { return handle_ != nullptr; }
  // Aborts: pending writes are cancelled; no Events after this returns.
  void close();

 private:
  struct Handle;
  struct WriteRequest;
  static void onConnect(uv_connect_t* req, int status);
  static void onAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onWrite(uv_write_t* req, int status);
  void reportEnd(int status);

  Handle* handle_;
  Events* events_ = nullptr;
  size_t low_water_bytes_;
  bool above_low_water_ = false;
  bool ended_ = false;
};

}  // namespace relay
