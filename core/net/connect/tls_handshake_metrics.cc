#include "core/net/connect/tls_handshake_metrics.h"

#include <vector>

#include "core/obs/metrics.h"

namespace relay {

namespace {

// 0.5 ms (a resumption on loopback) .. 10 s (a slow origin far away).
const std::vector<double>& handshakeBuckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

struct HandshakeSeries {
  HandshakeSeries() {
    MetricsRegistry& registry = defaultMetricsRegistry();
    CounterFamily& counts = registry.counter("relay_upstream_tls_handshakes_total",
                                             "TLS handshakes with upstreams, by outcome: full, "
                                             "resumed (a kept session), failed.",
                                             {"outcome"});
    HistogramFamily& seconds = registry.histogram(
        "relay_upstream_tls_handshake_seconds",
        "Time from the ClientHello to the end of a completed upstream TLS handshake.", {"outcome"},
        handshakeBuckets());
    full = counts.with({"full"});
    resumed = counts.with({"resumed"});
    failed = counts.with({"failed"});
    full_seconds = seconds.with({"full"});
    resumed_seconds = seconds.with({"resumed"});
  }
  Counter full, resumed, failed;
  Histogram full_seconds, resumed_seconds;
};

HandshakeSeries& series() {
  static HandshakeSeries s;
  return s;
}

}  // namespace

void registerTlsHandshakeMetrics() {
  series();
}

void recordTlsHandshake(TlsHandshakeOutcome outcome, double seconds) {
  HandshakeSeries& s = series();
  switch (outcome) {
    case TlsHandshakeOutcome::kFull:
      s.full.inc();
      s.full_seconds.observe(seconds);
      break;
    case TlsHandshakeOutcome::kResumed:
      s.resumed.inc();
      s.resumed_seconds.observe(seconds);
      break;
    case TlsHandshakeOutcome::kFailed:
      s.failed.inc();
      break;
  }
}

}  // namespace relay
