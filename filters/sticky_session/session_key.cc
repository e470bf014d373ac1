#include "filters/sticky_session/session_key.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <initializer_list>
#include <memory>
#include <vector>

#include "core/formats/session_fields.h"
#include "core/json/bounded_document.h"

namespace relay {

namespace {

using JsonValue = rapidjson::Value;
using Texts = std::vector<std::string_view>;  // views into the parsed body

constexpr size_t kHashHexChars = 32;

std::string scopedKey(std::string_view key_id, std::string_view source, std::string_view value) {
  std::string_view scope = key_id.empty() ? std::string_view("-") : key_id;
  std::string key;
  key.reserve(scope.size() + source.size() + value.size() + 2);
  key.append(scope).append(1, ':').append(source).append(1, ':').append(value);
  return key;
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

std::string keyFromContentHash(const JsonValue& body, WireFormat format, std::string_view key_id) {
  formats::HashTexts t;
  formats::collectHashTexts(body, format, t);
  std::string digest;
  if (totalSize(t.cached) > 0)
    digest = sha256Prefix({&t.cached, &t.first});
  else if (totalSize(t.system) > 0)
    digest = sha256Prefix({&t.system});
  else if (totalSize(t.first) > 0)
    digest = sha256Prefix({&t.first});
  return digest.empty() ? std::string() : scopedKey(key_id, "hash", digest);
}

std::string derive(const Request& req, WireFormat format, std::string_view key_id) {
  // Rule 1 needs no body: its client always sends the header, so its bodies are never parsed.
  if (formats::SessionId h = formats::sessionFromHeaderOnly(req); !h.value.empty())
    return scopedKey(key_id, h.source, h.value);

  // The NUL-terminated form lets RapidJSON use its SIMD scanners when the build enables them
  // (RAPIDJSON_SSE2/SSE42/NEON; ~10x on large bodies). A NUL would end the text early, so a body
  // holding one counts as malformed. Too deep a body gives no key (the route filter answers it).
  if (req.body.find('\0') != std::string::npos) return {};
  rapidjson::Document body;
  rapidjson::StringStream in(req.body.c_str());
  if (json::parseWithoutNumbers(in, body) != json::BoundedParse::kOk || !body.IsObject()) return {};

  if (formats::SessionId s = formats::sessionFromUserId(body); !s.value.empty())
    return scopedKey(key_id, s.source, s.value);
  if (formats::SessionId s = formats::explicitSessionId(req, body); !s.value.empty())
    return scopedKey(key_id, s.source, s.value);
  return keyFromContentHash(body, format, key_id);
}

}  // namespace

std::string deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id) {
  try {
    return derive(req, format, key_id);
  } catch (...) {  // only allocation failures can get here; no key is a safe answer
    return {};
  }
}

}  // namespace relay
