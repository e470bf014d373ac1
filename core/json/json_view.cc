#include "core/json/json_view.h"

#include <cstddef>
#include <cstring>

namespace relay::json {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

const char* skipSpace(const char* p, const char* end) {
  while (p < end && isSpace(*p)) ++p;
  return p;
}

// The closing quote of the string whose opening quote is at p, or nullptr when the text ends
// first (never for a checked string; the readers stay in bounds on any bytes all the same).
const char* closingQuote(const char* p, const char* end) {
  ++p;
  for (;;) {
    const void* hit = std::memchr(p, '"', static_cast<size_t>(end - p));
    if (hit == nullptr) return nullptr;
    const char* q = static_cast<const char*>(hit);
    size_t backslashes = 0;
    while (q - backslashes > p && q[-1 - static_cast<std::ptrdiff_t>(backslashes)] == '\\')
      ++backslashes;
    if (backslashes % 2 == 0) return q;
    p = q + 1;
  }
}

// Past the closing quote of the string whose opening quote is at p (end if there is none).
const char* skipString(const char* p, const char* end) {
  const char* q = closingQuote(p, end);
  return q == nullptr ? end : q + 1;
}

// Past the (valid) value starting at p.
const char* skipValue(const char* p, const char* end) {
  if (p >= end) return end;
  char c = *p;
  if (c == '"') return skipString(p, end);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (p < end) {
      char d = *p;
      if (d == '"') {
        p = skipString(p, end);
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return end;
  }
  while (p < end && *p != ',' && *p != '}' && *p != ']' && !isSpace(*p)) ++p;
  return p;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

unsigned hex4(const char* p) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) v = v * 16 + static_cast<unsigned>(hexDigit(p[i]));
  return v;
}

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

// The contents of the string at `text` (between its quotes), and whether it holds an escape.
std::string_view rawString(std::string_view text, bool* escaped) {
  const char* q = closingQuote(text.data(), text.data() + text.size());
  if (q == nullptr) return {};
  std::string_view raw(text.data() + 1, static_cast<size_t>(q - text.data()) - 1);
  *escaped = raw.find('\\') != std::string_view::npos;
  return raw;
}

}  // namespace

std::string decodeJsonString(std::string_view raw) {
  std::string out;
  appendDecodedJsonString(raw, out);
  return out;
}

void appendDecodedJsonString(std::string_view raw, std::string& out) {
  out.reserve(out.size() + raw.size());
  const char* p = raw.data();
  const char* end = p + raw.size();
  while (p < end) {
    const char* slash =
        static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
    if (slash == nullptr) {
      out.append(p, end);
      break;
    }
    out.append(p, slash);
    p = slash + 1;
    if (p >= end) break;
    char c = *p++;
    switch (c) {
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
        if (end - p < 4) return;
        unsigned cp = hex4(p);
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
          unsigned low = hex4(p + 2);
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:  // '"', '\\', '/'
        out.push_back(c);
        break;
    }
  }
}

bool keyEquals(std::string_view raw, bool escaped, std::string_view name) {
  if (!escaped) return raw == name;
  return decodeJsonString(raw) == name;
}

JsonView::JsonView(std::string_view text) {
  const char* p = skipSpace(text.data(), text.data() + text.size());
  text_ = std::string_view(p, static_cast<size_t>(text.data() + text.size() - p));
}

JsonView JsonView::member(std::string_view name) const {
  if (!isObject()) return {};
  const char* end = text_.data() + text_.size();
  const char* p = skipSpace(text_.data() + 1, end);
  while (p < end && *p == '"') {
    const char* key_quote = closingQuote(p, end);
    if (key_quote == nullptr) break;
    std::string_view raw(p + 1, static_cast<size_t>(key_quote - p) - 1);
    p = skipSpace(key_quote + 1, end);
    if (p < end) ++p;  // ':'
    p = skipSpace(p, end);
    const char* value_end = skipValue(p, end);
    bool escaped = raw.find('\\') != std::string_view::npos;
    if (keyEquals(raw, escaped, name))
      return JsonView(std::string_view(p, static_cast<size_t>(value_end - p)));
    p = skipSpace(value_end, end);
    if (p < end && *p == ',') p = skipSpace(p + 1, end);
  }
  return {};
}

JsonView JsonView::firstElement() const {
  ElementCursor cursor(*this);
  JsonView first;
  cursor.next(&first);
  return first;
}

std::string_view JsonView::string(DecodedStrings& keep) const {
  if (!isString()) return {};
  bool escaped = false;
  std::string_view raw = rawString(text_, &escaped);
  if (!escaped) return raw;
  keep.push_back(decodeJsonString(raw));
  return keep.back();
}

std::string_view JsonView::stringIn(std::string& scratch) const {
  if (!isString()) return {};
  bool escaped = false;
  std::string_view raw = rawString(text_, &escaped);
  if (!escaped) return raw;
  scratch.clear();
  appendDecodedJsonString(raw, scratch);
  return scratch;
}

void JsonView::assignStringTo(std::string& out) const {
  out.clear();
  if (!isString()) return;
  bool escaped = false;
  std::string_view raw = rawString(text_, &escaped);
  if (escaped)
    appendDecodedJsonString(raw, out);
  else
    out.assign(raw);
}

std::string JsonView::stringCopy() const {
  std::string out;
  assignStringTo(out);
  return out;
}

ElementCursor::ElementCursor(const JsonView& array) {
  if (!array.isArray()) return;
  end_ = array.text().data() + array.text().size();
  p_ = skipSpace(array.text().data() + 1, end_);
}

bool ElementCursor::next(JsonView* out) {
  if (p_ == nullptr || p_ >= end_ || *p_ == ']') return false;
  const char* value_end = skipValue(p_, end_);
  *out = JsonView(std::string_view(p_, static_cast<size_t>(value_end - p_)));
  p_ = skipSpace(value_end, end_);
  if (p_ < end_ && *p_ == ',') p_ = skipSpace(p_ + 1, end_);
  return true;
}

}  // namespace relay::json
