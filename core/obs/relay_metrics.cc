#include "core/obs/relay_metrics.h"

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <string>

#include "relay_build_config.h"

namespace relay {
namespace {

// Status codes as label text without a heap allocation.
struct StatusText {
  explicit StatusText(int status) {
    auto result = std::to_chars(buf, buf + sizeof(buf), status);
    len = static_cast<size_t>(result.ptr - buf);
  }
  std::string_view view() const { return {buf, len}; }
  char buf[12];
  size_t len = 0;
};

std::atomic<uint64_t> g_next_metrics_id{1};

// The label sets this thread finished requests with last, and their series: most requests repeat
// one, and comparing a few short strings is cheaper than three series lookups.
struct FinishedSeries {
  uint64_t owner = 0;  // the RelayMetrics (ids are never reused)
  std::string route;
  std::string method;
  int status = 0;
  Counter requests;
  Histogram duration;
  Counter bytes;
};
struct FinishedMemo {
  std::array<FinishedSeries, 4> slots;
  size_t next = 0;  // the slot a miss replaces
};
thread_local FinishedMemo t_finished;

// The same for upstream answers: one account answering 200 is the common case.
struct UpstreamSeries {
  uint64_t owner = 0;
  std::string provider;
  std::string account;
  int status = 0;
  Counter responses;
};
struct UpstreamMemo {
  std::array<UpstreamSeries, 4> slots;
  size_t next = 0;
};
thread_local UpstreamMemo t_upstream;

double unixSecondsNow() {
  using namespace std::chrono;
  return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

const std::vector<double>& RelayMetrics::durationBuckets() {
  static const std::vector<double> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,   0.25,   0.5,   1,    2.5,   5,
                                              10,    30,     60,    120,  300,   600};
  return buckets;
}

RelayMetrics::RelayMetrics(MetricsRegistry& registry, std::string_view version)
    : id_(g_next_metrics_id.fetch_add(1, std::memory_order_relaxed)),
      registry_(registry),
      requests_(registry.counter("relay_requests_total", "Requests answered by the relay.",
                                 {"route", "method", "status"})),
      request_duration_(registry.histogram("relay_request_duration_seconds",
                                           "Time from request start to the last response byte.",
                                           {"route"}, durationBuckets())),
      response_bytes_(registry.counter("relay_response_bytes_total",
                                       "Response bytes sent to clients.", {"route"})),
      upstream_requests_(registry.counter("relay_upstream_requests_total",
                                          "Responses received from upstream providers.",
                                          {"provider", "account", "status"})),
      upstream_errors_(registry.counter("relay_upstream_errors_total",
                                        "Upstream attempts that failed, by kind.",
                                        {"provider", "account", "kind"})),
      failovers_(registry.counter("relay_failovers_total", "Requests retried on another account.",
                                  {"provider"})),
      active_connections_(
          registry.gauge("relay_active_connections", "Open client connections.").with({})),
      refused_connections_(registry
                               .counter("relay_refused_connections_total",
                                        "Connections answered 503 at server.max_connections.")
                               .with({})),
      active_streams_(
          registry.gauge("relay_active_streams", "Event streams in flight to clients.").with({})) {
  registry.gauge("relay_build_info", "Build of the running relay; always 1.", {"version"})
      .with({version})
      .set(1);
  registry.gauge("relay_process_start_time_seconds", "Start time of the process, unix seconds.")
      .with({})
      .set(unixSecondsNow());
}

void RelayMetrics::requestFinished(std::string_view route, std::string_view method, int status,
                                   double seconds, uint64_t bytes) {
  FinishedMemo& memo = t_finished;
  FinishedSeries* series = nullptr;
  for (FinishedSeries& slot : memo.slots) {
    if (slot.owner == id_ && slot.status == status && slot.route == route &&
        slot.method == method) {
      series = &slot;
      break;
    }
  }
  if (series == nullptr) {
    series = &memo.slots[memo.next];
    memo.next = (memo.next + 1) % memo.slots.size();
    StatusText code(status);
    series->owner = id_;
    series->route.assign(route);
    series->method.assign(method);
    series->status = status;
    series->requests = requests_.with({route, method, code.view()});
    series->duration = request_duration_.with({route});
    series->bytes = response_bytes_.with({route});
  }
  series->requests.inc();
  series->duration.observe(seconds);
  series->bytes.inc(bytes);
}

void RelayMetrics::upstreamResponse(std::string_view provider, std::string_view account,
                                    int status) {
  UpstreamMemo& memo = t_upstream;
  for (UpstreamSeries& slot : memo.slots) {
    if (slot.owner == id_ && slot.status == status && slot.account == account &&
        slot.provider == provider) {
      slot.responses.inc();
      return;
    }
  }
  UpstreamSeries& slot = memo.slots[memo.next];
  memo.next = (memo.next + 1) % memo.slots.size();
  StatusText code(status);
  slot.owner = id_;
  slot.provider.assign(provider);
  slot.account.assign(account);
  slot.status = status;
  slot.responses = upstream_requests_.with({provider, account, code.view()});
  slot.responses.inc();
}

void RelayMetrics::upstreamError(std::string_view provider, std::string_view account,
                                 std::string_view kind) {
  upstream_errors_.with({provider, account, kind}).inc();
}

void RelayMetrics::failover(std::string_view provider) {
  failovers_.with({provider}).inc();
}

RelayMetrics& relayMetrics() {
  static RelayMetrics* metrics = new RelayMetrics(defaultMetricsRegistry(), RELAY_VERSION);
  return *metrics;
}

}  // namespace relay
