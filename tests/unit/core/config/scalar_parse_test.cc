#include "core/config/scalar_parse.h"

#include <doctest/doctest.h>

#include "core/config/closest_name.h"

namespace relay {

TEST_CASE("parseInt64 accepts plain decimals only") {
  CHECK(parseInt64("3000") == 3000);
  CHECK(parseInt64("-5") == -5);
  CHECK(parseInt64("+7") == 7);
  CHECK_FALSE(parseInt64(""));
  CHECK_FALSE(parseInt64("abc"));
  CHECK_FALSE(parseInt64("30k"));
  CHECK_FALSE(parseInt64("1.5"));
  CHECK_FALSE(parseInt64("99999999999999999999"));
}

TEST_CASE("parseBool accepts the YAML spellings") {
  CHECK(parseBool("true") == true);
  CHECK(parseBool("False") == false);
  CHECK(parseBool("yes") == true);
  CHECK(parseBool("off") == false);
  CHECK_FALSE(parseBool("1"));
  CHECK_FALSE(parseBool("maybe"));
}

TEST_CASE("parseSize reads bytes and units") {
  CHECK(parseSize("1048576") == 1048576u);
  CHECK(parseSize("512B") == 512u);
  CHECK(parseSize("64KiB") == 64u * 1024);
  CHECK(parseSize("32MiB") == 32u * 1024 * 1024);
  CHECK(parseSize("32 mib") == 32u * 1024 * 1024);
  CHECK(parseSize("1GiB") == 1024ull * 1024 * 1024);
  CHECK(parseSize("2M") == 2u * 1024 * 1024);
  CHECK(parseSize("5KB") == 5000u);
  CHECK(parseSize("1GB") == 1000000000u);
  CHECK_FALSE(parseSize(""));
  CHECK_FALSE(parseSize("MiB"));
  CHECK_FALSE(parseSize("32XB"));
  CHECK_FALSE(parseSize("-1"));
  CHECK_FALSE(parseSize("1.5MiB"));
  CHECK_FALSE(parseSize("99999999999GiB"));
}

TEST_CASE("closestName suggests near misses only") {
  CHECK(editDistance("prot", "port") == 1);
  CHECK(closestName("prot", {"host", "port", "workers"}) == "port");
  CHECK(closestName("log_levle", {"log_level", "host"}) == "log_level");
  CHECK(closestName("zzzzzz", {"host", "port"}).empty());
}

}  // namespace relay
