#include "filters/sticky_session/session_key.h"

#include <openssl/evp.h>

#include <initializer_list>
#include <memory>
#include <vector>

#include "core/formats/session_fields.h"

namespace relay {

namespace {

using Texts = std::vector<std::string_view>;  // views into the body

constexpr size_t kHashHexChars = 32;

// Assigned to `key`, whose memory is reused.
void scopedKey(std::string_view key_id, std::string_view source, std::string_view value,
               std::string& key) {
  std::string_view scope = key_id.empty() ? std::string_view("-") : key_id;
  key.clear();
  key.reserve(scope.size() + source.size() + value.size() + 2);
  key.append(scope).append(1, ':').append(source).append(1, ':').append(value);
}

// Text decoded on the way to a key (a user id holds escaped JSON): this thread's buffer, so a warm
// loop decodes into memory it already has. A huge one is not kept.
constexpr size_t kMaxKeptScratch = 16 * 1024;

std::string& scratchBuffer() {
  thread_local std::string scratch;
  if (scratch.capacity() > kMaxKeptScratch) std::string().swap(scratch);
  scratch.clear();
  return scratch;
}

// ---- rule 4: hash of the conversation's stable prefix ----

size_t totalSize(const Texts& texts) {
  size_t n = 0;
  for (std::string_view s : texts) n += s.size();
  return n;
}

// First kHashHexChars hex digits of SHA-256 over the groups' texts, concatenated as is.
std::string sha256Prefix(std::initializer_list<const Texts*> groups) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  for (const Texts* group : groups)
    for (std::string_view s : *group)
      if (EVP_DigestUpdate(ctx.get(), s.data(), s.size()) != 1) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1 || len * 2 < kHashHexChars) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(kHashHexChars, '0');
  for (size_t i = 0; i < kHashHexChars / 2; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return hex;
}

void keyFromContentHash(const json::ObjectSkim& body, WireFormat format, std::string_view key_id,
                        std::string& key) {
  formats::HashTexts t;
  formats::collectHashTexts(body, format, t);
  std::string digest;
  if (totalSize(t.cached) > 0)
    digest = sha256Prefix({&t.cached, &t.first});
  else if (totalSize(t.system) > 0)
    digest = sha256Prefix({&t.system});
  else if (totalSize(t.first) > 0)
    digest = sha256Prefix({&t.first});
  if (!digest.empty()) scopedKey(key_id, "hash", digest, key);
}

void derive(const Request& req, WireFormat format, std::string_view key_id,
            const json::ObjectSkim* skim, std::string& key) {
  // Rule 1 needs no body: its client always sends the header, so its bodies are never read.
  if (formats::SessionId h = formats::sessionFromHeaderOnly(req); !h.value.empty())
    return scopedKey(key_id, h.source, h.value, key);

  // The route filter's skim of this body when there is one; otherwise the body is skimmed here.
  // A body that is not a JSON object, or too deep, gives no key (the route filter answers it).
  json::ObjectSkim own;
  if (skim == nullptr || !skim->describes(req.body)) {
    own = json::skimObject(req.body);
    skim = &own;
  }
  if (!skim->ok) return;

  std::string& scratch = scratchBuffer();
  if (formats::SessionId s = formats::sessionFromUserId(*skim, scratch); !s.value.empty())
    return scopedKey(key_id, s.source, s.value, key);
  if (formats::SessionId s = formats::explicitSessionId(req, *skim, scratch); !s.value.empty())
    return scopedKey(key_id, s.source, s.value, key);
  keyFromContentHash(*skim, format, key_id, key);
}

}  // namespace

void deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id,
                      const json::ObjectSkim* skim, std::string& key) {
  key.clear();
  try {
    derive(req, format, key_id, skim, key);
  } catch (...) {  // only allocation failures can get here; no key is a safe answer
    key.clear();
  }
}

std::string deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id,
                             const json::ObjectSkim* skim) {
  std::string key;
  deriveSessionKey(req, format, key_id, skim, key);
  return key;
}

}  // namespace relay
