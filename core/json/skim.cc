#include "core/json/skim.h"

#include <rapidjson/error/en.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "core/json/bounded_reader.h"
#include "core/json/json_view.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace relay::json {

namespace {

using rapidjson::ParseErrorCode;

bool isSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Bytes that need no attention inside a string: printable ASCII but '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

unsigned hexValue(const char* p) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    v = v * 16 + static_cast<unsigned>(isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0.
size_t utf8Sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  auto cont = [&](size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (p + 1 >= end) return 0;
    unsigned char c1 = p[1];
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (p + 1 >= end) return 0;
    unsigned char c1 = p[1];
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

class Skimmer {
 public:
  explicit Skimmer(std::string_view text)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  ObjectSkim run() {
    ObjectSkim out;
    out.text_data = begin_;
    out.text_size = static_cast<size_t>(end_ - begin_);
    members_ = &out.members;
    out.members.reserve(16);  // a request body has about 5-15 root members: one allocation
    if (!document()) {
      out.members.clear();
      out.error = too_deep_
                      ? std::string(kTooDeepMessage)
                      : std::string("malformed JSON body: ") + rapidjson::GetParseError_En(code_) +
                            " (at byte " + std::to_string(error_at_ - begin_) + ")";
      return out;
    }
    if (!root_is_object_) {
      out.members.clear();
      out.error = "request body must be a JSON object";
      return out;
    }
    out.ok = true;
    return out;
  }

 private:
  bool fail(ParseErrorCode code, const char* at) {
    code_ = code;
    error_at_ = at;
    return false;
  }
  bool atEnd() const { return p_ >= end_; }
  void skipSpace() {
    while (p_ < end_ && isSpace(*p_)) ++p_;
  }

  // The whole text: one value, then only whitespace. Iterative, with the open containers on a
  // fixed stack, so hostile nesting costs no recursion.
  bool document() {
    skipSpace();
    if (atEnd()) return fail(rapidjson::kParseErrorDocumentEmpty, p_);
    root_is_object_ = *p_ == '{';
    bool stack[kMaxJsonDepth];  // true: object
    int depth = 0;
    const char* member_key = nullptr;
    size_t member_key_len = 0;
    bool member_key_escaped = false;
    const char* member_value = nullptr;

  value:
    skipSpace();
    if (atEnd()) return fail(rapidjson::kParseErrorValueInvalid, p_);
    if (depth == 1 && root_is_object_) member_value = p_;
    switch (*p_) {
      case '{':
        if (depth >= kMaxJsonDepth) return tooDeep();
        stack[depth++] = true;
        ++p_;
        skipSpace();
        if (!atEnd() && *p_ == '}') {
          ++p_;
          --depth;
          goto after_value;
        }
        goto member;
      case '[':
        if (depth >= kMaxJsonDepth) return tooDeep();
        stack[depth++] = false;
        ++p_;
        skipSpace();
        if (!atEnd() && *p_ == ']') {
          ++p_;
          --depth;
          goto after_value;
        }
        goto value;
      case '"':
        if (!string(nullptr)) return false;
        goto after_value;
      case 't':
        if (!literal("true")) return false;
        goto after_value;
      case 'f':
        if (!literal("false")) return false;
        goto after_value;
      case 'n':
        if (!literal("null")) return false;
        goto after_value;
      default:
        if (!number()) return false;
        goto after_value;
    }

  member:
    skipSpace();
    if (atEnd() || *p_ != '"') return fail(rapidjson::kParseErrorObjectMissName, p_);
    {
      const char* key = p_ + 1;
      bool escaped = false;
      if (!string(&escaped)) return false;
      if (depth == 1) {
        member_key = key;
        member_key_len = static_cast<size_t>(p_ - 1 - key);
        member_key_escaped = escaped;
      }
    }
    skipSpace();
    if (atEnd() || *p_ != ':') return fail(rapidjson::kParseErrorObjectMissColon, p_);
    ++p_;
    goto value;

  after_value:
    if (depth == 0) {
      skipSpace();
      if (!atEnd()) return fail(rapidjson::kParseErrorDocumentRootNotSingular, p_);
      return true;
    }
    if (depth == 1 && root_is_object_ && member_value != nullptr) {
      members_->push_back({std::string_view(member_key, member_key_len),
                           std::string_view(member_value, static_cast<size_t>(p_ - member_value)),
                           member_key_escaped});
      member_value = nullptr;
    }
    skipSpace();
    if (stack[depth - 1]) {
      if (!atEnd() && *p_ == ',') {
        ++p_;
        goto member;
      }
      if (!atEnd() && *p_ == '}') {
        ++p_;
        --depth;
        goto after_value;
      }
      return fail(rapidjson::kParseErrorObjectMissCommaOrCurlyBracket, p_);
    }
    if (!atEnd() && *p_ == ',') {
      ++p_;
      goto value;
    }
    if (!atEnd() && *p_ == ']') {
      ++p_;
      --depth;
      goto after_value;
    }
    return fail(rapidjson::kParseErrorArrayMissCommaOrSquareBracket, p_);
  }

  bool tooDeep() {
    too_deep_ = true;
    return false;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0)
      return fail(rapidjson::kParseErrorValueInvalid, p_);
    p_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? checked as text; never converted.
  bool number() {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (atEnd() || !isDigit(*p_)) return fail(rapidjson::kParseErrorValueInvalid, start);
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (atEnd() || !isDigit(*p_)) return fail(rapidjson::kParseErrorNumberMissFraction, p_);
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (atEnd() || !isDigit(*p_)) return fail(rapidjson::kParseErrorNumberMissExponent, p_);
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    return true;
  }

  // A string from its opening quote; leaves p_ past the closing one. *escaped (if given) tells
  // whether it held a backslash escape. Most strings hold only plain bytes: one scan finds the
  // closing quote and nothing else runs.
  bool string(bool* escaped) {
    const char* start = p_;
    const char* p = plainRun(p_ + 1, end_);
    if (p < end_ && *p == '"') {
      p_ = p + 1;
      return true;
    }
    p_ = p;
    return stringRest(start, escaped);
  }

  // The rest of a string from the first byte that needs attention (p_): escapes, UTF-8
  // sequences, the closing quote or an invalid byte.
  [[gnu::noinline]] bool stringRest(const char* start, bool* escaped) {
    for (;;) {
      if (atEnd()) return fail(rapidjson::kParseErrorStringMissQuotationMark, start);
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (escaped != nullptr) *escaped = true;
        if (!escape()) return false;
      } else if (c < 0x20) {
        return fail(c == 0 ? rapidjson::kParseErrorStringMissQuotationMark
                           : rapidjson::kParseErrorStringInvalidEncoding,
                    p_);
      } else {
        // Non-ASCII text comes in runs of sequences: validate the whole run here.
        do {
          size_t n = utf8Sequence(reinterpret_cast<const unsigned char*>(p_),
                                  reinterpret_cast<const unsigned char*>(end_));
          if (n == 0) return fail(rapidjson::kParseErrorStringInvalidEncoding, p_);
          p_ += n;
        } while (p_ < end_ && static_cast<unsigned char>(*p_) >= 0x80);
      }
      p_ = plainRun(p_, end_);
    }
  }

  // The first byte in [p, end) that needs attention inside a string, or end: '"', '\\', a
  // control byte (< 0x20) or a non-ASCII byte (>= 0x80). All other bytes are plain.
  static const char* plainRun(const char* p, const char* end) {
#if defined(__SSE2__)
    return plainRunSse2(p, end);
#else
    return plainRunScalar(p, end);
#endif
  }

  static const char* plainRunScalar(const char* p, const char* end) {
    while (p < end && kPlain[static_cast<unsigned char>(*p)]) ++p;
    return p;
  }

#if defined(__SSE2__)
  // 0xFF in each lane holding a byte that needs attention. Signed compare: bytes >= 0x80
  // (non-ASCII) are negative, so they count as below 0x20 too.
  static __m128i special16(__m128i v) {
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                        _mm_cmplt_epi8(v, space));
  }
  static __m128i load16(const char* p) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  }
  static unsigned mask16(const char* p) {
    return static_cast<unsigned>(_mm_movemask_epi8(special16(load16(p))));
  }

