// One validating pass over JSON text, shared by the core's request-body skim
// (core/json/skim.cc) and the in-tree plugins' readers of upstream answers
// (plugins/common/json_skim.cc). Header only, dependency-free (the standard library and SSE2
// intrinsics): it knows no relay type and no provider, so a plugin compiles it in without
// depending on the core, and a plugin built outside the tree needs nothing of it.
//
// The grammar (RFC 8259), nesting at most kMaxDepth levels (iterative, with the open containers
// on a fixed stack: hostile nesting costs no recursion) and, when the handler asks, UTF-8
// validity in strings (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) are
// checked over the whole text. Numbers are checked as text and never converted here (no
// conversion can overflow: CVE-2024-38517); the handler sees each number's text. Nothing is
// built: the handler is shown the members of the objects it watches, as views into the text.
#ifndef RELAY_LIB_JSON_SKIM_SCAN_H
#define RELAY_LIB_JSON_SKIM_SCAN_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "json_skim/unchecked_skip.h"
#include "json_skim/utf8_sequence.h"

namespace relay::skim {

inline constexpr int kMaxDepth = 128;  // containers open at once, the root included
inline constexpr int kIgnore = -1;     // a scope whose members the handler is not shown
// For a handler with kSkipsUnchecked: an object or array nobody reads, skipped without checking
// its grammar (only nesting and UTF-8: unchecked_skip.h).
inline constexpr int kSkipUnchecked = -2;
static_assert(kMaxDepth == unchecked::kDepthLimit);

// Why a text was refused, in the terms of RapidJSON's ParseErrorCode (whose sentences the core
// shows clients), plus the two guards.
enum class Error : unsigned char {
  kNone,
  kDocumentEmpty,
  kRootNotSingular,
  kValueInvalid,
  kObjectMissName,
  kObjectMissColon,
  kObjectMissCommaOrCurlyBracket,
  kArrayMissCommaOrSquareBracket,
  kStringUnicodeEscapeInvalidHex,
  kStringUnicodeSurrogateInvalid,
  kStringEscapeInvalid,
  kStringMissQuotationMark,
  kStringInvalidEncoding,
  kNumberMissFraction,
  kNumberMissExponent,
  kTooDeep,         // more than kMaxDepth containers open
  kNumberRejected,  // the handler's number() refused it
};

struct Outcome {
  Error error = Error::kNone;
  size_t offset = 0;  // where the error was found (bytes from the start of the text)
  bool ok() const { return error == Error::kNone; }
};

// A key or a value. Strings: the text between the quotes, escapes not decoded (escaped says
// whether there are any). Numbers: the number's text. Empty for the other kinds.
struct Value {
  enum class Kind : unsigned char { kNull, kFalse, kTrue, kNumber, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  std::string_view text;
  bool escaped = false;
};

// What scan() asks of its Handler:
//   static constexpr bool kValidateUtf8;  strings must hold well-formed UTF-8 (else bytes at or
//                                         above 0x80 pass unchecked, as RapidJSON's default)
//   static constexpr bool kNulEndsText;   a NUL after the value ends the text (RapidJSON reading
//                                         a C string); else it is a second value, refused
//   int rootScope();                      the scope of a root object's members (or kIgnore)
//   int member(int scope, const Value& key, const Value& value);
//       A member of an object in a watched scope. Objects and arrays are shown when they open
//       (text empty); for an object the result is the scope its members are shown in (kIgnore:
//       skimmed unseen). Scalars are shown once read; the result is ignored. Members are shown
//       as they are read: a text found invalid later still showed them.
//   void memberEnd(int scope, const Value& key, std::string_view value_text);
//       The same member once its whole value is read: value_text is the value's JSON text.
//   static constexpr bool kSkipsUnchecked;  (optional) member() may answer kSkipUnchecked for
//                                         an object or array: it is then skipped with only the
//                                         nesting limit and UTF-8 validity checked, its grammar
//                                         not (a reader of the text refuses it), and no number in
//                                         it is shown
//   bool number(std::string_view text, bool integral);
//       Every number (watched or not), grammar checked; false refuses the text (kNumberRejected).
// Handlers are templates arguments, not virtual: everything the text does not need inlines away.
template <class Handler>
Outcome scan(std::string_view text, Handler& handler);

namespace detail {

inline bool isSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
inline bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Bytes that need no attention inside a string: from 0x20 up but '"' and '\\', and when UTF-8
// is validated, ASCII only.
template <bool kAsciiOnly>
inline constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < (kAsciiOnly ? 0x80 : 0x100); ++c)
    t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

inline unsigned hexValue(const char* p) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    v = v * 16 + static_cast<unsigned>(isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

template <bool kAsciiOnly>
inline const char* plainRunScalar(const char* p, const char* end) {
  while (p < end && kPlain<kAsciiOnly>[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

#if defined(__SSE2__)
// 0xFF in each lane holding a byte that needs attention.
template <bool kAsciiOnly>
inline __m128i special16(__m128i v) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  __m128i low;
  if constexpr (kAsciiOnly) {
    // Signed compare: bytes >= 0x80 (non-ASCII) are negative, so they count as below 0x20 too.
    low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  } else {
    // Unsigned v <= 0x1F: only control bytes.
    low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
  }
  return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), low);
}
inline __m128i load16(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
template <bool kAsciiOnly>
inline unsigned mask16(const char* p) {
  return static_cast<unsigned>(_mm_movemask_epi8(special16<kAsciiOnly>(load16(p))));
}
#endif

// The first byte in [p, end) that needs attention inside a string, or end: '"', '\\', a control
// byte (< 0x20) and, when kAsciiOnly, a non-ASCII byte (>= 0x80). With SSE2: 16 bytes first
// (most strings are short), then 64 per step, then 16, then bytewise.
template <bool kAsciiOnly>
inline const char* plainRun(const char* p, const char* end) {
#if defined(__SSE2__)
  if (end - p >= 16) {
    if (unsigned m = mask16<kAsciiOnly>(p)) return p + __builtin_ctz(m);
    p += 16;
  }
  while (end - p >= 64) {
    __m128i s0 = special16<kAsciiOnly>(load16(p));
    __m128i s1 = special16<kAsciiOnly>(load16(p + 16));
    __m128i s2 = special16<kAsciiOnly>(load16(p + 32));
    __m128i s3 = special16<kAsciiOnly>(load16(p + 48));
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
    if (unsigned m = mask16<kAsciiOnly>(p)) return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  return plainRunScalar<kAsciiOnly>(p, end);
}

template <class Handler>
class Scanner {
  using Kind = Value::Kind;
  static constexpr bool kUtf8 = Handler::kValidateUtf8;

 public:
  Scanner(std::string_view text, Handler& handler)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), h_(handler) {}

  Outcome run() {
    if (document()) return {};
    return {error_, static_cast<size_t>(error_at_ - begin_)};
  }

 private:
  // An object in a watched scope and the member being read in it. Trivial, so the stack below
  // costs nothing until used.
  struct Frame {
    int scope;
    bool key_escaped;
    const char* key;
    size_t key_size;
    const char* value;
  };

  bool fail(Error error, const char* at) {
    error_ = error;
    error_at_ = at;
    return false;
  }
  bool atEnd() const { return p_ >= end_; }
  void skipSpace() {
    while (p_ < end_ && isSpace(*p_)) ++p_;
  }

  // Shows the member being read in `f`.
  int shown(const Frame& f, Kind kind, std::string_view text = {}, bool escaped = false) {
    return h_.member(f.scope,
                     Value{Kind::kString, std::string_view(f.key, f.key_size), f.key_escaped},
                     Value{kind, text, escaped});
  }

  // The whole text: one value, then only whitespace. The objects the handler watches are walked
  // here; every other value goes to skipValue(), which has nothing to show.
  bool document() {
    skipSpace();
    if (atEnd()) return fail(Error::kDocumentEmpty, p_);
    int scope = *p_ == '{' ? h_.rootScope() : kIgnore;
    if (scope == kIgnore) return skipValue(0) && textEnd();
    Frame stack[kMaxDepth];  // the watched objects open, the root first
    int depth = 0;

  open:  // a watched object at p_ ('{'), its members shown in `scope`
    if (depth >= kMaxDepth) return fail(Error::kTooDeep, p_);
    stack[depth++].scope = scope;
    ++p_;
    skipSpace();
    if (!atEnd() && *p_ == '}') {
      ++p_;
      goto close;
    }

  member:
    skipSpace();
    if (atEnd() || *p_ != '"') return fail(Error::kObjectMissName, p_);
    {
      Frame& f = stack[depth - 1];
      f.key = p_ + 1;
      f.key_escaped = false;
      if (!string(&f.key_escaped)) return false;
      f.key_size = static_cast<size_t>(p_ - 1 - f.key);
      skipSpace();
      if (atEnd() || *p_ != ':') return fail(Error::kObjectMissColon, p_);
      ++p_;
      skipSpace();
      if (atEnd()) return fail(Error::kValueInvalid, p_);
      f.value = p_;
      switch (*p_) {
        case '{':
          if (depth >= kMaxDepth) return fail(Error::kTooDeep, p_);
          scope = shown(f, Kind::kObject);
          if (uncheckedAnswer(scope)) {
            if (!skipUnchecked(depth)) return false;
            break;
          }
          if (scope != kIgnore) goto open;
          if (!skipValue(depth)) return false;
          break;
        case '[':
          if (uncheckedAnswer(shown(f, Kind::kArray))) {
            if (!skipUnchecked(depth)) return false;
            break;
          }
          if (!skipValue(depth)) return false;
          break;
        case '"': {
          bool escaped = false;
          if (!string(&escaped)) return false;
          shown(f, Kind::kString,
                std::string_view(f.value + 1, static_cast<size_t>(p_ - 2 - f.value)), escaped);
          break;
        }
        case 't':
          if (!literal("true")) return false;
          shown(f, Kind::kTrue);
          break;
        case 'f':
          if (!literal("false")) return false;
          shown(f, Kind::kFalse);
          break;
        case 'n':
          if (!literal("null")) return false;
          shown(f, Kind::kNull);
          break;
        default: {
          std::string_view text;
          if (!number(&text)) return false;
          shown(f, Kind::kNumber, text);
        }
      }
    }

  member_end :  // the value of the top object's member is read
  {
    const Frame& f = stack[depth - 1];
    h_.memberEnd(f.scope, Value{Kind::kString, std::string_view(f.key, f.key_size), f.key_escaped},
                 std::string_view(f.value, static_cast<size_t>(p_ - f.value)));
  }
    skipSpace();
    if (!atEnd() && *p_ == ',') {
      ++p_;
      goto member;
    }
    if (!atEnd() && *p_ == '}') {
      ++p_;
      goto close;
    }
    return fail(Error::kObjectMissCommaOrCurlyBracket, p_);

  close:  // the top watched object ended (p_ is past it)
    if (--depth == 0) return textEnd();
    goto member_end;  // it was the value of a member of the one below
  }

  static bool uncheckedAnswer(int answer) {
    if constexpr (requires { Handler::kSkipsUnchecked; })
      return Handler::kSkipsUnchecked && answer == kSkipUnchecked;
    return false;
  }

  // The object or array at p_, inside `depth` open containers, that nobody reads: only nesting
  // and UTF-8 are checked (unchecked_skip.h). When the text ends inside it, the checking skip
  // runs over it again to name the error as it always did.
  [[gnu::noinline]] bool skipUnchecked(int depth) {
    unchecked::Skip s = unchecked::skipWith(unchecked::bestKernel(), p_, end_, depth);
    switch (s.fault) {
      case unchecked::Fault::kNone:
        p_ = s.stop;
        return true;
      case unchecked::Fault::kTooDeep:
        return fail(Error::kTooDeep, s.stop);
      case unchecked::Fault::kUtf8:
        return fail(Error::kStringInvalidEncoding, s.stop);
      case unchecked::Fault::kUnterminated:
        break;
    }
    if (!skipValue(depth)) return false;
    return fail(Error::kValueInvalid, end_);
  }

  // After the root value: only whitespace (and, if the handler says so, a NUL and anything).
  bool textEnd() {
    skipSpace();
    if (!atEnd() && !(Handler::kNulEndsText && *p_ == '\0'))
      return fail(Error::kRootNotSingular, p_);
    return true;
  }

  // One value from p_, inside `depth` open containers, shown to nobody (numbers still go to
  // the handler's number()). Iterative, with the containers it opens on a fixed stack.
  bool skipValue(int depth) {
    const int base = depth;
    bool stack[kMaxDepth];  // true: object

  value:
    skipSpace();
    if (atEnd()) return fail(Error::kValueInvalid, p_);
    switch (*p_) {
      case '{':
        if (depth >= kMaxDepth) return fail(Error::kTooDeep, p_);
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
        if (depth >= kMaxDepth) return fail(Error::kTooDeep, p_);
        stack[depth++] = false;
        ++p_;
        skipSpace();
        if (!atEnd() && *p_ == ']') {
          ++p_;
          --depth;
          goto after_value;
        }
        goto value;
      case '"': {
        bool escaped = false;
        if (!string(&escaped)) return false;
        goto after_value;
      }
      case 't':
        if (!literal("true")) return false;
        goto after_value;
      case 'f':
        if (!literal("false")) return false;
        goto after_value;
      case 'n':
        if (!literal("null")) return false;
        goto after_value;
      default: {
        std::string_view text;
        if (!number(&text)) return false;
        goto after_value;
      }
    }

  member:
    skipSpace();
    if (atEnd() || *p_ != '"') return fail(Error::kObjectMissName, p_);
    {
      bool escaped = false;
      if (!string(&escaped)) return false;
    }
    skipSpace();
    if (atEnd() || *p_ != ':') return fail(Error::kObjectMissColon, p_);
    ++p_;
    goto value;

  after_value:
    if (depth == base) return true;
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
      return fail(Error::kObjectMissCommaOrCurlyBracket, p_);
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
    return fail(Error::kArrayMissCommaOrSquareBracket, p_);
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0)
      return fail(Error::kValueInvalid, p_);
    p_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? checked as text and never converted; then
  // the handler's number() may refuse it. *text: the number's text.
  bool number(std::string_view* text) {
    const char* start = p_;
    bool integral = true;
    if (*p_ == '-') ++p_;
    if (atEnd() || !isDigit(*p_)) return fail(Error::kValueInvalid, start);
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      integral = false;
      if (atEnd() || !isDigit(*p_)) return fail(Error::kNumberMissFraction, p_);
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      integral = false;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (atEnd() || !isDigit(*p_)) return fail(Error::kNumberMissExponent, p_);
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    *text = std::string_view(start, static_cast<size_t>(p_ - start));
    if (!h_.number(*text, integral)) return fail(Error::kNumberRejected, start);
    return true;
  }

  // A string from its opening quote; leaves p_ past the closing one. *escaped tells whether it
  // held a backslash escape. Most strings hold only plain bytes: one scan finds the closing
  // quote and nothing else runs.
  bool string(bool* escaped) {
    const char* start = p_;
    const char* p = plainRun<kUtf8>(p_ + 1, end_);
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
      if (atEnd()) return fail(Error::kStringMissQuotationMark, start);
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        *escaped = true;
        if (!escape()) return false;
      } else if (c < 0x20) {
        return fail(c == 0 ? Error::kStringMissQuotationMark : Error::kStringInvalidEncoding, p_);
      } else if constexpr (kUtf8) {
        // Non-ASCII text comes in runs of sequences: validate the whole run here.
        do {
          size_t n = utf8Sequence(reinterpret_cast<const unsigned char*>(p_),
                                  reinterpret_cast<const unsigned char*>(end_));
          if (n == 0) return fail(Error::kStringInvalidEncoding, p_);
          p_ += n;
        } while (p_ < end_ && static_cast<unsigned char>(*p_) >= 0x80);
      } else {
        ++p_;  // not reached: plainRun passes every other byte
      }
      p_ = plainRun<kUtf8>(p_, end_);
    }
  }

  // A backslash escape; \uD800-\uDBFF must be followed by an escaped low surrogate.
  bool escape() {
    const char* start = p_;
    ++p_;
    if (atEnd()) return fail(Error::kStringMissQuotationMark, start);
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
            return fail(Error::kStringUnicodeSurrogateInvalid, p_);
          p_ += 2;
          unsigned low = 0;
          if (!hex4(&low)) return false;
          if (low < 0xDC00 || low > 0xDFFF) return fail(Error::kStringUnicodeSurrogateInvalid, p_);
        }
        return true;
      }
      default:
        return fail(Error::kStringEscapeInvalid, start);
    }
  }

  bool hex4(unsigned* out) {
    if (end_ - p_ < 4 || !isHex(p_[0]) || !isHex(p_[1]) || !isHex(p_[2]) || !isHex(p_[3]))
      return fail(Error::kStringUnicodeEscapeInvalidHex, p_);
    *out = hexValue(p_);
    p_ += 4;
    return true;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  Handler& h_;
  Error error_ = Error::kNone;
  const char* error_at_ = nullptr;
};

}  // namespace detail

template <class Handler>
Outcome scan(std::string_view text, Handler& handler) {
  return detail::Scanner<Handler>(text, handler).run();
}

}  // namespace relay::skim

#endif
