// Counts the socket reads a thread's loop performs, client and upstream alike, so whatever
// drives the loop can tell a busy loop from an idle one without asking each connection.
#pragma once

#include <cstdint>

namespace relay {

inline thread_local uint64_t t_socket_reads = 0;

// Called from a read's buffer allocation: libuv allocates right before every read.
inline void countSocketRead() {
  ++t_socket_reads;
}

inline uint64_t socketReadsOnThisThread() {
  return t_socket_reads;
}

}  // namespace relay
