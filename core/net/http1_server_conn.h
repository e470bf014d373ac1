// One downstream HTTP/1.1 connection: llhttp parsing, limits, keep-alive, and the response
// sink for the request in flight (one at a time; pipelined bytes wait in the input buffer).
#pragma once

#include <llhttp.h>
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/net/http_server_types.h"
#include "core/net/write_buffer_pool.h"
#include "core/net/write_cork.h"

namespace relay {

class Http1ServerConnection final : public ResponseSink, private WriteCork::Writer {
 public:
  Http1ServerConnection(uv_loop_t* loop, ConnectionOwner& owner);
  ~Http1ServerConnection() override;

  // The TCP handle to accept into; call start() after a successful uv_accept.
  uv_tcp_t* tcp() { return &tcp_; }
  void start();
  // Instead of start(): answers `status` with connection: close and retry-after at once, reads
  // nothing, and closes once the answer is flushed.
  void refuse(int status, std::string_view message, int retry_after_seconds);
  // Closes once the current response (if any) has been written; at once when idle.
  void closeWhenIdle();
  void close();
  bool idle() const { return phase_ == Phase::Idle || (phase_ == Phase::Head && head_bytes_ == 0); }

  // ResponseSink
  void begin(int status, const Headers& headers, std::optional<uint64_t> content_length) override;
  bool write(std::string_view bytes) override;
  void end() override;
  void abort() override;
  bool started() const override { return response_started_; }
  bool closed() const override { return closing_; }
  void onWritable(std::function<void()> cb) override { writable_cb_ = std::move(cb); }
  void onClientGone(std::function<void()> cb) override { gone_cb_ = std::move(cb); }

 private:
  enum class Phase { Idle, Head, Body, Dispatched };

  // llhttp callbacks.
  static int onMessageBegin(llhttp_t* p);
  static int onUrl(llhttp_t* p, const char* at, size_t len);
  static int onHeaderField(llhttp_t* p, const char* at, size_t len);
  static int onHeaderValue(llhttp_t* p, const char* at, size_t len);
  static int onHeaderValueComplete(llhttp_t* p);
  static int onHeadersComplete(llhttp_t* p);
  static int onBody(llhttp_t* p, const char* at, size_t len);
  static int onMessageComplete(llhttp_t* p);
  static const llhttp_settings_t& parserSettings();

  static void onAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
  static void onTimer(uv_timer_t* t);
  static void onResumeTimer(uv_timer_t* t);
  static void onHandleClosed(uv_handle_t* h);
  static void onFlushCheck(uv_check_t* c);
  static void onFlushPrepare(uv_prepare_t* p);
  void flushFromLoop();
  void flushCorked() override;

  void parse(const char* data, size_t len);
  void keepBodyBytes();
  std::string& ownedBody(size_t more);
  void dispatch();
  void finishStream(bool completed, bool client_gone);
  void afterResponse();
  // Runs for every piece of the head (three times a header): inline, against the limit read
  // once per request.
  bool countHeadBytes(size_t n) {
    head_bytes_ += n;
    return head_bytes_ <= max_header_bytes_ || headTooLarge();
  }
  [[gnu::cold, gnu::noinline]] bool headTooLarge();
  // The request is refused from a parser callback (its framing, its head's or body's size):
  // status and message for the answer parse() sends; -1 for llhttp. Out of line, as
  // refuseParsed(): the request path keeps only what it runs.
  [[gnu::cold, gnu::noinline]] int refuseWhileParsing(int status, const char* message);
  [[gnu::cold, gnu::noinline]] void refuseParsed();
  void openHeader();
  void protocolError(int status, std::string_view message);
  void sendSimple(int status, std::string_view message);
  void writeBody(std::string_view bytes);
  void armTimer(uint64_t ms);
  void disarmTimer();
  void resetForNextRequest();

  // ---- writing ----
  // The response head is queued in a reused buffer and leaves with the first body bytes (one
  // writev, straight from the caller's memory), at the end of the response, or when the loop
  // finishes its I/O callbacks or is about to poll (check / prepare handles), whichever comes
  // first. Only what the socket does not take at once is copied and kept for a uv_write.
  void queue(std::string_view a, std::string_view b = {}, std::string_view c = {});
  void writeNow(std::string_view a, std::string_view b, std::string_view c);
  bool flush();  // false: the connection closed
  void startWrite(size_t already_written);
  void afterWriteProgress();
  size_t pendingWriteBytes() const { return out_.size() + inflight_bytes_; }
  static void onWriteDone(uv_write_t* req, int status);

  uv_loop_t* loop_;
  ConnectionOwner& owner_;
  uv_tcp_t tcp_;
  uv_timer_t timer_;
  // When the connection's current limit runs out (loop time, ms), and when timer_ is set to
  // fire (0: not set). timer_ never fires later than the deadline; see armTimer().
  static constexpr uint64_t kNoDeadline = UINT64_MAX;
  uint64_t deadline_ = kNoDeadline;
  uint64_t timer_due_ = 0;
  uv_timer_t resume_timer_;
  // Queued bytes are flushed by whichever runs first: the check handle (after the I/O
  // callbacks of this iteration) or the prepare handle (before the loop next polls), so bytes
  // queued from a timer never wait for an unrelated wake-up.
  uv_check_t flush_check_;
  uv_prepare_t flush_prepare_;
  int open_handles_ = 0;
  llhttp_t parser_;

  Phase phase_ = Phase::Idle;
  Request req_;
  bool header_open_ = false;  // the last header's value is still arriving
  size_t headers_used_ = 0;   // elements of req_'s header list filled so far (see openHeader)
  size_t head_bytes_ = 0;
  size_t max_header_bytes_ = 0;  // owner_.limits().max_header_bytes, read at each request's start
  bool keep_alive_ = true;
  bool close_after_response_ = false;
  int error_status_ = 0;  // set by callbacks that reject the request
  std::string error_message_;
  std::string input_;  // bytes received while a request is dispatched
  // The body so far when all of it lies in the read being parsed (reading_block_: the owner's
  // read block): the request takes the block if the body ends in this read (no copy); copied
  // into the request's own buffer otherwise.
  std::string_view body_in_read_;
  bool reading_block_ = false;
  size_t body_reserve_ = 0;  // room for the body a split one gets (declared length, capped)

  std::unique_ptr<ActiveStream> stream_;
  bool response_started_ = false;
  bool response_chunked_ = false;
  bool head_request_ = false;
  int response_status_ = 0;
  uint64_t body_bytes_sent_ = 0;
  std::string out_;       // queued, not yet handed to the socket
  std::string inflight_;  // handed to uv_write (its last inflight_bytes_), until the callback
  size_t inflight_bytes_ = 0;
  uv_write_t* write_req_ = nullptr;  // only while a write is in flight (most writes finish at once)
  bool writing_ = false;
  bool write_blocked_ = false;
  bool closing_ = false;
  bool close_when_flushed_ = false;
  bool shutdown_sent_ = false;
  std::function<void()> writable_cb_;
  std::function<void()> gone_cb_;
};

}  // namespace relay
