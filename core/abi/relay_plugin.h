/* relay_plugin.h: the relay plugin ABI, version 1.3 (changelog: docs/plugins.md).
 *
 * Pure C (C11 and C++20), standard headers only; the only header a plugin includes.
 * Naming: types are relay_*_t; functions the plugin implements are hooks in relay_plugin_t;
 * functions the host implements are callbacks in relay_host_t. Handle names say who owns them:
 * relay_host_* is owned by the host (the plugin never frees it), relay_plugin_* is owned by the
 * plugin (the host never looks inside and hands it back to the plugin's own free hook).
 *
 * Memory: no allocator crosses the boundary. Inputs are borrowed relay_slice_t valid for the
 * duration of the call; plugin output goes through host callbacks, which copy what they keep.
 * Threads: hooks must not block. Account hooks (account_new, refresh, on_http_done) run on the
 * account's loop; request hooks (prepare, response_*, classify, list_models, translator hooks)
 * run on the worker loop that owns the request, so the same account is used from several
 * threads at once: a plugin guards what its request hooks read of account state (e.g. the
 * access token) with its own lock. Async work goes through host->http_call and comes back
 * through on_http_done on the account's loop.
 * Compatibility: both tables begin with struct_size; hooks are only ever appended; a NULL hook
 * or callback means "not supported". Use RELAY_HOST_HAS / RELAY_PLUGIN_HAS before calling one.
 */
#ifndef RELAY_PLUGIN_H
#define RELAY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RELAY_PLUGIN_ABI_MAJOR 1 /* a different major is refused by the host */
#define RELAY_PLUGIN_ABI_MINOR 3 /* a newer minor only appends; the host accepts it */
#define RELAY_PLUGIN_ABI_VERSION \
  ((uint32_t)(((uint32_t)RELAY_PLUGIN_ABI_MAJOR << 16) | (uint32_t)RELAY_PLUGIN_ABI_MINOR))

/* Marks the two exported symbols when a plugin builds with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define RELAY_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define RELAY_PLUGIN_EXPORT
#endif

/* Return codes, the same everywhere (nginx style): few and fixed. */
#define RELAY_OK 0
#define RELAY_ERROR (-1)       /* failed; details went to an error record or the log */
#define RELAY_UNSUPPORTED (-2) /* the callback or hook is not available here */

/* ---- data ------------------------------------------------------------------------------- */

/* Bytes, not NUL-terminated. Borrowed for the duration of the call unless stated otherwise. */
typedef struct relay_slice {
  const char* ptr;
  size_t len;
} relay_slice_t;

/* One HTTP header; both slices borrowed for the duration of the call. */
typedef struct relay_header {
  relay_slice_t name;
  relay_slice_t value;
} relay_header_t;

/* Why something failed, filled by the plugin into a host-owned record (truncate to fit). */
#define RELAY_ERROR_MESSAGE_MAX 512
#define RELAY_ERROR_KEY_MAX 128
typedef struct relay_error {
  int32_t status;                        /* HTTP status for the client; 0 = host chooses */
  char message[RELAY_ERROR_MESSAGE_MAX]; /* NUL-terminated; never a secret */
  /* 1.1: account_new names the offending key of the account mapping, relative to the account
   * ("api_key", "model_map.gpt-4o"); empty = the account as a whole. Write it only when
   * (host->abi_version & 0xffff) >= 1: an older host's record ends before it. */
  char key[RELAY_ERROR_KEY_MAX];
} relay_error_t;

/* The request a provider prepares for upstream; host-owned, borrowed for the call. */
typedef struct relay_request_view {
  uint32_t struct_size;          /* sizeof as the host built it; fields are only appended */
  relay_slice_t method;          /* client method, e.g. "POST" */
  relay_slice_t path;            /* client path without the query, e.g. "/v1/messages" */
  relay_slice_t query;           /* without the '?'; empty when none */
  const relay_header_t* headers; /* client request headers, borrowed for the call */
  size_t header_count;
  relay_slice_t body;          /* provider-format body (after any translation) */
  relay_slice_t model;         /* requested model after the route's model map; may be empty */
  relay_slice_t client_format; /* anthropic, openai-chat, openai-responses, gemini */
  int32_t stream;              /* nonzero: the client asked for an event stream */
} relay_request_view_t;

