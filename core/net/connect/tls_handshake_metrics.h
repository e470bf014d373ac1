// Upstream TLS handshakes on /metrics, by outcome: relay_upstream_tls_handshakes_total{outcome}
// (full, resumed, failed) and relay_upstream_tls_handshake_seconds{outcome} (full, resumed: from
// the ClientHello to the handshake's end). Series are resolved once per process and updated with
// a relaxed atomic: no lock, and only at handshake time.
#pragma once

namespace relay {

enum class TlsHandshakeOutcome { kFull, kResumed, kFailed };

// Registers the families with every series at 0 (the first client TLS context does it, so a
// relay without https upstreams exports none). Idempotent.
void registerTlsHandshakeMetrics();

// `seconds` is observed for full and resumed handshakes only.
void recordTlsHandshake(TlsHandshakeOutcome outcome, double seconds);

}  // namespace relay