  // 16 bytes first (most strings are short), then 64 per step, then 16, then bytewise.
  static const char* plainRunSse2(const char* p, const char* end) {
    if (end - p >= 16) {
      if (unsigned m = mask16(p)) return p + __builtin_ctz(m);
      p += 16;
    }
    while (end - p >= 64) {
      __m128i s0 = special16(load16(p));
      __m128i s1 = special16(load16(p + 16));
      __m128i s2 = special16(load16(p + 32));
      __m128i s3 = special16(load16(p + 48));
      __m128i any = _mm_or_si128(_mm_or_si128(s0, s1), _mm_or_si128(s2, s3));
      if (_mm_movemask_epi8(any) != 0) {
        uint64_t m = static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(s0))) |
                     static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(s1))) << 16 |
                     static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(s2))) << 32 |
                     static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(s3))) << 48;
        return p + __builtin_ctzll(m);
      }
      p += 64;
    }
    while (end - p >= 16) {
      if (unsigned m = mask16(p)) return p + __builtin_ctz(m);
      p += 16;
    }
    return plainRunScalar(p, end);
  }
#endif

  // A backslash escape; \uD800-\uDBFF must be followed by an escaped low surrogate.
  bool escape() {
    const char* start = p_;
    ++p_;
    if (atEnd()) return fail(rapidjson::kParseErrorStringMissQuotationMark, start);
    char c = *p_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u': {
        unsigned cp = 0;
        if (!hex4(&cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
            return fail(rapidjson::kParseErrorStringUnicodeSurrogateInvalid, p_);
          p_ += 2;
          unsigned low = 0;
          if (!hex4(&low)) return false;
          if (low < 0xDC00 || low > 0xDFFF)
            return fail(rapidjson::kParseErrorStringUnicodeSurrogateInvalid, p_);
        }
        return true;
      }
      default:
        return fail(rapidjson::kParseErrorStringEscapeInvalid, start);
    }
  }

  bool hex4(unsigned* out) {
    if (end_ - p_ < 4 || !isHex(p_[0]) || !isHex(p_[1]) || !isHex(p_[2]) || !isHex(p_[3]))
      return fail(rapidjson::kParseErrorStringUnicodeEscapeInvalidHex, p_);
    *out = hexValue(p_);
    p_ += 4;
    return true;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::vector<SkimMember>* members_ = nullptr;
  bool root_is_object_ = false;
  bool too_deep_ = false;
  ParseErrorCode code_ = rapidjson::kParseErrorNone;
  const char* error_at_ = nullptr;
};

}  // namespace

std::string_view ObjectSkim::member(std::string_view name) const {
  for (const SkimMember& m : members)
    if (keyEquals(m.key, m.key_escaped, name)) return m.value;
  return {};
}

ObjectSkim skimObject(std::string_view text) {
  return Skimmer(text).run();
}

}  // namespace relay::json
