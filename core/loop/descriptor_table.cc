#include "core/loop/descriptor_table.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

namespace relay {

size_t reserveDescriptorTable(size_t descriptors) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  size_t cap = lim.rlim_cur == RLIM_INFINITY ? static_cast<size_t>(INT_MAX)
                                             : static_cast<size_t>(lim.rlim_cur);
  size_t want = std::min({descriptors, cap, static_cast<size_t>(INT_MAX)});
  if (want < 2) return 0;
  int source = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (source < 0) return 0;
  // F_DUPFD takes the lowest free slot at or above the argument: it never replaces a descriptor
  // that is open, and the kernel grows the table to hold the slot.
  int high = fcntl(source, F_DUPFD_CLOEXEC, static_cast<int>(want - 1));
  close(source);
  if (high < 0) return 0;
  close(high);
  return want;
}

}  // namespace relay
