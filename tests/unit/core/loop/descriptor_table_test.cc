#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/loop/descriptor_table.h"

using namespace relay;

namespace {

// The size of this process's descriptor table, as the kernel reports it.
size_t tableSize() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("FDSize:", 0) == 0) return std::stoul(line.substr(7));
  return 0;
}

size_t openDescriptors() {
  size_t n = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (dirent* e = readdir(dir))
    if (e->d_name[0] != '.') ++n;
  closedir(dir);
  return n;
}

size_t softLimit() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(lim.rlim_cur);
}

}  // namespace

TEST_CASE("the descriptor table is grown up front and no descriptor is left open") {
  size_t before = tableSize();
  REQUIRE(before > 0);
  size_t want = std::max<size_t>(before * 4, 1024);
  if (softLimit() < want) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= want) {
      lim.rlim_cur = want;
      setrlimit(RLIMIT_NOFILE, &lim);
    }
  }
  if (softLimit() < want) {
    MESSAGE("open-file limit below ", want, ": skipped");
    return;
  }
  size_t open_before = openDescriptors();
  CHECK(reserveDescriptorTable(want) == want);
  CHECK(tableSize() >= want);
  CHECK(openDescriptors() == open_before);
}

TEST_CASE("the reservation stops at the open-file limit") {
  size_t limit = softLimit();
  size_t got = reserveDescriptorTable(SIZE_MAX);
  CHECK(got > 0);
  CHECK(got <= limit);
  CHECK(tableSize() >= got);
}

TEST_CASE("a descriptor already open in the highest slot is left alone") {
  size_t limit = softLimit();
  size_t slot = std::min<size_t>(limit, 4096) - 1;
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  int high = fcntl(fd, F_DUPFD_CLOEXEC, static_cast<int>(slot));
  close(fd);
  REQUIRE(high == static_cast<int>(slot));
  struct stat a {};
  REQUIRE(fstat(high, &a) == 0);
  reserveDescriptorTable(slot + 1);
  struct stat b {};
  REQUIRE(fstat(high, &b) == 0);  // still open, still /dev/null
  CHECK(a.st_ino == b.st_ino);
  CHECK(a.st_dev == b.st_dev);
  close(high);
}

TEST_CASE("nothing to reserve") {
  CHECK(reserveDescriptorTable(0) == 0);
  CHECK(reserveDescriptorTable(1) == 0);
}
