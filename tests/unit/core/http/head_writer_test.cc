#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "core/http/head_writer.h"

using namespace relay;

TEST_CASE("HeadWriter appends pieces, numbers and header lines after what the string held") {
  Headers h;
  h.add("Content-Type", "application/json");
  h.add("Connection", "keep-alive");
  h.add("x-empty", "");
  std::string out = "kept|";
  HeadWriter w(out, 64 + HeadWriter::lineRoom(h));
  w.put("HTTP/1.1 ").number(200).put(' ').put("OK").put("\r\n");
  w.headerLines(h, [](const Header& x) { return isHopByHopHeader(x.name); });
  w.put("content-length: ").number(21504).put("\r\n\r\n");
  w.finish();
  CHECK(out ==
        "kept|HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-empty: \r\n"
        "content-length: 21504\r\n\r\n");
}

TEST_CASE("HeadWriter writes every number in decimal, 0 and the largest included") {
  for (uint64_t n : {uint64_t{0}, uint64_t{7}, uint64_t{10}, uint64_t{999}, uint64_t{1000},
                     uint64_t{4294967296}, std::numeric_limits<uint64_t>::max()}) {
    std::string out;
    HeadWriter w(out, 20);
    w.number(n).finish();
    CHECK(out == std::to_string(n));
  }
}

TEST_CASE("HeadWriter's line room bounds the header lines exactly") {
  Headers h;
  h.add("a", "1");
  h.add("bb", "22");
  CHECK(HeadWriter::lineRoom(h) == (1 + 1 + 4) + (2 + 2 + 4));
  std::string out;
  HeadWriter w(out, HeadWriter::lineRoom(h));
  w.headerLines(h, [](const Header&) { return false; }).finish();
  CHECK(out == "a: 1\r\nbb: 22\r\n");
  CHECK(out.size() == HeadWriter::lineRoom(h));
}
