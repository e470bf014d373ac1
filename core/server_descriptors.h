// The server's descriptors: the open-file limit raised towards what server.max_connections
// needs, and the kernel's descriptor table sized for it, while the process has one thread.
//
// Sizing the table waits for an RCU grace period when another thread shares it (see
// core/loop/descriptor_table.h): 15-25 ms on a quiet 2-CPU VM and 200-600 ms on a busy one,
// start-up time for nothing. The first log line starts the log writer's thread, so main() sizes
// the table before it builds the server (building logs configuration warnings) and runServer()
// reports the outcome once logging is set up.
#pragma once

#include <cstddef>

#include "core/config/config.h"

namespace relay {

struct ServerDescriptors {
  size_t wanted = 0;    // 2 x server.max_connections + a spare
  size_t limit = 0;     // the soft open-file limit once raised (towards the hard one)
  size_t reserved = 0;  // descriptor-table slots reserved (0: nothing could be done)
  int threads = 0;      // threads in the process when the table was sized (0: unknown)
};

// Raises the soft open-file limit towards 2 x server.max_connections + a spare and sizes the
// descriptor table for as many. Logs nothing: call it before anything starts a thread.
ServerDescriptors prepareServerDescriptors(const ServerConfig& s);

// Warns when the open-file limit is below what max_connections needs (accept() then fails
// before the connection limit answers 503), and says at debug level how the table was sized.
void reportServerDescriptors(const ServerDescriptors& d, const ServerConfig& s);

}  // namespace relay
