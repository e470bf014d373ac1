// HTTP/2 over a Transport (ALPN "h2"): many streams, flow control driven by the consumer.
#pragma once

#include <nghttp2/nghttp2.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/net/connect/transport.h"
#include "core/net/upstream/upstream_connection.h"

namespace relay {

class Http2Connection final : public UpstreamConnection, private Transport::Handler {
 public:
  // The per-stream receive window: how much a paused consumer lets the upstream run ahead.
  static constexpr int32_t kStreamWindowBytes = 256 * 1024;
  static constexpr int32_t kConnectionWindowBytes = 16 * 1024 * 1024;
  static constexpr uint32_t kMaxStreams = 100;

  Http2Connection(std::unique_ptr<Transport> transport, Owner* owner);
  ~Http2Connection() override;

  std::string_view protocol() const override { return "h2"; }
  bool hasCapacity() const override;
  size_t activeStreams() const override;
  bool isOpen() const override { return !closed_; }
  uint32_t startStream(const OutgoingRequest& req, StreamSink* sink) override;
  void resumeStream(uint32_t id) override;
  bool requestSent(uint32_t id) const override;
  void cancelStream(uint32_t id) override;
  void close() override;

  struct Stream;  // public for the nghttp2 callbacks in the .cc

 private:
  friend struct Http2Callbacks;
  void onTransportData(std::string_view bytes) override;
  void onTransportClosed(const TransportError* error) override;

  Stream* find(int32_t id);
  void onHeadersFrame(Stream& s, bool end_stream);
  void onData(Stream& s, std::string_view bytes);
  // Hands on what onData batched for the stream during this read; false when the stream is gone.
  bool deliverBatch(int32_t id);
  void deliverBatches();
  void onRemoteEnd(Stream& s);
  void onStreamClosed(int32_t id, uint32_t error_code);
  void completeStream(Stream& s);
  void failAll(const std::string& why);
  void flush();
  void shutdown(const std::string& why);
  void afterEvent();

  std::unique_ptr<Transport> transport_;
  Owner* owner_;
  nghttp2_session* session_ = nullptr;
  std::map<int32_t, std::unique_ptr<Stream>> streams_;
  int depth_ = 0;  // > 0 while inside nghttp2 callbacks: sending is deferred
  // Inside onTransportData's parse: the DATA frames of one read are joined per stream and handed
  // on as one piece (body_batch.h), before the stream's end or reset is acted on.
  bool batching_ = false;
  std::vector<int32_t> batched_;  // streams with a batch, in the order their first frame came
  bool closed_ = false;
  bool closed_notified_ = false;
  bool goaway_ = false;
  bool capacity_changed_ = false;
  size_t streams_started_ = 0;
};

}  // namespace relay
