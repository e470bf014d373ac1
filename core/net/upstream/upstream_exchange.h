// One request/response through the pool: timeouts, decoding, the one retry, handler delivery.
#pragma once

#include <memory>
#include <optional>
#include <string>

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
  // `pool` is null when the URL did not parse (`url_error` then says why).
  UpstreamExchange(uv_loop_t* loop, ConnectionPool* pool, UpstreamRequest request,
                   std::optional<UpstreamUrl> url, std::string url_error,
                   UpstreamResponseHandler* handler);
  ~UpstreamExchange() override;

  void start();
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

  ConnectOptions connectOptions() const;
  std::string attribute(std::string_view message) const;
  void armIdleTimer();
  void stopStream();
  void fail(UpstreamError::Kind kind, std::string_view message);

  ConnectionPool* pool_;
  UpstreamRequest request_;  // its headers as sent upstream (cleaned when constructed)
  std::optional<UpstreamUrl> url_;
  std::string url_error_;
  UpstreamResponseHandler* handler_;
  UvTimer timer_;  // response headers, then body idle
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
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace relay
