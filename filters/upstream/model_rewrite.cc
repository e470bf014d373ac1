#include "filters/upstream/model_rewrite.h"

#include <cstdio>

namespace relay {

namespace {

// A cursor over JSON text that only finds where values start and end (no values are built).
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  size_t pos() const { return i_; }
  void skipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    skipSpace();
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool peek(char c) {
    skipSpace();
    return i_ < s_.size() && s_[i_] == c;
  }
  // A string at the cursor; *raw gets its contents between the quotes (escapes kept).
  bool string(std::string_view* raw) {
    if (!eat('"')) return false;
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
    if (i_ >= s_.size()) return false;
    *raw = s_.substr(start, i_ - start);
    ++i_;
    return true;
  }
  // Any value: strings are skipped whole, containers by counting brackets outside strings.
  bool skipValue() {
    skipSpace();
    if (i_ >= s_.size()) return false;
    std::string_view ignored;
    if (s_[i_] == '"') return string(&ignored);
    if (s_[i_] != '{' && s_[i_] != '[') {
      while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']') ++i_;
      return true;
    }
    size_t depth = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"') {
        if (!string(&ignored)) return false;
        continue;
      }
      ++i_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

std::string jsonEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> rewriteTopLevelModel(std::string_view body, std::string_view model) {
  Scanner sc(body);
  if (!sc.eat('{')) return std::nullopt;
  if (sc.peek('}')) return std::nullopt;
  for (;;) {
    std::string_view key;
    if (!sc.string(&key) || !sc.eat(':')) return std::nullopt;
    if (key == "model" && sc.peek('"')) {
      size_t start = sc.pos();
      std::string_view ignored;
      if (!sc.string(&ignored)) return std::nullopt;
      std::string out;
      out.reserve(body.size() + model.size());
      out.append(body.substr(0, start));
      out += '"';
      out += jsonEscaped(model);
      out += '"';
      out.append(body.substr(sc.pos()));
      return out;
    }
    if (!sc.skipValue()) return std::nullopt;
    if (sc.eat(',')) continue;
    return std::nullopt;  // '}' or malformed: no top-level string "model"
  }
}

}  // namespace relay
