#include "json_support.h"

#include <rapidjson/error/en.h>

namespace relay::openai {

void reject(const std::string& message) {
  throw RequestRejected(400, message);
}

bool nestsDeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

void parseClientJson(std::string_view text, rapidjson::Document& doc, const char* what) {
  if (nestsDeeperThan(text, kMaxJsonDepth)) {
    reject(std::string(what) + " nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    reject(std::string(what) +
           " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) +
           " at offset " + std::to_string(doc.GetErrorOffset()));
  }
}

bool parseUpstreamJson(std::string_view text, rapidjson::Document& doc) {
  if (nestsDeeperThan(text, kMaxUpstreamJsonDepth)) return false;
  doc.Parse(text.data(), text.size());
  return !doc.HasParseError();
}

std::string toJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  return std::string(written(buffer));
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::optional<std::string_view> stringMember(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* v = member(object, name);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string_view(v->GetString(), v->GetStringLength());
}

std::string_view stringOr(const rapidjson::Value& object, const char* name,
                          std::string_view fallback) {
  return stringMember(object, name).value_or(fallback);
}

std::optional<int64_t> intMember(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* v = member(object, name);
  if (!v) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsDouble() && v->GetDouble() == static_cast<double>(static_cast<int64_t>(v->GetDouble())))
    return static_cast<int64_t>(v->GetDouble());
  return std::nullopt;
}

uint64_t uintOr(const rapidjson::Value& object, const char* name, uint64_t fallback) {
  const rapidjson::Value* v = member(object, name);
  return v && v->IsUint64() ? v->GetUint64() : fallback;
}

bool boolOr(const rapidjson::Value& object, const char* name, bool fallback) {
  const rapidjson::Value* v = member(object, name);
  return v && v->IsBool() ? v->GetBool() : fallback;
}

namespace {
const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int v = decodeChar(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace relay::openai
