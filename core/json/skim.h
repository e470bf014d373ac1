// One pass over a client's JSON body. The nesting limit and UTF-8 validity are checked over the
// whole text (the hostile-input rules); the grammar of the root object and of its scalar members
// is checked, numbers as text and never converted (so no conversion can overflow:
// CVE-2024-38517). The root's object and array members are skipped with only nesting and UTF-8
// checked (lib/json_skim/unchecked_skip.h), and their grammar is checked only when a reader asks
// for one (ObjectSkim::member): a grammar error in a member nobody reads (tools, say) is left to
// the upstream, which refuses it. Nothing is built but the list of the root object's members as
// views into the text; filters read the fields they need from those views with json_view.h. The
// scan itself is lib/json_skim/scan.h, which the plugins' answer readers share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relay::json {

// A member of the skimmed root object: its key as written (between the quotes, escapes not
// decoded) and its value's JSON text.
struct SkimMember {
  std::string_view key;
  // An object or array is skipped by the skim with only its nesting and UTF-8 checked (unchecked
  // set): ObjectSkim::member() checks its grammar when first asked, and empties it if invalid.
  // Read values through member(), not from here.
  mutable std::string_view value;
  bool key_escaped = false;  // the key holds a backslash escape (compare it decoded)
  mutable bool unchecked = false;
};

struct ObjectSkim {
  ObjectSkim() = default;
  ObjectSkim(ObjectSkim&& other) noexcept = default;
  ObjectSkim& operator=(ObjectSkim&& other) noexcept;
  // The member list goes to the thread's spares (spareSkimMembers) unless taken out first.
  ~ObjectSkim();

  bool ok = false;
  std::string error;  // a sentence for the client when !ok
  std::vector<SkimMember> members;
  // The text the views point into, to tell whether they still describe a request's body.
  const char* text_data = nullptr;
  size_t text_size = 0;

  bool describes(std::string_view text) const {
    return ok && text.data() == text_data && text.size() == text_size;
  }
  // The value of the first member named `name` (keys compared decoded); "" when absent. An
  // object or array is grammar-checked here on first read (the skim did not), and reads as
  // absent if it is not valid JSON: nothing reads inside a value the relay has not checked.
  std::string_view member(std::string_view name) const;
};

// Skims `text`, which must be one JSON object. Errors (the same sentences as the RapidJSON pass
// this replaces): "JSON nesting deeper than 128 levels", "malformed JSON body: <reason> (at byte
// N)", "request body must be a JSON object".
ObjectSkim skimObject(std::string_view text);
// The same into `storage`'s memory (cleared first) instead of a new list: with a list from
// spareSkimMembers(), a warm worker skims a request without allocating.
ObjectSkim skimObject(std::string_view text, std::vector<SkimMember>&& storage);

// An empty member list from the calling thread's spares, with room for a request's members (a
// list without room when none is spare: skimObject then allocates it). Every ObjectSkim hands its
// list back to the spares of the thread that destroys it, so each worker keeps the few lists its
// requests in flight use: no lock, no sharing. Bounded (kMaxSpareSkimLists lists of at most
// kMaxSpareSkimMembers); under AddressSanitizer nothing is kept, so a use of a finished request's
// skim stays visible.
std::vector<SkimMember> spareSkimMembers();
inline constexpr size_t kMaxSpareSkimLists = 64;
inline constexpr size_t kMaxSpareSkimMembers = 256;

}  // namespace relay::json
