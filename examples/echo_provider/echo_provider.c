/* echo_provider.c: a complete relay provider plugin in one C file (docs/plugins.md).
 *
 * Account type `echo-api`, with one key of its own that the relay core has never heard of:
 *
 *   accounts:
 *     - type: echo-api
 *       id: echo-1
 *       api_url: http://127.0.0.1:8080   # where requests go (required here)
 *       echo_secret: s3cret              # sent upstream as `x-echo-secret`
 *
 * It serves Anthropic-format requests (POST /v1/messages through the built-in routes) by
 * forwarding them unchanged to api_url + the client path, with the secret as a header.
 *
 * Build against the installed header only:
 *   cc -shared -fPIC -O2 -o librelay_echo.so echo_provider.c $(pkg-config --cflags relay-plugin)
 * and load it with `plugins: [/path/to/librelay_echo.so]` in the relay configuration.
 */
#include <relay_plugin.h>
#include <stdio.h>
#include <stdlib.h>

#define ECHO_TEXT_MAX 512

typedef struct echo_account {
  char api_url[ECHO_TEXT_MAX];
  char secret[ECHO_TEXT_MAX];
} echo_account_t;

static const relay_host_t* g_host;
static const char* const kAccountTypes[] = {"echo-api", NULL};
static const char* const kFormats[] = {"anthropic", NULL};
/* Keys every account may have: the relay core reads them, a plugin just accepts them. */
static const char* const kCoreKeys[] = {"type",    "id",    "name",    "priority",  "enabled",
                                        "api_url", "proxy", "ca_file", "model_map", NULL};

static relay_slice_t cstr(const char* s) {
  relay_slice_t out = {s, strlen(s)};
  return out;
}

/* Rejects the account: message, and (ABI 1.1 hosts) the key it is about. */
static void reject(relay_error_t* err, const char* key, const char* message) {
  snprintf(err->message, sizeof err->message, "%s", message);
  if ((g_host->abi_version & 0xffffu) >= 1) snprintf(err->key, sizeof err->key, "%s", key);
}

/* ---- a tiny reader for the account JSON (an object; values may nest) ---- */

typedef struct cursor {
  const char* p;
  const char* end;
} cursor_t;

static void skip_space(cursor_t* c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\t' || *c->p == '\r')) c->p++;
}

/* Reads a JSON string into out (escapes other than \" and \\ kept as written). */
static int read_string(cursor_t* c, char* out, size_t out_size) {
  size_t n = 0;
  if (c->p >= c->end || *c->p != '"') return 0;
  for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
    if (*c->p == '\\' && c->p + 1 < c->end) c->p++;
    if (n + 1 < out_size) out[n++] = *c->p;
  }
  out[n] = '\0';
  if (c->p >= c->end) return 0;
  c->p++;
  return 1;
}

/* Skips any value; returns 1 and sets *is_string when it was a string (copied to out). */
static int read_value(cursor_t* c, char* out, size_t out_size, int* is_string) {
  skip_space(c);
  *is_string = 0;
  if (c->p < c->end && *c->p == '"') {
    *is_string = 1;
    return read_string(c, out, out_size);
  }
  int depth = 0;
  char scratch[8];
  while (c->p < c->end) {
    char ch = *c->p;
    if (ch == '"') {
      if (!read_string(c, scratch, sizeof scratch)) return 0;
      continue;
    }
    if (ch == '{' || ch == '[') depth++;
    if (ch == '}' || ch == ']') {
      if (depth == 0) return 1;
      depth--;
    }
    if (ch == ',' && depth == 0) return 1;
    c->p++;
  }
  return depth == 0;
}

static int is_core_key(const char* key) {
  for (const char* const* k = kCoreKeys; *k; k++)
    if (strcmp(*k, key) == 0) return 1;
  return 0;
}

/* ---- provider hooks ---- */

