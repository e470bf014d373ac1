// Reads fields out of JSON text that skimObject() (skim.h) has already validated: a member of an
// object, the elements of an array, a string's decoded value. Nothing is checked again and
// nothing is built; a value that is not there, or not of the kind asked for, reads as absent.
#pragma once

#include <list>
#include <string>
#include <string_view>

namespace relay::json {

// Decoded strings that views returned by JsonView::string() point into (stable addresses; a
// list, because it allocates nothing while empty, which is the usual case).
using DecodedStrings = std::list<std::string>;

class JsonView {
 public:
  JsonView() = default;  // absent
  // `text` is one validated JSON value (surrounding whitespace allowed), or "" for absent.
  explicit JsonView(std::string_view text);

  bool present() const { return !text_.empty(); }
  bool isObject() const { return first() == '{'; }
  bool isArray() const { return first() == '['; }
  bool isString() const { return first() == '"'; }
  bool isNull() const { return first() == 'n'; }
  bool isBool() const { return first() == 't' || first() == 'f'; }
  bool isTrue() const { return first() == 't'; }
  std::string_view text() const { return text_; }

  // The first member named `name` (keys compared decoded); absent if this is no object.
  JsonView member(std::string_view name) const;
  // The first element; absent if this is no array or is empty.
  JsonView firstElement() const;

  // A string's value: a view into the text when it holds no escape, else decoded into `keep`.
  // "" when this is not a string.
  std::string_view string(DecodedStrings& keep) const;
  // The same, decoded into `scratch` (assigned: its memory is reused) when it holds an escape.
  std::string_view stringIn(std::string& scratch) const;
  // A string's value as a new string; "" when this is not a string.
  std::string stringCopy() const;
  // A string's value assigned to `out` (its memory reused); "" when this is not a string.
  void assignStringTo(std::string& out) const;

 private:
  char first() const { return text_.empty() ? '\0' : text_.front(); }
  std::string_view text_;
};

// Walks an array's elements in order.
class ElementCursor {
 public:
  explicit ElementCursor(const JsonView& array);
  // The next element into *out; false at the end (or when the value is no array).
  bool next(JsonView* out);

 private:
  const char* p_ = nullptr;
  const char* end_ = nullptr;
};

// The decoded form of a string's contents as written between its quotes (validated escapes).
std::string decodeJsonString(std::string_view raw);
// The same, appended to `out`.
void appendDecodedJsonString(std::string_view raw, std::string& out);

// True when key text as written (raw, between quotes) equals `name` once decoded.
bool keyEquals(std::string_view raw, bool escaped, std::string_view name);

}  // namespace relay::json
