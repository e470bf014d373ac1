// Client JSON is read through these guards: nesting at most kMaxJsonDepth deep, and numbers
// taken as text. RapidJSON recurses once per level (a body of '[' would exhaust the stack),
// and Debian's RapidJSON 1.1.0 overflows converting huge negative exponents (CVE-2024-38517);
// kParseNumbersAsStringsFlag skips that conversion.
#pragma once

#include <rapidjson/reader.h>

#include <cstddef>

namespace relay::json {

inline constexpr int kMaxJsonDepth = 128;

// The flag every parse of client input uses (callers may add others).
inline constexpr unsigned kBoundedParseFlags = rapidjson::kParseNumbersAsStringsFlag;

inline constexpr const char* kTooDeepMessage = "JSON nesting deeper than 128 levels";

// Counts nesting; enter() refuses a level beyond kMaxJsonDepth, so the reader stops with
// kParseErrorTermination before it recurses any deeper.
class DepthGuard {
 public:
  bool enter() {
    if (depth_ >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }
  void leave() { --depth_; }
  int depth() const { return depth_; }
  bool tooDeep() const { return too_deep_; }

 private:
  int depth_ = 0;
  bool too_deep_ = false;
};

// What a number (text, from kBoundedParseFlags) becomes: by default the inner handler's
// RawNumber() decides.
struct ForwardRawNumber {
  template <typename Inner>
  static bool raw(Inner& inner, const char* s, rapidjson::SizeType n, bool copy) {
    return inner.RawNumber(s, n, copy);
  }
};

// For readers that look only at strings and structure: every number becomes the integer 0,
// which keeps it a number (neither null nor a string) without converting its text.
struct NumberAsZero {
  template <typename Inner>
  static bool raw(Inner& inner, const char*, rapidjson::SizeType, bool) {
    return inner.Uint(0);
  }
};

// Forwards SAX events to `Inner` (e.g. a rapidjson::Document) with a DepthGuard in front.
template <typename Inner, typename Numbers = ForwardRawNumber>
class DepthLimitedHandler {
 public:
  using Ch = char;
  explicit DepthLimitedHandler(Inner& inner) : inner_(inner) {}

  bool Null() { return inner_.Null(); }
  bool Bool(bool b) { return inner_.Bool(b); }
  bool Int(int i) { return inner_.Int(i); }
  bool Uint(unsigned u) { return inner_.Uint(u); }
  bool Int64(int64_t i) { return inner_.Int64(i); }
  bool Uint64(uint64_t u) { return inner_.Uint64(u); }
  bool Double(double d) { return inner_.Double(d); }
  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool copy) {
    return Numbers::raw(inner_, s, n, copy);
  }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) { return inner_.String(s, n, copy); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return inner_.Key(s, n, copy); }
  bool StartObject() { return guard_.enter() && inner_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    guard_.leave();
    return inner_.EndObject(members);
  }
  bool StartArray() { return guard_.enter() && inner_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    guard_.leave();
    return inner_.EndArray(elements);
  }

  bool tooDeep() const { return guard_.tooDeep(); }

 private:
  Inner& inner_;
  DepthGuard guard_;
};

}  // namespace relay::json
