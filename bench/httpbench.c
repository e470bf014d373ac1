/* Load client for bench/run (libuv + llhttp, one thread). Every mode prints one JSON line on
 * stdout at the end; the step modes also print "ready N" lines while they hold N connections.
 *
 *   httpbench rate  HOST PORT BODY KEY RATE SECONDS CONNS
 *       Open-loop fixed-rate POSTs of BODY to /v1/messages over CONNS keep-alive connections.
 *       Request i is due at start + i/RATE (a timerfd ticks every 1/RATE, 50 us to 1 ms); its
 *       latency runs from the tick that finds it due to the end of its response, so the time a
 *       request waits for a free connection when the server falls behind is counted (no
 *       coordinated omission). The first 10% of the run is warm-up and is not recorded.
 *       HTTPBENCH_TRACE=FILE: also writes FILE, one line per recorded request in completion
 *       order, "<due time in us since the start> <latency in us>" (kept in memory during the
 *       run and written at the end, so tracing adds no I/O to the measured path).
 *   httpbench sse   HOST PORT BODY KEY STEPS RAMP EVENTS HOLD_MS TIMEOUT_S
 *       Paced SSE streams (bench/sse_server behind HOST:PORT). STEPS is a comma list of stream
 *       counts (e.g. 100,2000); new streams open at RAMP per second. When all open streams
 *       have their first byte it prints "ready N", holds HOLD_MS, then goes to the next step.
 *       Then it waits for every stream to end. Each event must carry "seq" and "sent_ns"
 *       (CLOCK_MONOTONIC ns); EVENTS is how many each stream must deliver. It reports time to
 *       first byte, per-event delivery latency (receive - sent_ns) and lost, merged (two seq
 *       in one event) and reordered events.
 *   httpbench hold  HOST PORT BODY KEY STEPS RAMP HOLD_MS
 *       Idle keep-alive connections: each sends one POST of BODY, reads the answer and stays
 *       open, idle. Prints "ready N" when N such connections are idle, holds HOLD_MS, next.
 *   httpbench wait-health HOST PORT TIMEOUT_MS START_REALTIME_NS
 *       Polls GET /health every millisecond until it answers 200; prints the time since
 *       START_REALTIME_NS (the wall clock when the server was started).
 */
#include <errno.h>
#include <llhttp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

enum { M_RATE, M_SSE, M_HOLD, M_HEALTH };
enum { C_CONNECTING, C_IDLE, C_BUSY, C_DEAD };

typedef struct {
  uint64_t* v;
  size_t n, cap;
} samples_t;

static void push(samples_t* s, uint64_t x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4096;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = x;
}

static int cmp_u64(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

/* Percentile in microseconds (nearest rank); -1 when there is no sample. */
static double pct_us(samples_t* s, double p) {
  if (s->n == 0) return -1;
  qsort(s->v, s->n, sizeof *s->v, cmp_u64);
  size_t i = (size_t)(p / 100.0 * (double)s->n);
  if (i >= s->n) i = s->n - 1;
  return (double)s->v[i] / 1000.0;
}

typedef struct conn {
  uv_tcp_t tcp;
  uv_connect_t creq;
  uv_write_t wreq;
  llhttp_t parser;
  int state;
  int status;
  uint64_t t_due; /* rate mode: when the request was found due (its latency starts there) */
  uint64_t t_sent, t_first;
  int got_first;
  /* SSE */
  char ev[16384];
  size_t evlen;
  long expect_seq;
  int done;
} conn_t;

static int g_mode;
static const char* g_host;
static int g_port;
static struct sockaddr_in g_addr;
static char* g_req;
static size_t g_req_len;
static llhttp_settings_t g_settings;
static uv_loop_t* g_loop;
static uint64_t g_read_ns; /* uv_hrtime() of the read being parsed */

/* Counters and samples. */
static long g_errors, g_non2xx, g_closed_by_server;
static samples_t g_lat, g_ttfb, g_evlat;
static long g_ev_received, g_ev_lost, g_ev_merged, g_ev_reordered, g_events_total;
static long g_streams_done;

static void start_request(conn_t* c);
static void conn_connect(conn_t* c);

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* b = malloc((size_t)n + 1);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) exit(2);
  fclose(f);
  b[n] = 0;
  *len = (size_t)n;
  return b;
}

