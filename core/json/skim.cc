#include "core/json/skim.h"

#include <rapidjson/error/en.h>

#include "core/chain/thread_spares.h"  // header only: nothing to link
#include "core/json/bounded_reader.h"
#include "core/json/json_view.h"
#include "json_skim/scan.h"

namespace relay::json {

namespace {

static_assert(skim::kMaxDepth == kMaxJsonDepth, "the skim and the bounded reader nest alike");

// The scan's handler for a request body: strings must be UTF-8, and the root object's members
// are kept as views into the text. Their objects and arrays are skipped unchecked (nesting and
// UTF-8 only); ObjectSkim::member() checks one's grammar when a reader first asks for it.
class RootMembers {
 public:
  static constexpr bool kValidateUtf8 = true;
  static constexpr bool kNulEndsText = false;
  static constexpr bool kSkipsUnchecked = true;

  explicit RootMembers(std::vector<SkimMember>& out) : out_(out) {}

  int rootScope() {  // called when the root is an object
    root_is_object_ = true;
    return 0;
  }
  bool rootIsObject() const { return root_is_object_; }
  int member(int, const skim::Value&, const skim::Value&) { return skim::kSkipUnchecked; }
  void memberEnd(int, const skim::Value& key, std::string_view value) {
    bool container = value.front() == '{' || value.front() == '[';
    out_.push_back({key.text, value, key.escaped, container});
  }
  bool number(std::string_view, bool) { return true; }  // numbers stay text

 private:
  std::vector<SkimMember>& out_;
  bool root_is_object_ = false;
};

// The grammar of one JSON value whose nesting and UTF-8 are already checked: the unchecked skip
// checked every byte's UTF-8, so this pass does not check it again.
class GrammarOnly {
 public:
  static constexpr bool kValidateUtf8 = false;
  static constexpr bool kNulEndsText = false;
  int rootScope() { return skim::kIgnore; }
  int member(int, const skim::Value&, const skim::Value&) { return skim::kIgnore; }
  void memberEnd(int, const skim::Value&, std::string_view) {}
  bool number(std::string_view, bool) { return true; }
};

rapidjson::ParseErrorCode rapidjsonCode(skim::Error e) {
  using E = skim::Error;
  switch (e) {
    case E::kNone:
      return rapidjson::kParseErrorNone;
    case E::kDocumentEmpty:
      return rapidjson::kParseErrorDocumentEmpty;
    case E::kRootNotSingular:
      return rapidjson::kParseErrorDocumentRootNotSingular;
    case E::kValueInvalid:
      return rapidjson::kParseErrorValueInvalid;
    case E::kObjectMissName:
      return rapidjson::kParseErrorObjectMissName;
    case E::kObjectMissColon:
      return rapidjson::kParseErrorObjectMissColon;
    case E::kObjectMissCommaOrCurlyBracket:
      return rapidjson::kParseErrorObjectMissCommaOrCurlyBracket;
    case E::kArrayMissCommaOrSquareBracket:
      return rapidjson::kParseErrorArrayMissCommaOrSquareBracket;
    case E::kStringUnicodeEscapeInvalidHex:
      return rapidjson::kParseErrorStringUnicodeEscapeInvalidHex;
    case E::kStringUnicodeSurrogateInvalid:
      return rapidjson::kParseErrorStringUnicodeSurrogateInvalid;
    case E::kStringEscapeInvalid:
      return rapidjson::kParseErrorStringEscapeInvalid;
    case E::kStringMissQuotationMark:
      return rapidjson::kParseErrorStringMissQuotationMark;
    case E::kStringInvalidEncoding:
      return rapidjson::kParseErrorStringInvalidEncoding;
    case E::kNumberMissFraction:
      return rapidjson::kParseErrorNumberMissFraction;
    case E::kNumberMissExponent:
      return rapidjson::kParseErrorNumberMissExponent;
    case E::kTooDeep:
    case E::kNumberRejected:  // not produced: RootMembers takes every number
      break;
  }
  return rapidjson::kParseErrorTermination;
}

constexpr size_t kRequestMembers = 16;  // a request body has about 5-15 root members

// The thread's spare member lists.
struct SpareLists {
  std::vector<std::vector<SkimMember>> lists;
};

void giveSpare(std::vector<SkimMember>& list) {
  if (list.capacity() == 0 || list.capacity() > kMaxSpareSkimMembers) return;
  SpareLists* s = ThreadSpares<SpareLists>::local();
  if (s == nullptr || s->lists.size() >= kMaxSpareSkimLists) return;
  if (s->lists.capacity() == 0) s->lists.reserve(kMaxSpareSkimLists);
  list.clear();
  s->lists.push_back(std::move(list));
}

}  // namespace

ObjectSkim& ObjectSkim::operator=(ObjectSkim&& other) noexcept {
  if (this == &other) return *this;
  giveSpare(members);
  ok = other.ok;
  error = std::move(other.error);
  members = std::move(other.members);
  text_data = other.text_data;
  text_size = other.text_size;
  return *this;
}

ObjectSkim::~ObjectSkim() {
  giveSpare(members);
}

std::vector<SkimMember> spareSkimMembers() {
  SpareLists* s = ThreadSpares<SpareLists>::local();
  if (s == nullptr || s->lists.empty()) return {};
  std::vector<SkimMember> list = std::move(s->lists.back());
  s->lists.pop_back();
  return list;
}

std::string_view ObjectSkim::member(std::string_view name) const {
  for (const SkimMember& m : members) {
    if (!keyEquals(m.key, m.key_escaped, name)) continue;
    if (m.unchecked) {
      m.unchecked = false;
      GrammarOnly grammar;
      if (!skim::scan(m.value, grammar).ok()) m.value = {};  // reads as absent
    }
    return m.value;
  }
  return {};
}

ObjectSkim skimObject(std::string_view text) {
  return skimObject(text, {});
}

ObjectSkim skimObject(std::string_view text, std::vector<SkimMember>&& storage) {
  ObjectSkim out;
  out.text_data = text.data();
  out.text_size = text.size();
  out.members = std::move(storage);
  out.members.clear();
  out.members.reserve(kRequestMembers);  // no allocation when the storage has room
  RootMembers handler(out.members);
  skim::Outcome r = skim::scan(text, handler);
  if (!r.ok()) {
    out.members.clear();
    out.error = r.error == skim::Error::kTooDeep
                    ? std::string(kTooDeepMessage)
                    : std::string("malformed JSON body: ") +
                          rapidjson::GetParseError_En(rapidjsonCode(r.error)) + " (at byte " +
                          std::to_string(r.offset) + ")";
    return out;
  }
  if (!handler.rootIsObject()) {
    out.members.clear();
    out.error = "request body must be a JSON object";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace relay::json
