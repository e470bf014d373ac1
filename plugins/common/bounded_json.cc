#include "bounded_json.h"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace relay::plugin_common {

namespace {

// Forwards SAX events to a Document, counting depth and converting number text itself.
class GuardedBuilder {
 public:
  using Ch = char;
  explicit GuardedBuilder(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool) {
    return number(std::string_view(s, n));
  }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  JsonParse status() const { return status_; }

 private:
  bool enter() {
    if (depth_ >= kMaxJsonDepth) {
      status_ = JsonParse::kTooDeep;
      return false;
    }
    ++depth_;
    return true;
  }

  // The reader has validated the grammar; integers that fit stay integers, as RapidJSON does.
  bool number(std::string_view text) {
    const char* first = text.data();
    const char* last = first + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      if (text.front() == '-') {
        int64_t i = 0;
        if (std::from_chars(first, last, i).ec == std::errc()) return doc_.Int64(i);
      } else {
        uint64_t u = 0;
        if (std::from_chars(first, last, u).ec == std::errc()) return doc_.Uint64(u);
      }
    }
    double d = 0;
    if (std::from_chars(first, last, d).ec != std::errc()) {
      status_ = JsonParse::kNumberOutOfRange;
      return false;
    }
    return doc_.Double(d);
  }

  rapidjson::Document& doc_;
  int depth_ = 0;
  JsonParse status_ = JsonParse::kOk;
};

}  // namespace

bool integerFits(std::string_view text) {
  const char* first = text.data();
  const char* last = first + text.size();
  if (text.front() == '-') {
    int64_t i = 0;
    return std::from_chars(first, last, i).ec == std::errc();
  }
  uint64_t u = 0;
  return std::from_chars(first, last, u).ec == std::errc();
}

bool numberInRange(std::string_view text) {
  if (text.empty()) return false;
  if (text.find_first_of(".eE") == std::string_view::npos && integerFits(text)) return true;
  double d = 0;
  return std::from_chars(text.data(), text.data() + text.size(), d).ec == std::errc();
}

JsonParse parseBoundedJson(std::string_view text, rapidjson::Document& doc) {
  JsonParse status = JsonParse::kOk;
  auto generate = [&](rapidjson::Document& target) {
    GuardedBuilder builder(target);
    rapidjson::Reader reader;
    rapidjson::MemoryStream in(text.data(), text.size());
    rapidjson::ParseResult r = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(in, builder);
    status = builder.status() != JsonParse::kOk ? builder.status()
             : r.IsError()                      ? JsonParse::kMalformed
                                                : JsonParse::kOk;
    return status == JsonParse::kOk;
  };
  doc.Populate(generate);
  return status;
}

std::string_view jsonParseProblem(JsonParse status) {
  switch (status) {
    case JsonParse::kOk:
      return "";
    case JsonParse::kMalformed:
      return "malformed JSON body";
    case JsonParse::kTooDeep:
      return "JSON nesting deeper than 128 levels";
    case JsonParse::kNumberOutOfRange:
      return "a number in the JSON body is out of range";
  }
  return "malformed JSON body";
}

}  // namespace relay::plugin_common
