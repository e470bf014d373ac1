// The process's descriptor table, sized once at start-up.
//
// Linux grows a process's descriptor table by doubling it (64, 128, 256, ...) when a new
// descriptor does not fit. When the table is shared by several threads, each growth waits for an
// RCU grace period (synchronize_rcu() in expand_fdtable()), so the accept() or socket() that
// crosses 256, 512, 1024, ... descriptors blocks its worker's loop for one grace period, about
// 10-20 ms, and every request and stream of that worker waits with it. Reserving the table before
// the threads start makes the growth happen once, while it is cheap.
#pragma once

#include <cstddef>

namespace relay {

// Makes room for `descriptors` descriptors (capped by the open-file limit, RLIMIT_NOFILE) by
// duplicating a descriptor to the highest slot and closing it again; no descriptor stays open.
// Returns the number of slots reserved (0 when nothing could be done). Call it before starting
// threads: in a single-threaded process the growth waits for nothing.
size_t reserveDescriptorTable(size_t descriptors);

}  // namespace relay