/* An outbound call a plugin asks the host to make (token refresh, project discovery). */
typedef struct relay_http_request {
  uint32_t struct_size;
  relay_slice_t method;
  relay_slice_t url;
  const relay_header_t* headers; /* borrowed for the call; the host copies what it sends */
  size_t header_count;
  relay_slice_t body;
  uint32_t timeout_ms; /* 0 = the host's default */
} relay_http_request_t;

/* The answer to a relay_http_request_t, handed to on_http_done; borrowed for that call. */
typedef struct relay_http_response {
  uint32_t struct_size;
  int32_t status; /* 0 = no HTTP answer (connect, TLS, proxy or timeout failure) */
  const relay_header_t* headers;
  size_t header_count;
  relay_slice_t body;
  relay_slice_t error; /* why there was no answer when status == 0; empty otherwise */
} relay_http_response_t;

/* Token counts of one request, as the provider reported them. */
typedef struct relay_usage {
  uint32_t struct_size;
  relay_slice_t model; /* the model that served; borrowed for the call */
  uint64_t input_tokens;
  uint64_t output_tokens;
  uint64_t cache_creation_input_tokens;
  uint64_t cache_read_input_tokens;
} relay_usage_t;

/* What failover should do with an upstream answer; filled by classify. */
typedef enum relay_action_kind {
  RELAY_ACTION_OK = 0,                 /* success; clear the account's error counters */
  RELAY_ACTION_RETRY_AFTER = 1,        /* wait ms, retry the same account once */
  RELAY_ACTION_SWITCH_ACCOUNT = 2,     /* no account effect; try the next account */
  RELAY_ACTION_COOLDOWN = 3,           /* account unavailable for ms; next account */
  RELAY_ACTION_DISABLE = 4,            /* account disabled until re-enabled (reason); next */
  RELAY_ACTION_LIMIT_MODEL_FAMILY = 5, /* family limited for ms on this account; next */
  RELAY_ACTION_PASS_THROUGH = 6,       /* no account effect; the client gets the answer */
  /* 1.1: force a credential refresh (p->refresh(account, 1)), then retry the same account once.
   * Only returned from classify_answer, and only when answer->after_forced_refresh is 0. */
  RELAY_ACTION_REFRESH_AND_RETRY = 7
} relay_action_kind_t;

/* 1.1: the class of a failure, for failover's outlier detection and the error the client gets.
 * NONE is what a 1.0 plugin leaves: the host then derives the class from the HTTP status. */
typedef enum relay_failure_class {
  RELAY_CLASS_NONE = 0,         /* success, a client error, or not classified */
  RELAY_CLASS_TRANSIENT = 1,    /* overload, 5xx, transport: the account will likely recover */
  RELAY_CLASS_RATE_LIMITED = 2, /* a quota with a reset (ms says when) */
  RELAY_CLASS_PERMANENT = 3     /* credentials, billing, disabled: needs a person */
} relay_failure_class_t;

#define RELAY_FAMILY_MAX 64
#define RELAY_REASON_MAX 256
typedef struct relay_action {
  uint32_t struct_size;          /* set by the host */
  uint32_t kind;                 /* relay_action_kind_t */
  uint64_t ms;                   /* retry_after / cooldown / limit_model_family: ms from now */
  char family[RELAY_FAMILY_MAX]; /* limit_model_family: e.g. "opus"; NUL-terminated */
  char reason[RELAY_REASON_MAX]; /* disable / cooldown: why, for /health; never a secret */
  /* 1.1 (written only when struct_size covers them; the host zeroes them first): */
  uint32_t failure_class; /* relay_failure_class_t */
  /* A note about a healthy account for /health and `relay-server accounts` (e.g. "5-hour window
   * near its limit"); only read with RELAY_ACTION_OK; empty clears the previous note. */
  char note[RELAY_REASON_MAX];
} relay_action_t;

/* 1.1: an upstream answer (or its absence) handed to classify_answer; borrowed for the call. */
typedef struct relay_answer {
  uint32_t struct_size;
  int32_t status; /* 0 = no HTTP answer (connect, TLS, proxy or timeout failure) */
  const relay_header_t* headers;
  size_t header_count;
  relay_slice_t body_prefix;     /* the first bytes of an error body; empty for a 2xx */
  relay_slice_t transport_error; /* why there was no answer when status == 0 */
  int32_t after_forced_refresh;  /* nonzero: this attempt followed REFRESH_AND_RETRY */
} relay_answer_t;

