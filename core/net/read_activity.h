// Counts the socket reads a thread's loop performs, client and upstream alike, so whatever
// drives the loop can tell a busy loop from an idle one without asking each connection, and
// notes when the first read after the driver asked for it came (how long the loop was idle).
#pragma once

#include <uv.h>

#include <cstdint>

namespace relay {

inline thread_local uint64_t t_socket_reads = 0;
// uv_hrtime() of the first read since clearFirstReadTime(); 0 until then. Nothing clears it
// unless busy polling is on, so with it off this costs one comparison per read.
inline thread_local uint64_t t_first_read_ns = 0;

// Called from a read's buffer allocation: libuv allocates right before every read.
inline void countSocketRead() {
  ++t_socket_reads;
  if (t_first_read_ns == 0) t_first_read_ns = uv_hrtime();
}

inline uint64_t socketReadsOnThisThread() {
  return t_socket_reads;
}

inline uint64_t firstReadTimeOnThisThread() {
  return t_first_read_ns;
}

inline void clearFirstReadTime() {
  t_first_read_ns = 0;
}

}  // namespace relay
