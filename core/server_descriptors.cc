#include "core/server_descriptors.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/loop/descriptor_table.h"
#include "core/obs/log.h"

namespace relay {

namespace {

constexpr size_t kDescriptorSpare = 256;  // database, log files, upstream connections, plugins

// The process's thread count, as /proc/self/status gives it (0 when unreadable).
int runningThreads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  return 0;
}

size_t softLimit(const rlimit& lim) {
  return lim.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(lim.rlim_cur);
}

}  // namespace

// A client connection holds a descriptor and, while it is answered, its upstream connection
// another: the limit, not accept() or socket() failing, should decide when connections are
// refused, streaming ones included.
ServerDescriptors prepareServerDescriptors(const ServerConfig& s) {
  ServerDescriptors d;
  d.wanted = 2 * static_cast<size_t>(std::max(s.max_connections, 0)) + kDescriptorSpare;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return d;
  if (softLimit(lim) < d.wanted) {
    rlim_t want = static_cast<rlim_t>(d.wanted);
    rlim_t target = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
    if (target > lim.rlim_cur) {
      rlimit raised{target, lim.rlim_max};
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim.rlim_cur = target;
    }
  }
  d.limit = softLimit(lim);
  d.threads = runningThreads();
  d.reserved = reserveDescriptorTable(d.wanted);
  return d;
}

void reportServerDescriptors(const ServerDescriptors& d, const ServerConfig& s) {
  if (d.limit != 0 && d.limit < d.wanted)
    logf(LogLevel::kWarn, "server",
         "server.max_connections is %d but the open-file limit is %zu; beyond about %zu "
         "connections accept() fails instead of answering 503 (raise ulimit -n)",
         s.max_connections, d.limit,
         d.limit > kDescriptorSpare ? (d.limit - kDescriptorSpare) / 2 : 0);
  logf(LogLevel::kDebug, "server",
       "descriptor table: %zu slots reserved for %zu descriptors, with %d thread%s running",
       d.reserved, d.wanted, d.threads, d.threads == 1 ? "" : "s");
}

}  // namespace relay