static relay_plugin_account_t* account_new(relay_host_account_t* host_account, relay_slice_t type,
                                           relay_slice_t config_json, relay_error_t* err) {
  (void)host_account; /* no I/O here: the relay also runs this just to check a config */
  (void)type;
  echo_account_t* a = calloc(1, sizeof *a);
  if (!a) return NULL;
  cursor_t c = {config_json.ptr, config_json.ptr + config_json.len};
  skip_space(&c);
  if (c.p >= c.end || *c.p++ != '{') goto malformed;
  for (;;) {
    char key[RELAY_ERROR_KEY_MAX], value[ECHO_TEXT_MAX];
    int is_string;
    skip_space(&c);
    if (c.p < c.end && *c.p == '}') break;
    if (!read_string(&c, key, sizeof key)) goto malformed;
    skip_space(&c);
    if (c.p >= c.end || *c.p++ != ':') goto malformed;
    if (!read_value(&c, value, sizeof value, &is_string)) goto malformed;
    if (strcmp(key, "echo_secret") == 0 || strcmp(key, "api_url") == 0) {
      if (!is_string || value[0] == '\0') {
        reject(err, key, "expected a non-empty string");
        free(a);
        return NULL;
      }
      snprintf(strcmp(key, "api_url") == 0 ? a->api_url : a->secret, ECHO_TEXT_MAX, "%s", value);
    } else if (!is_core_key(key)) {
      reject(err, key, "unknown key (echo-api accounts take echo_secret and api_url)");
      free(a);
      return NULL;
    }
    skip_space(&c);
    if (c.p < c.end && *c.p == ',') c.p++;
  }
  if (!a->secret[0] || !a->api_url[0]) {
    reject(err, "",
           a->secret[0] ? "missing required key 'api_url' for type echo-api"
                        : "missing required key 'echo_secret' for type echo-api");
    free(a);
    return NULL;
  }
  return (relay_plugin_account_t*)a;
malformed:
  reject(err, "", "the account configuration is not a JSON object");
  free(a);
  return NULL;
}

static void account_free(relay_plugin_account_t* account) {
  free(account);
}

static int prepare(relay_plugin_account_t* account, relay_host_request_t* req,
                   const relay_request_view_t* request, relay_error_t* err) {
  (void)err;
  const echo_account_t* a = (const echo_account_t*)account;
  char url[ECHO_TEXT_MAX * 2];
  snprintf(url, sizeof url, "%s%.*s", a->api_url, (int)request->path.len, request->path.ptr);
  g_host->set_upstream(req, request->method, cstr(url));
  g_host->add_header(req, cstr("content-type"), cstr("application/json"));
  g_host->add_header(req, cstr("x-echo-secret"), cstr(a->secret));
  g_host->set_body(req, request->body);
  return RELAY_PREPARE_READY;
}

/* ABI 1.1: what an answer means for the account. */
static void classify_answer(relay_plugin_account_t* account, const relay_request_view_t* request,
                            const relay_answer_t* answer, relay_action_t* out) {
  (void)account;
  (void)request;
  int32_t s = answer->status;
  if (s >= 200 && s < 300) {
    out->kind = RELAY_ACTION_OK;
  } else if (s == 429) {
    out->kind = RELAY_ACTION_COOLDOWN;
    out->ms = 60 * 1000;
    out->failure_class = RELAY_CLASS_RATE_LIMITED;
    snprintf(out->reason, sizeof out->reason, "echo upstream rate limit");
  } else if (s == 0 || s >= 500) {
    out->kind = RELAY_ACTION_SWITCH_ACCOUNT;
    out->failure_class = RELAY_CLASS_TRANSIENT;
  } else if (s == 401 || s == 403) {
    out->kind = RELAY_ACTION_DISABLE;
    out->failure_class = RELAY_CLASS_PERMANENT;
    snprintf(out->reason, sizeof out->reason, "echo upstream refused the secret");
  } else {
    out->kind = RELAY_ACTION_PASS_THROUGH;
  }
}

/* ---- the two exported symbols ---- */

RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host, relay_plugin_t* out) {
  if (!host || (host->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR ||
      !RELAY_HOST_HAS(host, set_upstream) || !RELAY_HOST_HAS(host, add_header) ||
      !RELAY_HOST_HAS(host, set_body))
    return RELAY_ERROR;
  g_host = host;
  relay_plugin_t mine;
  memset(&mine, 0, sizeof mine);
  mine.struct_size = sizeof mine;
  mine.name = "echo";
  mine.account_types = kAccountTypes;
  mine.account_new = account_new;
  mine.account_free = account_free;
  mine.prepare = prepare;
  mine.formats = kFormats;
  mine.classify_answer = classify_answer;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
