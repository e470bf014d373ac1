#include "host_calls.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "ascii/equals_ignore_case.h"

namespace relay::plugin_common {

namespace {
std::atomic<const relay_host_t*> g_host{nullptr};
// ASCII only (HTTP names and tokens), as std::tolower in the "C" locale, without its call.
char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}
std::atomic<const char*> g_log_prefix{"plugin"};
}  // namespace

void setHost(const relay_host_t* h, const char* log_prefix) {
  g_log_prefix.store(log_prefix ? log_prefix : "plugin");
  g_host.store(h);
}

const relay_host_t* host() {
  return g_host.load();
}

const char* logPrefix() {
  return g_log_prefix.load();
}

void logLine(uint32_t level, std::string_view message) {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, log)) return;
  std::string line = g_log_prefix.load();
  line += ": ";
  line.append(message);
  h->log(level, toSlice(line));
}

int64_t nowMs() {
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, now_ms)) return h->now_ms();
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool sameLengthEqualsIgnoreCase(std::string_view a, std::string_view b) {
  return ascii::sameLengthEqualsIgnoreCase(a.data(), b.data(), a.size());
}

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equalsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = asciiLower(c);
  return out;
}

const relay_header_t* findHeader(const relay_header_t* headers, size_t count,
                                 std::string_view name) {
  for (size_t i = 0; i < count && headers; ++i) {
    if (equalsIgnoreCase(toView(headers[i].name), name)) return &headers[i];
  }
  return nullptr;
}

std::string_view headerValue(const relay_header_t* headers, size_t count, std::string_view name) {
  const relay_header_t* h = findHeader(headers, count, name);
  return h ? toView(h->value) : std::string_view();
}

std::string percentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int httpCall(relay_host_account_t* account, std::string_view method, std::string_view url,
             const relay_header_t* headers, size_t header_count, std::string_view body,
             uint64_t call_id) {
  relay_http_request_t request{};
  request.struct_size = sizeof(request);
  request.method = toSlice(method);
  request.url = toSlice(url);
  request.headers = headers;
  request.header_count = header_count;
  request.body = toSlice(body);
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, http_call)) return RELAY_ERROR;
  return h->http_call(account, &request, call_id) == RELAY_OK ? RELAY_OK : RELAY_ERROR;
}

bool storePut(relay_host_account_t* account, std::string_view key, std::string_view value) {
  const relay_host_t* h = host();
  return h && RELAY_HOST_HAS(h, store_put) &&
         h->store_put(account, toSlice(key), toSlice(value)) == RELAY_OK;
}

void loginDone(relay_host_account_t* account, int32_t outcome, std::string_view identity,
               std::string_view reason) {
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, login_done))
    h->login_done(account, outcome, toSlice(identity), toSlice(reason));
}

void copyText(char* out, size_t capacity, std::string_view text) {
  if (capacity == 0) return;
  size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
  text.copy(out, n);
  out[n] = '\0';
}

std::string jsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace relay::plugin_common
