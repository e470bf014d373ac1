// The incremental SSE parser: line ends, multi-line data, comments, the unterminated last event.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sse_parser.h"

using relay::openai::SseParser;

namespace {

std::vector<std::string> parse(const std::string& input, size_t step) {
  SseParser parser;
  std::vector<std::string> events;
  SseParser::OnEvent on = [&](std::string_view event, std::string_view data) {
    events.push_back(std::string(event) + "|" + std::string(data));
  };
  for (size_t i = 0; i < input.size(); i += step) parser.feed(input.substr(i, step), on);
  parser.finish(on);
  return events;
}

}  // namespace

TEST_CASE("sse parser: LF, CRLF and CR line ends, any split") {
  std::vector<std::string> want = {"a|1", "|2\n3", "b|4"};
  for (const std::string& input :
       {std::string("event: a\ndata: 1\n\n: comment\ndata: 2\ndata:3\n\nevent:b\ndata: 4"),
        std::string("event: a\r\ndata: 1\r\n\r\n: comment\r\ndata: "
                    "2\r\ndata:3\r\n\r\nevent:b\r\ndata: 4\r\n"),
        std::string("event: a\rdata: 1\r\r: comment\rdata: 2\rdata:3\r\revent:b\rdata: 4\r\r")}) {
    for (size_t step : {1, 2, 3, 7, 1000}) CHECK(parse(input, step) == want);
  }
}

TEST_CASE("sse parser: an event without data is not delivered; the name resets per event") {
  CHECK(parse("event: ping\n\ndata: x\n\n", 1) == std::vector<std::string>{"|x"});
}
