// The metrics the relay server exports, behind named methods so call sites stay one line.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/obs/metrics.h"

namespace relay {

class RelayMetrics {
 public:
  // 1 ms .. 600 s: covers a cached error reply and a long streamed completion alike.
  static const std::vector<double>& durationBuckets();

  // Registers every family in `registry` and sets build info and start time.
  RelayMetrics(MetricsRegistry& registry, std::string_view version);

  void requestFinished(std::string_view route, std::string_view method, int status, double seconds,
                       uint64_t bytes);
  void connectionOpened() { active_connections_.inc(); }
  void connectionClosed() { active_connections_.dec(); }
  void connectionRefused() { refused_connections_.inc(); }
  void streamOpened() { active_streams_.inc(); }
  void streamClosed() { active_streams_.dec(); }
  void upstreamResponse(std::string_view provider, std::string_view account, int status);
  // kind: a transport failure (upstreamErrorKindName): dns, connect, tls, timeout_headers, ...
  void upstreamError(std::string_view provider, std::string_view account, std::string_view kind);
  void failover(std::string_view provider);

  MetricsRegistry& registry() { return registry_; }

 private:
  const uint64_t id_;  // unique for the process's lifetime: the per-thread memo's owner tag
  MetricsRegistry& registry_;
  CounterFamily& requests_;
  HistogramFamily& request_duration_;
  CounterFamily& response_bytes_;
  CounterFamily& upstream_requests_;
  CounterFamily& upstream_errors_;
  CounterFamily& failovers_;
  Gauge active_connections_;
  Counter refused_connections_;
  Gauge active_streams_;
};

// The process-wide instance on defaultMetricsRegistry(), created on first use.
RelayMetrics& relayMetrics();

}  // namespace relay
