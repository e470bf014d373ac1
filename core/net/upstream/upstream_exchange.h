// One request/response through the pool: timeouts, decoding, the one retry, handler delivery.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/chain/recycled_blocks.h"
#include "core/net/upstream/body_decoder.h"
#include "core/net/upstream/connection_pool.h"
#include "core/net/upstream/upstream_call.h"
#include "core/net/upstream/upstream_request.h"
#include "core/net/upstream/uv_timer.h"

namespace relay {

class UpstreamExchange final : public UpstreamCall,
                               private StreamSink,
                               private ConnectionPool::Waiter {
 public:
  // `pool` and `url` are null when the URL did not parse (`url_error` then says why).
  UpstreamExchange(uv_loop_t* loop, ConnectionPool* pool, UpstreamRequest&& request,
                   std::shared_ptr<const UpstreamUrl> url, std::string url_error,
                   UpstreamResponseHandler* handler);
  ~UpstreamExchange() override;
  RELAY_RECYCLED_STORAGE  // one per attempt: its storage is recycled on the worker

      void
      start();
  void resume() override;
  void cancel() override;
  std::string_view protocol() const override { return protocol_; }
  bool requestBodyReleased() const override { return body_released_; }

 private:
  void onConnectionReady(UpstreamConnection* conn) override;
  void onConnectionFailed(const TransportError& error) override;
  void onStreamHeaders(int status, Headers headers) override;
  bool onStreamData(std::string_view bytes) override;
  void onStreamComplete() override;
  void onStreamFailed(StreamFailure failure) override;

  ConnectOptions connectOptions() const override;
  std::string attribute(std::string_view message) const;
  void startWatchdog(uint64_t ms);
  void onWatchdog();
  // The body idle limit counts from now.
  void armIdleTimer();
  void stopStream();
  void fail(UpstreamError::Kind kind, std::string_view message);

  uv_loop_t* loop_;
  ConnectionPool* pool_;
  UpstreamRequest request_;  // its headers as sent upstream (cleaned when constructed); its url
                             // went back to the client, url_ is its parsed form
  std::shared_ptr<const UpstreamUrl> url_;
  std::string url_error_;
  UpstreamResponseHandler* handler_;
  UvTimer timer_;  // the watchdog (response headers, then body idle), or a deferred failure
  bool waiting_for_headers_ = false;
  uint64_t started_ms_ = 0;     // loop time the request was handed to the pool
  uint64_t last_bytes_ms_ = 0;  // loop time of the headers or the latest body bytes
  UpstreamConnection* conn_ = nullptr;
  uint32_t stream_id_ = 0;
  bool waiting_ = false;
  bool retried_ = false;
  bool response_started_ = false;
  bool paused_ = false;
  bool finished_ = false;
  bool body_released_ = false;
  std::string_view protocol_;
  std::unique_ptr<BodyDecoder> decoder_;
  // Points at a flag on the stack of a handler callback in progress; the destructor sets it.
  bool* destroyed_ = nullptr;
};

}  // namespace relay