static void build_request(const char* body_path, const char* key) {
  size_t blen = 0;
  char* body = body_path ? read_file(body_path, &blen) : NULL;
  char head[2048];
  int n;
  if (body)
    n = snprintf(head, sizeof head,
                 "POST /v1/messages HTTP/1.1\r\nHost: %s:%d\r\n"
                 "content-type: application/json\r\ncontent-length: %zu\r\n"
                 "x-api-key: %s\r\nanthropic-version: 2023-06-01\r\n"
                 "anthropic-beta: claude-code-20250219,interleaved-thinking-2025-05-14\r\n"
                 "user-agent: claude-cli/2.0.0 (external, cli)\r\nx-app: cli\r\n"
                 "accept: application/json\r\n\r\n",
                 g_host, g_port, blen, key);
  else
    n = snprintf(head, sizeof head, "GET /health HTTP/1.1\r\nHost: %s:%d\r\n\r\n", g_host, g_port);
  g_req_len = (size_t)n + blen;
  g_req = malloc(g_req_len);
  memcpy(g_req, head, (size_t)n);
  if (body) memcpy(g_req + n, body, blen);
  free(body);
}

/* ---------------------------------------------------------------- SSE event checks */

static void sse_event(conn_t* c, const char* e, size_t n) {
  const char* seqk = "\"seq\":";
  const char* p = e;
  const char* end = e + n;
  int seqs = 0;
  long seq = -1;
  uint64_t sent = 0;
  while (p < end) {
    const char* q = memmem(p, (size_t)(end - p), seqk, 6);
    if (!q) break;
    if (seqs == 0) seq = strtol(q + 6, NULL, 10);
    seqs++;
    p = q + 6;
  }
  const char* s = memmem(e, n, "\"sent_ns\":", 10);
  if (s) sent = strtoull(s + 10, NULL, 10);
  if (seqs == 0) return; /* a comment or keep-alive ping: not one of ours */
  g_ev_received++;
  if (seqs > 1) g_ev_merged += seqs - 1;
  if (seq < c->expect_seq) {
    g_ev_reordered++;
  } else {
    if (seq > c->expect_seq) g_ev_lost += seq - c->expect_seq;
    c->expect_seq = seq + 1;
  }
  if (sent && g_read_ns > sent) push(&g_evlat, g_read_ns - sent);
}

static void sse_feed(conn_t* c, const char* at, size_t len) {
  while (len > 0) {
    size_t room = sizeof c->ev - c->evlen;
    size_t take = len < room ? len : room;
    memcpy(c->ev + c->evlen, at, take);
    c->evlen += take;
    at += take;
    len -= take;
    /* Cut complete events (blank-line terminated, \n\n or \r\n\r\n). */
    size_t start = 0;
    for (size_t i = 0; i + 1 < c->evlen; i++) {
      int term = 0;
      if (c->ev[i] == '\n' && c->ev[i + 1] == '\n')
        term = 2;
      else if (i + 3 < c->evlen && memcmp(c->ev + i, "\r\n\r\n", 4) == 0)
        term = 4;
      if (term) {
        sse_event(c, c->ev + start, i - start);
        start = i + (size_t)term;
        i = start - 1;
      }
    }
    if (start > 0) {
      memmove(c->ev, c->ev + start, c->evlen - start);
      c->evlen -= start;
    } else if (c->evlen == sizeof c->ev) {
      sse_event(c, c->ev, c->evlen); /* oversized: count what it holds as one event */
      c->evlen = 0;
    }
  }
}

