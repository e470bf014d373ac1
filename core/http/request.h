// A downstream request as the codec hands it to the filter chain: head plus buffered body.
#pragma once

#include <string>
#include <string_view>

#include "core/http/headers.h"
#include "core/http/request_body.h"

namespace relay {

struct Request {
  std::string method;
  std::string target;  // as received: path plus optional "?query"
  Headers headers;
  RequestBody body;  // the bytes, or a view into the read block they arrived in
  int http_major = 1;
  int http_minor = 1;

  std::string_view path() const;
  std::string_view query() const;  // without the '?'; empty if none
  // Value of a query parameter (not percent-decoded beyond '+' and %XX); empty if absent.
  std::string queryParam(std::string_view name) const;

  // As a new Request, without a copy of the member-wise assignment inlined at each caller (the
  // client connection resets twice per request).
  void reset();
};

}  // namespace relay
