-- wrk script for bench/run: POSTs the benchmark body (BENCH_BODY) to /v1/messages with Claude
-- Code's headers and the relay key (BENCH_KEY), and prints one JSON line of results at the end.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.path = "/v1/messages"
wrk.body = f:read("*a")
f:close()
wrk.headers["content-type"] = "application/json"
wrk.headers["x-api-key"] = os.getenv("BENCH_KEY")
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["anthropic-beta"] = "claude-code-20250219,interleaved-thinking-2025-05-14"
wrk.headers["user-agent"] = "claude-cli/2.0.0 (external, cli)"
wrk.headers["x-app"] = "cli"
wrk.headers["accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"mode":"wrk","requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,' ..
    '"rps":%.1f,"p50_us":%.1f,"p99_us":%.1f,"mean_us":%.1f,"max_us":%.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(99), latency.mean, latency.max))
end