/* What prepare decided. */
typedef enum relay_prepare_result {
  RELAY_PREPARE_READY = 0,            /* upstream URL, headers and body were set */
  RELAY_PREPARE_NEED_CREDENTIALS = 1, /* refresh started; the host waits for credentials_* */
  RELAY_PREPARE_REJECT = 2            /* this account cannot serve it; err says why */
} relay_prepare_result_t;

typedef enum relay_log_level {
  RELAY_LOG_TRACE = 0,
  RELAY_LOG_DEBUG = 1,
  RELAY_LOG_INFO = 2,
  RELAY_LOG_WARN = 3,
  RELAY_LOG_ERROR = 4
} relay_log_level_t;

/* ---- opaque handles, in owner pairs ------------------------------------------------------ */

/* Host-owned; valid from account_new until account_free returns. */
typedef struct relay_host_account relay_host_account_t;
/* Plugin-owned state of one configured account; the plugin defines the struct. */
typedef struct relay_plugin_account relay_plugin_account_t;
/* Host-owned; valid until the plugin's stream for it is freed (or the hook returns). */
typedef struct relay_host_request relay_host_request_t;
/* Plugin-owned per-request state: a provider response transform or a translator stream. */
typedef struct relay_plugin_stream relay_plugin_stream_t;
/* Plugin-owned translator instance for one format pair; the plugin defines the struct. */
typedef struct relay_plugin_translator relay_plugin_translator_t;
/* Host-owned sink for list_models; valid for the duration of the call. */
typedef struct relay_host_model_list relay_host_model_list_t;

/* ---- host callbacks (the host implements; plugins call host->name) ------------------------ */

typedef struct relay_host {
  uint32_t struct_size; /* sizeof as the host built it: check before calling newer fields */
  uint32_t abi_version; /* the host's RELAY_PLUGIN_ABI_VERSION */

  /* Writes one log line; message borrowed for the call. Plugins prefix their own name. */
  void (*log)(uint32_t level, relay_slice_t message);
  /* Wall-clock time in unix milliseconds. */
  int64_t (*now_ms)(void);

  /* Upstream request being built by prepare (or translate_request): the host copies all. */
  int (*set_upstream)(relay_host_request_t* req, relay_slice_t method, relay_slice_t url);
  int (*add_header)(relay_host_request_t* req, relay_slice_t name, relay_slice_t value);
  /* Replaces the request body: after translate_request, it is the body prepare sees. */
  int (*set_body)(relay_host_request_t* req, relay_slice_t body);

  /* Sends response bytes toward the client (through later transforms); the host copies. */
  int (*emit)(relay_host_request_t* req, relay_slice_t bytes);
  /* Records token usage for the request; usage borrowed for the call. */
  void (*report_usage)(relay_host_request_t* req, const relay_usage_t* usage);

  /* Starts an HTTP call through the account's proxy; the answer arrives later through
   * p->on_http_done(account, call_id, ...) on the account's loop. call_id is the plugin's. */
  int (*http_call)(relay_host_account_t* account, const relay_http_request_t* request,
                   uint64_t call_id);

  /* Small per-account secrets and facts (rotated tokens, project ids), encrypted at rest.
   * store_get returns RELAY_OK and sets *value_out (host-owned, valid until the current hook
   * returns), or RELAY_ERROR when the key is absent. */
  int (*store_get)(relay_host_account_t* account, relay_slice_t key, relay_slice_t* value_out);
  int (*store_put)(relay_host_account_t* account, relay_slice_t key, relay_slice_t value);

  /* Ends a refresh: wakes the requests that got RELAY_PREPARE_NEED_CREDENTIALS. */
  void (*credentials_ready)(relay_host_account_t* account);
  void (*credentials_failed)(relay_host_account_t* account, relay_slice_t reason);

  /* Adds one model to a list_models answer; both slices borrowed for the call. */
  int (*add_model)(relay_host_model_list_t* list, relay_slice_t id, relay_slice_t display_name);

  /* Asks the host to call p->refresh(account) at unix time at_ms (background refresh before
   * expiry); a later call replaces the earlier one. Also tells the host the token's expiry
   * (expires_at_ms, 0 = unknown) for /health and the accounts table. Account's loop only. */
  int (*schedule_refresh)(relay_host_account_t* account, int64_t at_ms, int64_t expires_at_ms);

  /* ---- 1.2: login (`relay-server login`), account's loop only ---- */

  /* login_begin hands the provider's authorize URL (borrowed for the call; the host copies). */
  int (*login_url)(relay_host_account_t* account, relay_slice_t url);
  /* Ends login_exchange or login_import: outcome is a relay_login_outcome_t. On OK the tokens
   * were already written through store_put; identity names who logged in ("a@b.c, Org"; may be
   * empty). reason says why it failed, never a secret. Slices borrowed for the call. */
  void (*login_done)(relay_host_account_t* account, int32_t outcome, relay_slice_t identity,
                     relay_slice_t reason);

  /* ---- 1.3 ---- */

  /* Ends a refresh that failed, saying what the failure means (a relay_failure_class_t):
   * RELAY_CLASS_TRANSIENT: the token endpoint is down, unreachable or answered 5xx; the current
   *   access token stays in use until it expires, then the account cools down and others serve.
   * RELAY_CLASS_PERMANENT: the grant is dead (e.g. invalid_grant, a revoked token); the account
   *   is disabled with reason shown in /health and `relay-server accounts`, and never probed,
   *   until a login or new config tokens replace it.
   * credentials_failed (1.0) means RELAY_CLASS_TRANSIENT. reason borrowed; never a secret. */
  void (*credentials_failed_as)(relay_host_account_t* account, uint32_t failure_class,
                                relay_slice_t reason);
  /* Calls p->on_timer(account, timer_id) on the account's loop at unix time at_ms (or at once
   * when it is past), e.g. to poll a long-running operation. A later call with the same
   * timer_id replaces the earlier one. Account's loop only. */
  int (*start_timer)(relay_host_account_t* account, int64_t at_ms, uint64_t timer_id);
} relay_host_t;

