#include "json_skim.h"

#include <charconv>
#include <system_error>

#include "json_skim/scan.h"

namespace relay::plugin_common {

namespace {

static_assert(skim::kMaxDepth == kMaxJsonDepth, "the skim nests as deep as parseBoundedJson");

// Four hex digits at p (p + 4 <= end checked by the caller).
bool hex4(const char* p, unsigned* out) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    int h = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (h < 0) return false;
    v = v * 16 + static_cast<unsigned>(h);
  }
  *out = v;
  return true;
}

// The shared scan (lib/json_skim) under parseBoundedJson's rules: RapidJSON's default reading
// (bytes above 0x7F unchecked, a NUL ends the text) and numbers refused where the document
// reader refuses them. Members of watched scopes go to the visitor, keys decoded.
class VisitorHandler {
 public:
  static constexpr bool kValidateUtf8 = false;
  static constexpr bool kNulEndsText = true;

  explicit VisitorHandler(JsonSkimVisitor& visitor) : visitor_(visitor) {}

  int rootScope() { return 0; }
  int member(int scope, const skim::Value& key, const skim::Value& value) {
    std::string_view name = key.text;
    if (key.escaped) {
      key_scratch_ = decodeJsonString(key.text);
      name = key_scratch_;
    }
    JsonSkimValue v;
    v.kind = static_cast<JsonSkimValue::Kind>(value.kind);
    v.text = value.text;
    v.escaped = value.escaped;
    return visitor_.member(scope, name, v);
  }
  void memberEnd(int, const skim::Value&, std::string_view) {}
  // numberInRange for a number whose form is known: integers that fit need no double.
  bool number(std::string_view text, bool integral) {
    if (integral && integerFits(text)) return true;
    return numberInRange(text);
  }

 private:
  JsonSkimVisitor& visitor_;
  std::string key_scratch_;
};

static_assert(static_cast<int>(skim::Value::Kind::kArray) ==
                  static_cast<int>(JsonSkimValue::Kind::kArray) &&
              static_cast<int>(skim::Value::Kind::kNumber) ==
                  static_cast<int>(JsonSkimValue::Kind::kNumber));

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
  VisitorHandler handler(visitor);
  skim::Outcome r = skim::scan(text, handler);
  switch (r.error) {
    case skim::Error::kNone:
      return JsonParse::kOk;
    case skim::Error::kTooDeep:
      return JsonParse::kTooDeep;
    case skim::Error::kNumberRejected:
      return JsonParse::kNumberOutOfRange;
    default:
      return JsonParse::kMalformed;
  }
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