/* ---------------------------------------------------------------- rate mode state */

static double g_rate;
static uint64_t g_t0, g_t_end, g_warm_until, g_issued;
static uint64_t* g_queue;
static size_t g_qhead, g_qtail, g_qcap;
static conn_t* g_conns;
static int g_nconns, g_connected;
static uv_timer_t g_tick;
static uv_poll_t g_tick_poll; /* rate mode: a timerfd, for sub-millisecond pacing */
static int g_tfd = -1;
static long g_recorded, g_unfinished, g_completed;
static uint64_t g_last_done;
/* HTTPBENCH_TRACE: (due - g_t0, latency) in ns per recorded request, preallocated for every
 * request the run can issue, written by write_trace() after the run. */
static const char* g_trace_path;
static uint64_t (*g_trace)[2];
static size_t g_trace_n, g_trace_cap;

static void rate_dispatch(void) {
  for (int i = 0; i < g_nconns && g_qhead != g_qtail; i++) {
    conn_t* c = &g_conns[i];
    if (c->state != C_IDLE) continue;
    c->t_due = g_queue[g_qhead % g_qcap];
    g_qhead++;
    start_request(c);
  }
}

static void finish_and_exit(void);

static void rate_tick(uv_poll_t* h, int status, int events) {
  (void)h;
  (void)status;
  (void)events;
  uint64_t expirations;
  if (read(g_tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) exit(1);
  uint64_t now = uv_hrtime();
  if (g_t0 == 0) {
    if (g_connected < g_nconns) return;
    g_t0 = now;
    g_t_end = now + g_t_end; /* g_t_end held the duration until now */
    g_warm_until = now + g_warm_until;
  }
  uint64_t limit = now < g_t_end ? now : g_t_end;
  uint64_t due = (uint64_t)((double)(limit - g_t0) * g_rate / 1e9);
  while (g_issued < due) {
    /* A request's clock starts when the client finds it due (now, within one tick of its
     * slot), so the client's own timer lag is not charged to the server but any wait for a
     * free connection is. */
    if (g_qtail - g_qhead < g_qcap) {
      g_queue[g_qtail % g_qcap] = now;
      g_qtail++;
    }
    g_issued++;
  }
  rate_dispatch();
  if (now >= g_t_end) {
    int busy = 0;
    for (int i = 0; i < g_nconns; i++) busy += g_conns[i].state == C_BUSY;
    if ((busy == 0 && g_qhead == g_qtail) || now > g_t_end + 2000000000ull) {
      g_unfinished = (long)(g_qtail - g_qhead) + busy;
      finish_and_exit();
    }
  }
}

/* ---------------------------------------------------------------- step modes (sse, hold) */

static long* g_steps;
static int g_nsteps, g_step;
static double g_ramp;
static uint64_t g_hold_ms, g_timeout_ns, g_ramp_t0;
static long g_opened, g_ready_base;
static int g_holding;
static uv_timer_t g_hold_timer;
static char g_ready_json[4096];
static size_t g_ready_len;

static long count_ready(void) {
  long r = 0;
  for (long i = 0; i < g_opened; i++) {
    conn_t* c = &g_conns[i];
    /* A connection that failed or was closed counts as settled (and as an error). */
    if (g_mode == M_SSE ? (c->got_first || c->done) : (c->state == C_IDLE || c->state == C_DEAD))
      r++;
  }
  return r;
}

static void next_step(uv_timer_t* t) {
  (void)t;
  g_holding = 0;
  g_step++;
  g_ramp_t0 = uv_hrtime();
  g_ready_base = g_opened;
}

static void step_tick(uv_timer_t* t) {
  (void)t;
  uint64_t now = uv_hrtime();
  if (g_t0 == 0) g_t0 = now, g_ramp_t0 = now;
  if (now - g_t0 > g_timeout_ns) {
    finish_and_exit();
    return;
  }
  if (g_step < g_nsteps && !g_holding) {
    long target = g_steps[g_step];
    long allowed = g_ready_base + (long)((double)(now - g_ramp_t0) / 1e9 * g_ramp) + 1;
    if (allowed > target) allowed = target;
    long connecting = 0;
    for (long i = 0; i < g_opened; i++) connecting += g_conns[i].state == C_CONNECTING;
    while (g_opened < allowed && connecting < 256) {
      conn_connect(&g_conns[g_opened++]);
      connecting++;
    }
    if (g_opened == target && count_ready() == target) {
      printf("ready %ld\n", target);
      fflush(stdout);
      int n = snprintf(g_ready_json + g_ready_len, sizeof g_ready_json - g_ready_len, "%s%ld",
                       g_ready_len ? "," : "", target);
      if (n > 0) g_ready_len += (size_t)n;
      g_holding = 1;
      uv_timer_start(&g_hold_timer, next_step, g_hold_ms, 0);
    }
    return;
  }
  if (g_step >= g_nsteps) {
    if (g_mode == M_HOLD) {
      finish_and_exit();
      return;
    }
    long active = 0;
    for (long i = 0; i < g_opened; i++) active += !g_conns[i].done && g_conns[i].state != C_DEAD;
    if (active == 0) finish_and_exit();
  }
}

/* ---------------------------------------------------------------- health mode */

static uint64_t g_start_realtime;

static uint64_t realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void health_retry(uv_timer_t* t);
static uv_timer_t g_retry_timer;
static conn_t g_health_conn;

/* ---------------------------------------------------------------- connections */

static void on_close_reconnect(uv_handle_t* h) {
  conn_t* c = h->data;
  if (g_mode == M_RATE) conn_connect(c);
  if (g_mode == M_HEALTH) uv_timer_start(&g_retry_timer, health_retry, 1, 0);
}

static void conn_drop(conn_t* c, int reconnect) {
  if (c->state == C_DEAD || uv_is_closing((uv_handle_t*)&c->tcp)) return;
  c->state = C_DEAD;
  uv_close((uv_handle_t*)&c->tcp, reconnect ? on_close_reconnect : NULL);
}

static int on_headers_complete(llhttp_t* p) {
  conn_t* c = p->data;
  c->status = p->status_code;
  if (g_mode == M_HEALTH && c->status == 200) {
    uint64_t now = realtime_ns();
    printf("{\"mode\":\"health\",\"ms\":%.2f}\n", (double)(now - g_start_realtime) / 1e6);
    fflush(stdout);
    exit(0);
  }
  return 0;
}

static int on_body(llhttp_t* p, const char* at, size_t len) {
  conn_t* c = p->data;
  if (g_mode == M_SSE) sse_feed(c, at, len);
  return 0;
}

static int on_message_complete(llhttp_t* p) {
  conn_t* c = p->data;
  uint64_t now = uv_hrtime();
  if (c->status < 200 || c->status > 299) g_non2xx++;
  if (g_mode == M_RATE) {
    g_completed++;
    g_last_done = now;
    if (c->t_due >= g_warm_until) {
      push(&g_lat, now - c->t_due);
      g_recorded++;
      if (g_trace_n < g_trace_cap) {
        g_trace[g_trace_n][0] = c->t_due - g_t0;
        g_trace[g_trace_n][1] = now - c->t_due;
        g_trace_n++;
      }
    }
    c->state = C_IDLE;
    rate_dispatch();
  } else if (g_mode == M_SSE) {
    if (c->evlen > 0) sse_event(c, c->ev, c->evlen), c->evlen = 0;
    if (c->expect_seq < g_events_total) g_ev_lost += g_events_total - c->expect_seq;
    c->done = 1;
    c->state = C_IDLE;
    g_streams_done++;
  } else if (g_mode == M_HOLD) {
    c->state = C_IDLE;
  } else if (g_mode == M_HEALTH) {
    conn_drop(c, 1);
  }
  return HPE_OK;
}

static void on_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  (void)size;
  static char slab[262144];
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  conn_t* c = s->data;
  if (n == 0) return;
  g_read_ns = uv_hrtime();
  if (n < 0) {
    if (g_mode == M_HEALTH) {
      conn_drop(c, 1);
      return;
    }
    if (c->state == C_BUSY)
      g_errors++;
    else if (!(g_mode == M_SSE && c->done))
      g_closed_by_server++;
    if (g_mode == M_SSE && !c->done) {
      g_ev_lost += g_events_total - c->expect_seq;
      c->done = 1;
    }
    conn_drop(c, g_mode == M_RATE);
    return;
  }
  if (!c->got_first && c->state == C_BUSY) {
    c->got_first = 1;
    c->t_first = g_read_ns;
    if (g_mode == M_SSE) push(&g_ttfb, g_read_ns - c->t_sent);
  }
  if (llhttp_execute(&c->parser, buf->base, (size_t)n) != HPE_OK) {
    g_errors++;
    if (g_mode == M_SSE && !c->done) {
      g_ev_lost += g_events_total - c->expect_seq;
      c->done = 1;
    }
    conn_drop(c, g_mode == M_RATE || g_mode == M_HEALTH);
  }
}

