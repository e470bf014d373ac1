// A model-list answer in the shape a client of each wire format expects.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/formats/client_key.h"
#include "core/formats/wire_format.h"
#include "core/http/headers.h"
#include "core/http/request.h"

namespace relay::formats {

// (id, display name) pairs, in the order the provider listed them.
using ModelEntries = std::vector<std::pair<std::string, std::string>>;

// The complete JSON body listing `models` for a client of `format`. `catalogue`: the client
// asked with `?client_version=` (a coding agent's model catalogue, PROTOCOLS C4), not a list.
std::string renderModelList(WireFormat format, const ModelEntries& models, bool catalogue = false);

// The shape of a model list on a path both worlds use (/v1/models): a client that sends only
// `Authorization: Bearer` (no anthropic-version, no x-api-key) gets the OpenAI list. key_place:
// where the auth filter found the key (it removes the key headers); kNone: read the headers.
WireFormat modelListFormat(WireFormat route_format, const Request& req, KeyPlace key_place);

}  // namespace relay::formats
