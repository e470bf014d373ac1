#include "core/obs/redact.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace relay {
namespace {

constexpr std::string_view kMask = "[REDACTED]";

// Keys whose value is a secret wherever they appear: JSON bodies, headers, query strings.
constexpr std::array<std::string_view, 17> kSecretKeys = {
    "refresh_token", "access_token", "id_token", "session_token", "token",
    "api_key",       "api-key",      "apikey",   "x-api-key",     "x-goog-api-key",
    "client_secret", "secret",       "password", "authorization", "proxy-authorization",
    "cookie",        "set-cookie"};

// Keys whose value is a credential after an optional scheme word ("Bearer abc").
constexpr std::array<std::string_view, 2> kAuthorizationKeys = {"authorization",
                                                                "proxy-authorization"};

// Keys whose unquoted value runs to the end of the line ("a=1; b=2" is one cookie header).
constexpr std::array<std::string_view, 2> kWholeLineKeys = {"cookie", "set-cookie"};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Characters of bearer tokens and keys (base64url, JWT dots, base64 padding).
bool isTokenChar(char c) {
  return isWordChar(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

bool startsWithNoCase(std::string_view text, size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (lower(text[pos + i]) != word[i]) return false;
  }
  return true;
}

bool atWordStart(std::string_view text, size_t pos) {
  return pos == 0 || !isWordChar(text[pos - 1]);
}

size_t skipWhile(std::string_view text, size_t pos, bool (*pred)(char)) {
  while (pos < text.size() && pred(text[pos])) ++pos;
  return pos;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t';
}

bool isLineEnd(char c) {
  return c == '\r' || c == '\n';
}

template <size_t N>
bool isOneOf(std::string_view key, const std::array<std::string_view, N>& keys) {
  for (std::string_view k : keys)
    if (k == key) return true;
  return false;
}

// A quote, or a quote escaped once or more (JSON inside a JSON string: \"k\":\"v\").
// Returns the position after it, and whether it was escaped; npos when there is none.
size_t skipQuote(std::string_view text, size_t p, bool* escaped) {
  size_t q = p;
  while (q < text.size() && text[q] == '\\') ++q;
  if (q >= text.size() || (text[q] != '"' && text[q] != '\'')) return std::string_view::npos;
  *escaped = q > p;
  return q + 1;
}

bool isValueEnd(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '&' || c == ';' ||
         c == '}' || c == '"' || c == '\'';
}

// A match replaces text[pos, end) with text[pos, keep) + kMask.
struct Match {
  size_t keep = 0;
  size_t end = 0;
};

// `prefix` followed by at least `min_len` token characters.
bool matchPrefixedToken(std::string_view text, size_t pos, std::string_view prefix, size_t min_len,
                        bool (*pred)(char), Match* m) {
  if (!atWordStart(text, pos) || !startsWithNoCase(text, pos, prefix)) return false;
  size_t start = pos + prefix.size();
  size_t end = skipWhile(text, start, pred);
  if (end - start < min_len) return false;
  *m = {start, end};
  return true;
}

// Finds the end of a value starting at `pos`: a quoted one ends at its closing quote.
size_t valueEnd(std::string_view text, size_t pos, char quote) {
  while (pos < text.size()) {
    char c = text[pos];
    if (quote != 0) {
      if (c == '\\' && pos + 1 < text.size()) {
        pos += 2;
        continue;
      }
      if (c == quote) break;
    } else if (isValueEnd(c)) {
      break;
    }
    ++pos;
  }
  return pos;
}

// Where the value starting at `p` ends, by how it was opened.
size_t valueEndFor(std::string_view text, size_t p, std::string_view key, char quote,
                   bool escaped) {
  if (escaped) {  // ends where the escaped closing quote begins
    while (p < text.size() && text[p] != '\\') ++p;
    return p;
  }
  if (quote == 0 && isOneOf(key, kWholeLineKeys)) {
    while (p < text.size() && !isLineEnd(text[p])) ++p;
    return p;
  }
  return valueEnd(text, p, quote);
}

// `key` then an optional closing quote, `:` or `=`, an optional opening quote and the value.
bool matchKeyValue(std::string_view text, size_t pos, std::string_view key, Match* m) {
  if (!startsWithNoCase(text, pos, key)) return false;
  size_t p = pos + key.size();
  if (p < text.size() && isWordChar(text[p])) return false;
  bool escaped = false;
  if (size_t q = skipQuote(text, p, &escaped); q != std::string_view::npos) p = q;
  p = skipWhile(text, p, isSpace);
  if (p >= text.size() || (text[p] != ':' && text[p] != '=')) return false;
  p = skipWhile(text, p + 1, isSpace);
  char quote = 0;
  escaped = false;
  if (size_t q = skipQuote(text, p, &escaped); q != std::string_view::npos) {
    quote = text[q - 1];
    p = q;
  }
  // "Bearer abc": the scheme stays readable, the credential goes.
  if (isOneOf(key, kAuthorizationKeys)) {
    size_t word = skipWhile(text, p, isWordChar);
    if (word > p && word < text.size() && text[word] == ' ') p = word + 1;
  }
  size_t end = valueEndFor(text, p, key, quote, escaped);
  if (end == p) return false;
  *m = {p, end};
  return true;
}

bool matchSecretKey(std::string_view text, size_t pos, Match* m) {
  if (!atWordStart(text, pos)) return false;
  char first = lower(text[pos]);
  for (std::string_view key : kSecretKeys) {
    if (key[0] == first && matchKeyValue(text, pos, key, m)) return true;
  }
  // A `?key=` query parameter; a bare `key=` elsewhere is too common to mask.
  if (pos > 0 && (text[pos - 1] == '?' || text[pos - 1] == '&')) {
    return matchKeyValue(text, pos, "key", m);
  }
  return false;
}

bool matchAt(std::string_view text, size_t pos, Match* m) {
  switch (lower(text[pos])) {
    case 's':
      return matchPrefixedToken(text, pos, "sk-", 16, isWordChar, m) ||
             matchSecretKey(text, pos, m);
    case 'b':
      return matchPrefixedToken(text, pos, "bearer ", 1, isTokenChar, m) ||
             matchPrefixedToken(text, pos, "basic ", 1, isTokenChar, m);
    case 'a':
    case 'r':
    case 'i':
    case 'x':
    case 'c':
    case 'p':
    case 'k':
    case 't':
      return matchSecretKey(text, pos, m);
    default:
      return false;
  }
}

constexpr size_t kMinPrefix = 3;         // shorter prefixes would mask ordinary words
constexpr size_t kMinPrefixedToken = 8;  // token characters after a registered prefix

using PrefixList = std::vector<std::string>;  // lower-case
using SecretList = std::vector<std::string>;

// The registered prefixes and exact secrets: read on every log line, written rarely. A writer
// publishes new lists under the mutex and bumps the generation; each thread keeps the lists it
// took last and takes the mutex again only when the generation moved, so a line takes no lock
// and touches no shared reference count.
struct Registry {
  std::mutex mu;
  std::shared_ptr<const PrefixList> prefixes = std::make_shared<const PrefixList>();
  std::shared_ptr<const SecretList> secrets = std::make_shared<const SecretList>();
  std::atomic<uint64_t> generation{1};
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: late log lines at exit stay safe
  return *r;
}

struct Snapshot {
  uint64_t generation = 0;
  std::shared_ptr<const PrefixList> prefixes;
  std::shared_ptr<const SecretList> secrets;
};

const Snapshot& snapshot() {
  thread_local Snapshot mine;
  Registry& r = registry();
  if (r.generation.load(std::memory_order_acquire) != mine.generation) {
    std::lock_guard<std::mutex> lock(r.mu);
    mine.prefixes = r.prefixes;
    mine.secrets = r.secrets;
    mine.generation = r.generation.load(std::memory_order_relaxed);
  }
  return mine;
}

// A registered prefix and the token after it; a trailing dot ends a sentence, not the token.
bool matchRegisteredPrefix(std::string_view text, size_t pos, const PrefixList& prefixes,
                           Match* m) {
  char first = lower(text[pos]);
  for (const std::string& prefix : prefixes) {
    if (prefix[0] != first) continue;
    Match found;
    if (!matchPrefixedToken(text, pos, prefix, 1, isTokenChar, &found)) continue;
    while (found.end > found.keep && text[found.end - 1] == '.') --found.end;
    if (found.end - found.keep < kMinPrefixedToken) continue;
    *m = found;
    return true;
  }
  return false;
}

// The thread's working buffers: reused, so redacting a line allocates nothing once they grew.
struct Scratch {
  std::string masked;
  std::string next;
};

Scratch& scratch() {
  thread_local Scratch mine;
  return mine;
}

// text with every registered secret replaced; text itself when none occurs.
std::string_view maskExactSecrets(std::string_view text, const SecretList& secrets) {
  Scratch& s = scratch();
  bool masked = false;
  for (const std::string& secret : secrets) {
    std::string_view current = masked ? std::string_view(s.masked) : text;
    if (current.find(secret) == std::string_view::npos) continue;
    s.next.clear();
    size_t pos = 0;
    for (size_t hit; (hit = current.find(secret, pos)) != std::string_view::npos;) {
      s.next.append(current.substr(pos, hit - pos)).append(kMask);
      pos = hit + secret.size();
    }
    s.next.append(current.substr(pos));
    s.masked.swap(s.next);
    masked = true;
  }
  return masked ? std::string_view(s.masked) : text;
}

void appendPatternsRedacted(std::string& out, std::string_view text, const PrefixList& prefixes) {
  size_t pos = 0;
  size_t copied = 0;  // text[copied, pos) is still to be appended
  while (pos < text.size()) {
    Match m;
    // Every shape starts a word: elsewhere nothing needs trying.
    if (atWordStart(text, pos) &&
        ((!prefixes.empty() && matchRegisteredPrefix(text, pos, prefixes, &m)) ||
         matchAt(text, pos, &m))) {
      out.append(text.substr(copied, m.keep - copied));
      out.append(kMask);
      pos = copied = m.end;
      continue;
    }
    ++pos;
  }
  out.append(text.substr(copied));
}

// Writers copy the list, change the copy and publish it.
template <class List, class Change>
void publish(std::shared_ptr<const List> Registry::*slot, Change change) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto next = std::make_shared<List>(*(r.*slot));
  if (!change(*next)) return;
  // Longest first: "sk-xyz-" wins over a plugin's shorter "sk-", and a secret that contains
  // another is masked whole.
  std::stable_sort(next->begin(), next->end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  r.*slot = std::move(next);
  r.generation.fetch_add(1, std::memory_order_release);
}

}  // namespace

void addSecretPrefix(std::string_view prefix) {
  if (prefix.size() < kMinPrefix) return;
  std::string lowered(prefix);
  for (char& c : lowered) c = lower(c);
  publish(&Registry::prefixes, [&](PrefixList& list) {
    if (std::find(list.begin(), list.end(), lowered) != list.end()) return false;
    list.push_back(std::move(lowered));
    return true;
  });
}

void addRedactedValue(std::string_view secret) {
  if (secret.size() < kMinRedactedValue) return;
  publish(&Registry::secrets, [&](SecretList& list) {
    if (std::find(list.begin(), list.end(), secret) != list.end()) return false;
    list.emplace_back(secret);
    return true;
  });
}

void clearRedactedValues() {
  publish(&Registry::secrets, [](SecretList& list) {
    list.clear();
    return true;
  });
}

void appendRedacted(std::string& out, std::string_view text) {
  const Snapshot& snap = snapshot();
  appendPatternsRedacted(out, maskExactSecrets(text, *snap.secrets), *snap.prefixes);
}

std::string redactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  appendRedacted(out, text);
  return out;
}

}  // namespace relay
