#include "gemini_host.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace relay::gemini {

namespace {
std::atomic<const relay_host_t*> g_host{nullptr};
}

void setHost(const relay_host_t* h) {
  g_host.store(h);
}
const relay_host_t* host() {
  return g_host.load();
}

void logLine(uint32_t level, std::string_view message) {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, log)) return;
  std::string line = "gemini: ";
  line.append(message);
  h->log(level, toSlice(line));
}

int64_t nowMs() {
  const relay_host_t* h = host();
  if (h && RELAY_HOST_HAS(h, now_ms)) return h->now_ms();
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view headerValue(const relay_header_t* headers, size_t count, std::string_view name) {
  for (size_t i = 0; i < count && headers; ++i) {
    if (equalsIgnoreCase(toView(headers[i].name), name)) return toView(headers[i].value);
  }
  return {};
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

}  // namespace relay::gemini
