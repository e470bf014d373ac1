// HTTP/1.1 over a Transport: one request at a time, llhttp parses the response, keep-alive reuse.
#pragma once

#include <llhttp.h>

#include <memory>
#include <string>

#include "core/http/header_list_pool.h"
#include "core/net/connect/transport.h"
#include "core/net/upstream/body_batch.h"
#include "core/net/upstream/upstream_connection.h"

namespace relay {

class Http1Connection final : public UpstreamConnection, private Transport::Handler {
 public:
  Http1Connection(std::unique_ptr<Transport> transport, Owner* owner);
  ~Http1Connection() override;

  std::string_view protocol() const override { return "http/1.1"; }
  bool hasCapacity() const override;
  size_t activeStreams() const override { return sink_ != nullptr ? 1 : 0; }
  bool isOpen() const override { return !closed_; }
  uint32_t startStream(const OutgoingRequest& req, StreamSink* sink) override;
  void resumeStream(uint32_t id) override;
  // startStream() writes the whole request or copies what the socket did not take.
  bool requestSent(uint32_t) const override { return true; }
  void cancelStream(uint32_t id) override;
  void close() override;

 private:
  void onTransportData(std::string_view bytes) override;
  void onTransportClosed(const TransportError* error) override;

  static int onHeaderField(llhttp_t* p, const char* at, size_t len);
  static int onHeaderValue(llhttp_t* p, const char* at, size_t len);
  static int onHeaderValueComplete(llhttp_t* p);
  static int onHeadersComplete(llhttp_t* p);
  static int onBody(llhttp_t* p, const char* at, size_t len);
  static int onMessageComplete(llhttp_t* p);
  static const llhttp_settings_t& parserSettings();

  int deliverHeaders();
  int deliverBody(std::string_view bytes);
  // Hands on the body pieces one read produced, as one (body_batch.h).
  void deliverBatch();
  void finishMessage();
  void failStream(StreamFailure failure);
  // The parser refused the response: fails the stream with why. Out of line and apart from the
  // response path, as its messages are built only then.
  [[gnu::cold, gnu::noinline]] void failParse(llhttp_errno_t err);
  void closeTransport();
  void notifyClosedIfDone();
  // The header the parser's pieces go to: the list's next element, emptied (see openHeader).
  Header& openHeader();

  std::unique_ptr<Transport> transport_;
  Owner* owner_;
  llhttp_t parser_{};
  StreamSink* sink_ = nullptr;
  uint32_t stream_id_ = 0;
  uint32_t next_stream_id_ = 1;
  bool head_request_ = false;
  bool reused_ = false;  // served a full response before the current one
  bool got_response_bytes_ = false;
  bool headers_delivered_ = false;
  bool message_done_ = false;
  bool keep_alive_ = false;
  bool paused_ = false;
  bool closed_ = false;
  bool closed_notified_ = false;
  bool in_parse_ = false;
  bool batching_ = false;  // inside onTransportData's parse: body pieces go to batch_
  // The response head, read into a list from HeaderListPool: each name and value is appended
  // where it stays, in an element an earlier response left (its strings keep their memory).
  std::vector<Header> head_;
  size_t head_used_ = 0;
  bool header_open_ = false;  // the parser's pieces go to head_[head_used_ - 1]
  size_t head_bytes_ = 0;     // response header bytes so far (kMaxUpstreamHeaderBytes)
  std::string pending_body_;  // parsed while the consumer was paused
  BodyBatch batch_;           // parsed from the current read, not yet handed on
};

}  // namespace relay
