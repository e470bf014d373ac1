#include "json_skim.h"

#include <charconv>
#include <cstring>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace relay::plugin_common {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

// Nonzero when some byte of w is below n (n <= 128).
constexpr uint64_t hasByteBelow(uint64_t w, uint64_t n) {
  return (w - kOnes * n) & ~w & kHighs;
}

constexpr uint64_t hasByte(uint64_t w, uint64_t b) {
  return hasByteBelow(w ^ (kOnes * b), 1);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p (p + 4 <= end checked by the caller).
bool hex4(const char* p, unsigned* out) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    int h = hexValue(p[i]);
    if (h < 0) return false;
    v = v * 16 + static_cast<unsigned>(h);
  }
  *out = v;
  return true;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

class Skimmer {
 public:
  Skimmer(std::string_view text, JsonSkimVisitor& visitor)
      : p_(text.data()), end_(text.data() + text.size()), visitor_(visitor) {}

  JsonParse run() {
    skipSpace();
    if (!value(0, 0)) return status_;
    skipSpace();
    // RapidJSON reads a NUL as the end of its input: what follows one is not looked at.
    return p_ == end_ || *p_ == '\0' ? JsonParse::kOk : JsonParse::kMalformed;
  }

 private:
  void skipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool fail(JsonParse status) {
    status_ = status;
    return false;
  }

  // One value at p_; an object's members are shown in `scope` (its nesting level is depth + 1).
  bool value(int depth, int scope) {
    if (p_ == end_) return fail(JsonParse::kMalformed);
    switch (*p_) {
      case '{':
        return object(depth + 1, scope);
      case '[':
        return array(depth + 1);
      case '"': {
        JsonSkimValue v;
        return string(&v);
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default: {
        JsonSkimValue v;
        return number(&v);
      }
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()))
      return fail(JsonParse::kMalformed);
    p_ += word.size();
    return true;
  }

  bool string(JsonSkimValue* v) {
    const char* start = ++p_;  // past the opening quote
    bool escaped = false;
    for (;;) {
      skipPlainBytes();
      if (p_ == end_) return fail(JsonParse::kMalformed);
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return fail(JsonParse::kMalformed);
      ++p_;
      if (c != '\\') continue;
      escaped = true;
      if (p_ == end_) return fail(JsonParse::kMalformed);
      char e = *p_++;
      if (e == 'u') {
        unsigned cp = 0;
        if (end_ - p_ < 4 || !hex4(p_, &cp)) return fail(JsonParse::kMalformed);
        p_ += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
          unsigned low = 0;
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u' || !hex4(p_ + 2, &low) ||
              low < 0xDC00 || low > 0xDFFF)
            return fail(JsonParse::kMalformed);
          p_ += 6;
        }
      } else if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
        return fail(JsonParse::kMalformed);
      }
    }
    v->kind = JsonSkimValue::Kind::kString;
    v->text = std::string_view(start, static_cast<size_t>(p_ - start));
    v->escaped = escaped;
    ++p_;  // the closing quote
    return true;
  }

  // Moves p_ over string bytes that need no look: not a quote, a backslash or a control byte.
  void skipPlainBytes() {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i below_space = _mm_set1_epi8(0x1F);
    while (end_ - p_ >= 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
      __m128i special =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                       _mm_cmpeq_epi8(_mm_min_epu8(x, below_space), x));  // unsigned x <= 0x1F
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special));
      if (mask != 0) {
        p_ += __builtin_ctz(mask);
        return;
      }
      p_ += 16;
    }
