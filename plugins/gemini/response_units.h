// Splits a Gemini response body into its JSON units, incrementally: the `data:` payloads of an
// SSE stream, the elements of a streamed JSON array, or one whole JSON object. Bytes may be split
// anywhere across feed() calls; units come out whole and in order.
#ifndef RELAY_PLUGINS_GEMINI_RESPONSE_UNITS_H
#define RELAY_PLUGINS_GEMINI_RESPONSE_UNITS_H

#include <functional>
#include <string>
#include <string_view>

namespace relay::gemini {

enum class Framing { kSse, kJsonArray, kJsonObject, kUnknown };

class ResponseUnits {
 public:
  // unit: one JSON text; framing: how the body frames its units (kUnknown until known).
  using UnitSink = std::function<void(std::string_view unit, Framing framing)>;

  ResponseUnits(bool event_stream, UnitSink sink)
      : framing_(event_stream ? Framing::kSse : Framing::kUnknown), sink_(std::move(sink)) {}

  void feed(std::string_view bytes);
  // End of the body: a last SSE event without its blank line still counts.
  void finish();
  Framing framing() const { return framing_; }
  // True once a unit grew beyond kMaxUnit (the rest of the body is not split any more).
  bool overflowed() const { return overflow_; }

  static constexpr size_t kMaxUnit = 8u * 1024 * 1024;

 private:
  void feedSse(std::string_view bytes);
  void onSseLine(std::string_view line);
  void dispatchSse();
  void feedJson(std::string_view bytes);
  void jsonByte(char c);
  void append(std::string& buffer, std::string_view bytes);

  Framing framing_;
  UnitSink sink_;
  bool overflow_ = false;
  // SSE
  std::string line_;
  std::string data_;
  // JSON
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool in_unit_ = false;
  bool done_ = false;
  std::string unit_;
};

}  // namespace relay::gemini

#endif