/* 1.2: how a login ended (host->login_done). */
typedef enum relay_login_outcome {
  RELAY_LOGIN_OK = 0,
  RELAY_LOGIN_REJECTED = 1, /* the provider refused the code: expired, used or wrong */
  RELAY_LOGIN_NETWORK = 2,  /* no answer: connect, TLS, proxy or timeout failure */
  RELAY_LOGIN_FAILED = 3    /* anything else (bad answer, unreadable file, refused take-over) */
} relay_login_outcome_t;

/* ---- plugin table (the plugin fills it in relay_plugin_init) ------------------------------ */

typedef struct relay_plugin {
  uint32_t struct_size; /* sizeof as the plugin built it; the host ignores bytes beyond it */
  uint32_t reserved;
  const char* name;                 /* provider name, e.g. "claude"; static, plugin-owned */
  const char* const* account_types; /* NULL-terminated, e.g. {"claude-oauth", NULL}; static */
  const char* const* translations;  /* NULL-terminated "from>to" pairs it converts; static */

  /* Called once before the host unloads the plugin; every handle is already freed. */
  void (*unload)(void);

  /* -- provider hooks -- */

  /* Creates an account of one of account_types from its config (JSON, borrowed for the call).
   * Returns NULL and fills err to reject the configuration. host_account outlives the result. */
  relay_plugin_account_t* (*account_new)(relay_host_account_t* host_account,
                                         relay_slice_t account_type, relay_slice_t config_json,
                                         relay_error_t* err);
  void (*account_free)(relay_plugin_account_t* account);

  /* Builds the upstream request through host->set_upstream / add_header / set_body.
   * request borrowed for the call; err filled on RELAY_PREPARE_REJECT. Returns
   * RELAY_PREPARE_NEED_CREDENTIALS (without starting anything) when the access token is
   * missing or expires within 10 s: the host then runs refresh on the account's loop, one at a
   * time per account, and calls prepare again once credentials_ready/failed is called. */
  int (*prepare)(relay_plugin_account_t* account, relay_host_request_t* req,
                 const relay_request_view_t* request, relay_error_t* err);

  /* Response transform: begin returns a stream (NULL = pass the bytes through unchanged);
   * data writes through host->emit(req, ...) and may keep state across chunks; end frees the
   * stream and is called exactly once, also when the request is aborted. Upstream headers and
   * bytes are borrowed for the call; req stays valid until response_end. */
  relay_plugin_stream_t* (*response_begin)(relay_plugin_account_t* account,
                                           relay_host_request_t* req, int32_t status,
                                           const relay_header_t* headers, size_t header_count);
  int (*response_data)(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end);
  void (*response_end)(relay_plugin_stream_t* stream);

  /* Decides what failover does with an answer (status 0 = transport failure); body_prefix
   * is the first bytes of the body; all inputs borrowed for the call. */
  void (*classify)(relay_plugin_account_t* account, int32_t status, const relay_header_t* headers,
                   size_t header_count, relay_slice_t body_prefix, relay_slice_t model,
                   relay_action_t* action_out);

  /* Starts a credential refresh (via host->http_call); ends with host->credentials_* (also
   * when nothing needed refreshing). force != 0: refresh even if the token looks valid (after
   * an upstream 401). */
  int (*refresh)(relay_plugin_account_t* account, int32_t force);
  /* The answer to host->http_call(..., call_id); response borrowed for the call. */
  void (*on_http_done)(relay_plugin_account_t* account, uint64_t call_id,
                       const relay_http_response_t* response);

  /* Lists the models the account serves through host->add_model(list, ...), without I/O. */
  int (*list_models)(relay_plugin_account_t* account, relay_host_model_list_t* list);

  /* -- translator hooks -- */

  /* Creates a translator for one of translations ("openai-chat>anthropic", borrowed for the
   * call); NULL + err rejects. Lives until translator_free; used only from one loop at a time. */
  relay_plugin_translator_t* (*translator_new)(relay_slice_t pair, relay_error_t* err);
  void (*translator_free)(relay_plugin_translator_t* translator);

  /* Rewrites a client request body into the provider's format through host->set_body.
   * On RELAY_ERROR, err holds the status and message the host renders in the client format. */
  int (*translate_request)(relay_plugin_translator_t* translator, relay_host_request_t* req,
                           relay_slice_t body, relay_error_t* err);
  /* Incremental response translation: stream_data writes through host->emit(req, ...); req
   * stays valid until stream_free, which is called exactly once, also on abort. */
  relay_plugin_stream_t* (*stream_new)(relay_plugin_translator_t* translator,
                                       relay_host_request_t* req);
  int (*stream_data)(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end);
  void (*stream_free)(relay_plugin_stream_t* stream);
  /* Whole-body form of a successful response, written through host->emit(req, ...). */
  int (*translate_response)(relay_plugin_translator_t* translator, relay_host_request_t* req,
                            int32_t status, relay_slice_t body);
  /* Renders a provider error answer in the client's format through host->emit(req, ...). */
  int (*translate_error)(relay_plugin_translator_t* translator, relay_host_request_t* req,
                         int32_t status, relay_slice_t body);

  /* ---- 1.1 ---- */

  /* NULL-terminated client wire formats the provider serves natively, e.g. {"anthropic", NULL};
   * static. A request in another format needs a translator. NULL (a 1.0 plugin) = every
   * format, as 1.0 hosts assumed. */
  const char* const* formats;

  /* Preferred over classify when set: the request that was sent (path, model, format) and the
   * answer. The plugin decides every account effect: a cooldown proposes its length in ms (the
   * host caps it with the failover configuration by failure_class), a rate limit or model
   * limit says when it resets, a 401 may ask for REFRESH_AND_RETRY, an answer that must not
   * touch the account (e.g. a token-count call) is PASS_THROUGH. */
  void (*classify_answer)(relay_plugin_account_t* account, const relay_request_view_t* request,
                          const relay_answer_t* answer, relay_action_t* action_out);

  /* The name under which a model's limits are kept (LIMIT_MODEL_FAMILY's family), e.g. "opus"
   * for "claude-opus-4-1"; writes a NUL-terminated name into out (at most out_size bytes,
   * empty = the model has no family) and returns RELAY_OK. Must not block; any thread. */
  int (*model_family)(relay_slice_t model, char* out, size_t out_size);

  /* Nonzero: the response hooks only observe (e.g. read the usage and report it through
   * host->report_usage). response_data then never calls host->emit: the host forwards the
   * upstream bytes itself, unchanged and without copying them for the plugin, and a whole
   * answer keeps its Content-Length. Zero (every 1.0 plugin): the hooks transform, and the
   * client gets exactly what response_data emits (chunked, as its length is unknown). Check it
   * with RELAY_PLUGIN_RESPONSE_OBSERVES. */
  uint32_t response_observes;

  /* ---- 1.2: login ---- */

  /* Starts an interactive login: writes the provider's authorize URL through host->login_url,
   * built from the account's config, state and the PKCE S256 code_challenge (both made by the
   * host, borrowed for the call). RELAY_OK, or RELAY_ERROR with err filled. */
  int (*login_begin)(relay_plugin_account_t* account, relay_slice_t state,
                     relay_slice_t code_challenge, relay_error_t* err);
  /* Exchanges the code the user pasted back (the host split off and checked the state) at the
   * provider's token endpoint through host->http_call; the answer arrives through on_http_done,
   * and the plugin stores the tokens (host->store_put) and ends with host->login_done. */
  int (*login_exchange)(relay_plugin_account_t* account, relay_slice_t code, relay_slice_t state,
                        relay_slice_t code_verifier);
  /* Takes over the tokens of a provider CLI's credential file: source names the CLI (the word
   * after `--from-`, e.g. "claude-code"), path the file (empty = the CLI's default), take_over
   * nonzero when the user accepted that the CLI may lose that login. Ends with login_done
   * (RELAY_LOGIN_FAILED with the reason when the source is unknown or the user must confirm). */
  int (*login_import)(relay_plugin_account_t* account, relay_slice_t source, relay_slice_t path,
                      int32_t take_over);
  /* The account's stored facts changed outside this process (another process logged in): the
   * plugin re-reads them through host->store_get. Account's loop. */
  void (*credentials_changed)(relay_plugin_account_t* account);

  /* ---- 1.3 ---- */

  /* Durable rotation. After credentials_ready the host commits every value the plugin stored
   * through store_put before it, then calls this on the account's loop: committed != 0 when
   * they are on disk, 0 when the commit still failed after the host's retries (the host has
   * logged it loudly and counted it in /metrics). Only then does the host wake the requests
   * waiting for credentials. A plugin with this hook publishes a rotated access token to its
   * request hooks here, not before: with committed == 0 it keeps the old access token while
   * that is still valid (the new tokens stay in memory and are stored again by the host's
   * later retries). Without the hook (1.2 and older) the host wakes the waiters after the
   * commit attempt whatever its result. */
  void (*credentials_committed)(relay_plugin_account_t* account, int32_t committed);
  /* A timer started with host->start_timer fired. Account's loop. */
  void (*on_timer)(relay_plugin_account_t* account, uint64_t timer_id);
  /* NULL-terminated prefixes of the provider's secret shapes (e.g. "sk-xyz-" for a vendor key
   * "sk-xyz-..."); static. The host masks such a prefix and the token characters after it in
   * every log line, so core keeps no vendor token shapes. */
  const char* const* secret_prefixes;
  /* Per-account response_observes: nonzero when this account's response hooks only observe
   * (e.g. a plain API-key account whose answers pass through unchanged) although others of the
   * plugin's accounts transform. When set, it decides instead of response_observes. Any
   * thread; must not block. */
  uint32_t (*account_response_observes)(relay_plugin_account_t* account);
} relay_plugin_t;

