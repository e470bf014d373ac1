/* Paced SSE mock for bench/run: answers every request with an Anthropic-shaped event stream
 * (message_start, content_block_start, N content_block_delta events one interval apart,
 * content_block_stop, message_delta, message_stop), chunked, on a keep-alive connection.
 * Every event's JSON carries "seq" (0, 1, 2, ...) and "sent_ns" (uv_hrtime(), i.e.
 * CLOCK_MONOTONIC, taken just before the write), so a client on the same machine can compute
 * each event's delivery latency and check that none is lost, merged or reordered.
 *
 * Usage: sse_server PORT DELTAS INTERVAL_MS      (listens on 127.0.0.1:PORT)
 */
#include <llhttp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static int g_deltas = 10;
static uint64_t g_interval_ms = 500;
static llhttp_settings_t g_settings;

typedef struct conn {
  uv_tcp_t tcp;
  uv_timer_t timer;
  llhttp_t parser;
  int seq;       /* next event sequence number */
  int streaming; /* a response is in progress */
  int closing;
} conn_t;

typedef struct {
  uv_write_t req;
  char data[];
} wbuf_t;

static void on_written(uv_write_t* req, int status) {
  (void)status;
  free(req);
}

static void on_timer_closed(uv_handle_t* h) {
  free(h->data);
}

static void on_tcp_closed(uv_handle_t* h) {
  conn_t* c = h->data;
  uv_close((uv_handle_t*)&c->timer, on_timer_closed);
}

static void conn_close(conn_t* c) {
  if (c->closing) return;
  c->closing = 1;
  uv_timer_stop(&c->timer);
  /* The socket first, then the timer; the timer's close callback frees the connection. */
  uv_close((uv_handle_t*)&c->tcp, on_tcp_closed);
}

/* Appends one SSE event as one HTTP chunk to out; returns bytes written. */
static int add_event(conn_t* c, char* out, size_t cap, const char* type, const char* json_head) {
  char ev[1024];
  int n = snprintf(ev, sizeof ev, "event: %s\ndata: {%s,\"seq\":%d,\"sent_ns\":%llu}\n\n", type,
                   json_head, c->seq++, (unsigned long long)uv_hrtime());
  return snprintf(out, cap, "%x\r\n%s\r\n", n, ev);
}

static void send_bytes(conn_t* c, const char* s, size_t n) {
  wbuf_t* w = malloc(sizeof(wbuf_t) + n);
  memcpy(w->data, s, n);
  uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
  if (uv_write(&w->req, (uv_stream_t*)&c->tcp, &b, 1, on_written) != 0) {
    free(w);
    conn_close(c);
  }
}

static void on_tick(uv_timer_t* t) {
  conn_t* c = t->data;
  char out[4096];
  int n = 0;
  int delta_index = c->seq - 2; /* events 0 and 1 are message_start and content_block_start */
  n += add_event(c, out + n, sizeof out - n, "content_block_delta",
                 "\"type\":\"content_block_delta\",\"index\":0,"
                 "\"delta\":{\"type\":\"text_delta\",\"text\":\"bench token \"}");
  if (delta_index + 1 >= g_deltas) {
    uv_timer_stop(t);
    n += add_event(c, out + n, sizeof out - n, "content_block_stop",
                   "\"type\":\"content_block_stop\",\"index\":0");
    char head[256];
    snprintf(head, sizeof head,
             "\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
             "\"stop_sequence\":null},\"usage\":{\"output_tokens\":%d}",
             g_deltas);
    n += add_event(c, out + n, sizeof out - n, "message_delta", head);
    n += add_event(c, out + n, sizeof out - n, "message_stop", "\"type\":\"message_stop\"");
    n += snprintf(out + n, sizeof out - n, "0\r\n\r\n");
    c->streaming = 0;
  }
  send_bytes(c, out, (size_t)n);
}

static int on_message_complete(llhttp_t* p) {
  conn_t* c = p->data;
  if (c->streaming) return 0;
  c->streaming = 1;
  c->seq = 0;
  char out[4096];
  int n = snprintf(out, sizeof out,
                   "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                   "Cache-Control: no-cache\r\nrequest-id: req_bench\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n");
  n += add_event(c, out + n, sizeof out - n, "message_start",
                 "\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":"
                 "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                 "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
                 "\"input_tokens\":5000,\"cache_read_input_tokens\":0,\"output_tokens\":1}}");
  n += add_event(c, out + n, sizeof out - n, "content_block_start",
                 "\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":"
                 "\"text\",\"text\":\"\"}");
  send_bytes(c, out, (size_t)n);
  uv_timer_start(&c->timer, on_tick, g_interval_ms, g_interval_ms);
  return 0;
}

static void on_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  (void)size;
  static char slab[65536];
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  conn_t* c = s->data;
  if (n < 0) {
    conn_close(c);
    return;
  }
  if (n == 0) return;
  if (llhttp_execute(&c->parser, buf->base, (size_t)n) != HPE_OK) conn_close(c);
}

static void on_connection(uv_stream_t* server, int status) {
  if (status < 0) return;
  conn_t* c = calloc(1, sizeof *c);
  uv_tcp_init(server->loop, &c->tcp);
  uv_timer_init(server->loop, &c->timer);
  c->tcp.data = c;
  c->timer.data = c;
  llhttp_init(&c->parser, HTTP_REQUEST, &g_settings);
  c->parser.data = c;
  if (uv_accept(server, (uv_stream_t*)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  uv_read_start((uv_stream_t*)&c->tcp, on_alloc, on_read);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s PORT DELTAS INTERVAL_MS\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int port = atoi(argv[1]);
  g_deltas = atoi(argv[2]);
  g_interval_ms = (uint64_t)atoll(argv[3]);
  if (g_deltas < 1) g_deltas = 1;
  llhttp_settings_init(&g_settings);
  g_settings.on_message_complete = on_message_complete;
  uv_loop_t* loop = uv_default_loop();
  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  struct sockaddr_in addr;
  uv_ip4_addr("127.0.0.1", port, &addr);
  int rc = uv_tcp_bind(&server, (const struct sockaddr*)&addr, 0);
  if (rc == 0) rc = uv_listen((uv_stream_t*)&server, 4096, on_connection);
  if (rc != 0) {
    fprintf(stderr, "sse_server: listen 127.0.0.1:%d: %s\n", port, uv_strerror(rc));
    return 1;
  }
  return uv_run(loop, UV_RUN_DEFAULT);
}