static void on_written(uv_write_t* w, int status) {
  conn_t* c = w->data;
  if (status < 0 && c->state != C_DEAD) {
    g_errors++;
    conn_drop(c, g_mode == M_RATE || g_mode == M_HEALTH);
  }
}

static void start_request(conn_t* c) {
  c->state = C_BUSY;
  c->got_first = 0;
  c->t_sent = uv_hrtime();
  uv_buf_t b = uv_buf_init(g_req, (unsigned)g_req_len);
  c->wreq.data = c;
  if (uv_write(&c->wreq, (uv_stream_t*)&c->tcp, &b, 1, on_written) != 0) {
    g_errors++;
    conn_drop(c, g_mode == M_RATE || g_mode == M_HEALTH);
  }
}

static void on_connect(uv_connect_t* r, int status) {
  conn_t* c = r->data;
  if (status < 0) {
    if (g_mode != M_HEALTH) g_errors++;
    if (g_mode == M_SSE && !c->done) {
      g_ev_lost += g_events_total;
      c->done = 1;
    }
    conn_drop(c, g_mode == M_HEALTH);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  llhttp_init(&c->parser, HTTP_RESPONSE, &g_settings);
  c->parser.data = c;
  uv_read_start((uv_stream_t*)&c->tcp, on_alloc, on_read);
  if (g_mode == M_RATE) {
    c->state = C_IDLE;
    g_connected++;
    rate_dispatch();
  } else {
    start_request(c);
  }
}

static void conn_connect(conn_t* c) {
  memset(&c->parser, 0, sizeof c->parser);
  c->state = C_CONNECTING;
  c->evlen = 0;
  c->expect_seq = 0;
  uv_tcp_init(g_loop, &c->tcp);
  c->tcp.data = c;
  c->creq.data = c;
  int rc = uv_tcp_connect(&c->creq, &c->tcp, (const struct sockaddr*)&g_addr, on_connect);
  if (rc != 0) {
    g_errors++;
    conn_drop(c, 0);
  }
}

static void health_retry(uv_timer_t* t) {
  (void)t;
  if (realtime_ns() - g_start_realtime > g_timeout_ns) {
    fprintf(stderr, "httpbench: /health did not answer 200 in time\n");
    exit(1);
  }
  conn_connect(&g_health_conn);
}

/* ---------------------------------------------------------------- output */

static void write_trace(void) {
  FILE* f = fopen(g_trace_path, "w");
  if (!f) {
    perror(g_trace_path);
    return;
  }
  static char buf[1 << 16];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  for (size_t i = 0; i < g_trace_n; i++)
    fprintf(f, "%llu %.1f\n", (unsigned long long)(g_trace[i][0] / 1000),
            (double)g_trace[i][1] / 1000.0);
  if (fclose(f) != 0) perror(g_trace_path);
}

static void finish_and_exit(void) {
  if (g_mode == M_RATE) {
    if (g_trace) write_trace();
    double secs = (double)(g_t_end - g_t0) / 1e9;
    /* Completions per second from the start to the last answer: below the target rate, the
     * server did not keep up (its queue grew during the run). */
    double achieved =
        g_last_done > g_t0 ? (double)g_completed * 1e9 / (double)(g_last_done - g_t0) : 0;
    int overloaded = g_unfinished > 0 || g_qtail < g_issued || achieved < 0.97 * g_rate;
    printf(
        "{\"mode\":\"rate\",\"target_rps\":%.0f,\"seconds\":%.2f,\"issued\":%llu,"
        "\"recorded\":%ld,\"unfinished\":%ld,\"errors\":%ld,\"non2xx\":%ld,"
        "\"achieved_rps\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,"
        "\"overloaded\":%s}\n",
        g_rate, secs, (unsigned long long)g_issued, g_recorded, g_unfinished, g_errors, g_non2xx,
        achieved, pct_us(&g_lat, 50), pct_us(&g_lat, 99), pct_us(&g_lat, 100),
        overloaded ? "true" : "false");
  } else if (g_mode == M_SSE) {
    long started = g_opened;
    printf(
        "{\"mode\":\"sse\",\"streams\":%ld,\"completed\":%ld,\"errors\":%ld,\"non2xx\":%ld,"
        "\"ready\":[%s],\"events_per_stream\":%ld,\"events_received\":%ld,"
        "\"events_lost\":%ld,\"events_merged\":%ld,\"events_reordered\":%ld,"
        "\"ttfb_p50_us\":%.1f,\"ttfb_p99_us\":%.1f,"
        "\"event_p50_us\":%.1f,\"event_p99_us\":%.1f,\"event_max_us\":%.1f}\n",
        started, g_streams_done, g_errors, g_non2xx, g_ready_json, g_events_total, g_ev_received,
        g_ev_lost, g_ev_merged, g_ev_reordered, pct_us(&g_ttfb, 50), pct_us(&g_ttfb, 99),
        pct_us(&g_evlat, 50), pct_us(&g_evlat, 99), pct_us(&g_evlat, 100));
  } else if (g_mode == M_HOLD) {
    printf(
        "{\"mode\":\"hold\",\"opened\":%ld,\"ready\":[%s],\"errors\":%ld,\"non2xx\":%ld,"
        "\"closed_by_server\":%ld}\n",
        g_opened, g_ready_json, g_errors, g_non2xx, g_closed_by_server);
  }
  fflush(stdout);
  exit(0);
}

static long* parse_steps(const char* s, int* n) {
  long* out = calloc(64, sizeof *out);
  *n = 0;
  while (*s && *n < 64) {
    out[(*n)++] = strtol(s, (char**)&s, 10);
    if (*s == ',') s++;
  }
  return out;
}

static void usage(void) {
  fprintf(stderr,
          "usage: httpbench rate HOST PORT BODY KEY RATE SECONDS CONNS\n"
          "       httpbench sse  HOST PORT BODY KEY STEPS RAMP EVENTS HOLD_MS TIMEOUT_S\n"
          "       httpbench hold HOST PORT BODY KEY STEPS RAMP HOLD_MS\n"
          "       httpbench wait-health HOST PORT TIMEOUT_MS START_REALTIME_NS\n");
  exit(2);
}

int main(int argc, char** argv) {
  if (argc < 4) usage();
  signal(SIGPIPE, SIG_IGN);
  g_loop = uv_default_loop();
  g_host = argv[2];
  g_port = atoi(argv[3]);
  if (uv_ip4_addr(g_host, g_port, &g_addr) != 0) usage();
  llhttp_settings_init(&g_settings);
  g_settings.on_headers_complete = on_headers_complete;
  g_settings.on_body = on_body;
  g_settings.on_message_complete = on_message_complete;
  const char* mode = argv[1];

  if (strcmp(mode, "rate") == 0 && argc == 9) {
    g_mode = M_RATE;
    build_request(argv[4], argv[5]);
    g_rate = atof(argv[6]);
    double secs = atof(argv[7]);
    g_nconns = atoi(argv[8]);
    g_t_end = (uint64_t)(secs * 1e9);
    g_warm_until = (uint64_t)(secs * 1e8);
    g_qcap = (size_t)(g_rate * secs) + 16;
    g_queue = malloc(g_qcap * sizeof *g_queue);
    g_trace_path = getenv("HTTPBENCH_TRACE");
    if (g_trace_path && *g_trace_path) {
      g_trace_cap = g_qcap;
      g_trace = malloc(g_trace_cap * sizeof *g_trace);
      if (!g_trace) {
        perror("HTTPBENCH_TRACE");
        return 1;
      }
      /* Touch the pages now, not on the measured path. */
      memset(g_trace, 0, g_trace_cap * sizeof *g_trace);
    }
    g_conns = calloc((size_t)g_nconns, sizeof *g_conns);
    for (int i = 0; i < g_nconns; i++) conn_connect(&g_conns[i]);
    /* Tick every request interval, between 50 us and 1 ms. */
    double tick_ns = 1e9 / g_rate;
    if (tick_ns < 50e3) tick_ns = 50e3;
    if (tick_ns > 1e6) tick_ns = 1e6;
    g_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct itimerspec its = {{0, (long)tick_ns}, {0, (long)tick_ns}};
    if (g_tfd < 0 || timerfd_settime(g_tfd, 0, &its, NULL) != 0) {
      perror("timerfd");
      return 1;
    }
    uv_poll_init(g_loop, &g_tick_poll, g_tfd);
    uv_poll_start(&g_tick_poll, UV_READABLE, rate_tick);
  } else if ((strcmp(mode, "sse") == 0 && argc == 11) || (strcmp(mode, "hold") == 0 && argc == 9)) {
    g_mode = mode[0] == 's' ? M_SSE : M_HOLD;
    build_request(argv[4], argv[5]);
    g_steps = parse_steps(argv[6], &g_nsteps);
    g_ramp = atof(argv[7]);
    if (g_mode == M_SSE) {
      g_events_total = atol(argv[8]);
      g_hold_ms = (uint64_t)atoll(argv[9]);
      g_timeout_ns = (uint64_t)(atof(argv[10]) * 1e9);
    } else {
      g_hold_ms = (uint64_t)atoll(argv[8]);
      g_timeout_ns = 300ull * 1000000000ull;
    }
    long max = 0;
    for (int i = 0; i < g_nsteps; i++)
      if (g_steps[i] > max) max = g_steps[i];
    g_conns = calloc((size_t)max, sizeof *g_conns);
    uv_timer_init(g_loop, &g_tick);
    uv_timer_init(g_loop, &g_hold_timer);
    uv_timer_start(&g_tick, step_tick, 1, 5);
  } else if (strcmp(mode, "wait-health") == 0 && argc == 6) {
    g_mode = M_HEALTH;
    build_request(NULL, NULL);
    g_timeout_ns = (uint64_t)atoll(argv[4]) * 1000000ull;
    g_start_realtime = strtoull(argv[5], NULL, 10);
    uv_timer_init(g_loop, &g_retry_timer);
    conn_connect(&g_health_conn);
  } else {
    usage();
  }
  uv_run(g_loop, UV_RUN_DEFAULT);
  finish_and_exit();
  return 0;
}