/* True when a table as its owner built it is large enough to hold field and the field is set. */
#define RELAY_HOST_HAS(host, field)                                                \
  ((host)->struct_size >= offsetof(relay_host_t, field) + sizeof((host)->field) && \
   (host)->field != NULL)
#define RELAY_PLUGIN_HAS(plugin, field)                                                  \
  ((plugin)->struct_size >= offsetof(relay_plugin_t, field) + sizeof((plugin)->field) && \
   (plugin)->field != NULL)

/* True when the plugin's response hooks only observe (response_observes, 1.1). */
#define RELAY_PLUGIN_RESPONSE_OBSERVES(plugin)                                                \
  ((plugin)->struct_size >= offsetof(relay_plugin_t, response_observes) + sizeof(uint32_t) && \
   (plugin)->response_observes != 0)

/* The bytes every plugin table must hold: struct_size through translations. */
#define RELAY_PLUGIN_MIN_SIZE (offsetof(relay_plugin_t, translations) + sizeof(const char*))

/* ---- the two exported symbols ------------------------------------------------------------ */

/* Returns the ABI the plugin was built against: RELAY_PLUGIN_ABI_VERSION. */
RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void);

/* Fills out (host-owned, zeroed, out->struct_size = the host's sizeof). The plugin writes at
 * most out->struct_size bytes, sets out->struct_size to what it filled and returns RELAY_OK.
 * host stays valid until unload returns; the plugin may keep the pointer. */
RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host, relay_plugin_t* out);

/* Copies a plugin's own full table into the host's out within both sizes (for plugins). */
static inline void relay_plugin_publish(relay_plugin_t* out, const relay_plugin_t* mine) {
  size_t n = out->struct_size < sizeof(*mine) ? out->struct_size : sizeof(*mine);
  memcpy(out, mine, n);
  out->struct_size = (uint32_t)n;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RELAY_PLUGIN_H */
