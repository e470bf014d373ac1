// A DOM built from client JSON under the guards of bounded_reader.h.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include "core/json/bounded_reader.h"

namespace relay::json {

enum class BoundedParse { kOk, kMalformed, kTooDeep };

// Parses `in` (a RapidJSON input stream) into `doc`, nesting at most kMaxJsonDepth deep.
// Numbers are never converted (see NumberAsZero): for readers of strings and structure only.
template <typename InputStream>
BoundedParse parseWithoutNumbers(InputStream& in, rapidjson::Document& doc) {
  BoundedParse status = BoundedParse::kOk;
  auto generate = [&](rapidjson::Document& target) {
    DepthLimitedHandler<rapidjson::Document, NumberAsZero> handler(target);
    rapidjson::Reader reader;
    rapidjson::ParseResult r = reader.Parse<kBoundedParseFlags>(in, handler);
    if (handler.tooDeep())
      status = BoundedParse::kTooDeep;
    else if (r.IsError())
      status = BoundedParse::kMalformed;
    return status == BoundedParse::kOk;
  };
  doc.Populate(generate);
  return status;
}

}  // namespace relay::json