#endif
    while (end_ - p_ >= 8) {
      uint64_t w;
      std::memcpy(&w, p_, 8);
      if (hasByte(w, '"') | hasByte(w, '\\') | hasByteBelow(w, 0x20)) return;
      p_ += 8;
    }
  }

  bool digits() {
    if (p_ == end_ || !isDigit(*p_)) return false;
    while (p_ != end_ && isDigit(*p_)) ++p_;
    return true;
  }

  // numberInRange for a number whose form is known: integers that fit need no double.
  static bool inRange(std::string_view text, bool integral) {
    if (integral && integerFits(text)) return true;
    return numberInRange(text);
  }

  bool number(JsonSkimValue* v) {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_) return fail(JsonParse::kMalformed);
    if (*p_ == '0') {
      ++p_;
    } else if (!digits()) {
      return fail(JsonParse::kMalformed);
    }
    bool integral = true;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      integral = false;
      if (!digits()) return fail(JsonParse::kMalformed);
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      integral = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return fail(JsonParse::kMalformed);
    }
    std::string_view text(start, static_cast<size_t>(p_ - start));
    if (!inRange(text, integral)) return fail(JsonParse::kNumberOutOfRange);
    v->kind = JsonSkimValue::Kind::kNumber;
    v->text = text;
    return true;
  }

  bool array(int depth) {
    if (depth > kMaxJsonDepth) return fail(JsonParse::kTooDeep);
    ++p_;
    skipSpace();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (!value(depth, JsonSkimVisitor::kIgnore)) return false;
      skipSpace();
      if (p_ == end_) return fail(JsonParse::kMalformed);
      char c = *p_++;
      if (c == ']') return true;
      if (c != ',') return fail(JsonParse::kMalformed);
      skipSpace();
    }
  }

  bool object(int depth, int scope) {
    if (depth > kMaxJsonDepth) return fail(JsonParse::kTooDeep);
    ++p_;
    skipSpace();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      if (p_ == end_ || *p_ != '"') return fail(JsonParse::kMalformed);
      JsonSkimValue key;
      if (!string(&key)) return false;
      skipSpace();
      if (p_ == end_ || *p_ != ':') return fail(JsonParse::kMalformed);
      ++p_;
      skipSpace();
      if (!member(depth, scope, key)) return false;
      skipSpace();
      if (p_ == end_) return fail(JsonParse::kMalformed);
      char c = *p_++;
      if (c == '}') return true;
      if (c != ',') return fail(JsonParse::kMalformed);
      skipSpace();
    }
  }

  // The value after "key": shown to the visitor when the object's scope is watched.
  bool member(int depth, int scope, const JsonSkimValue& key) {
    if (scope == JsonSkimVisitor::kIgnore) return value(depth, JsonSkimVisitor::kIgnore);
    std::string_view name = key.text;
    if (key.escaped) {
      key_scratch_ = decodeJsonString(key.text);
      name = key_scratch_;
    }
    if (p_ == end_) return fail(JsonParse::kMalformed);
    JsonSkimValue v;
    switch (*p_) {
      case '{': {
        v.kind = JsonSkimValue::Kind::kObject;
        int inner = visitor_.member(scope, name, v);
        return object(depth + 1, inner);
      }
      case '[':
        v.kind = JsonSkimValue::Kind::kArray;
        visitor_.member(scope, name, v);
        return array(depth + 1);
      case '"':
        if (!string(&v)) return false;
        break;
      case 't':
        if (!literal("true")) return false;
        v.kind = JsonSkimValue::Kind::kTrue;
        break;
      case 'f':
        if (!literal("false")) return false;
        v.kind = JsonSkimValue::Kind::kFalse;
        break;
      case 'n':
        if (!literal("null")) return false;
        v.kind = JsonSkimValue::Kind::kNull;
        break;
      default:
        if (!number(&v)) return false;
    }
    visitor_.member(scope, name, v);
    return true;
  }

  const char* p_;
  const char* end_;
  JsonSkimVisitor& visitor_;
  JsonParse status_ = JsonParse::kMalformed;
  std::string key_scratch_;
};

void appendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

JsonParse skimJson(std::string_view text, JsonSkimVisitor& visitor) {
  return Skimmer(text, visitor).run();
}

std::string decodeJsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 >= text.size()) {
      out.push_back(c);
      continue;
    }
    char e = text[++i];
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        unsigned cp = 0;
        if (i + 4 >= text.size() || !hex4(text.data() + i + 1, &cp)) break;
        i += 4;
        unsigned low = 0;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < text.size() && text[i + 1] == '\\' &&
            text[i + 2] == 'u' && hex4(text.data() + i + 3, &low) && low >= 0xDC00 &&
            low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        appendUtf8(out, cp);
        break;
      }
      default:  // '"', '\\', '/'
        out.push_back(e);
    }
  }
  return out;
}

uint64_t jsonNumberAsCount(std::string_view text) {
  if (text.empty()) return 0;
  const char* first = text.data();
  const char* last = first + text.size();
  bool integral = true;
  for (char c : text) integral = integral && c != '.' && c != 'e' && c != 'E';
  if (text.front() != '-' && integral) {
    uint64_t u = 0;
    if (std::from_chars(first, last, u).ec == std::errc()) return u;
  }
  double d = 0;
  if (std::from_chars(first, last, d).ec != std::errc()) return 0;
  // Casting a double beyond the range is undefined: clamp first.
  return !(d > 0) ? 0 : d >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(d);
}

}  // namespace relay::plugin_common
