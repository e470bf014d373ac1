// Notes when a thread's loop first read from a socket (client and upstream alike) since whatever
// drives the loop last asked, so the driver can tell a read from an idle turn, and how long the
// loop was idle before it, without asking each connection.
#pragma once

#include <uv.h>

#include <cstdint>

namespace relay {

// uv_hrtime() of the first read since clearFirstReadTime(); 0 while there was none. Nothing
// clears it unless busy polling is on, so with it off this costs one comparison per read.
inline thread_local uint64_t t_first_read_ns = 0;

// Called from a read's buffer allocation: libuv allocates right before every read.
inline void noteSocketRead() {
  if (t_first_read_ns == 0) t_first_read_ns = uv_hrtime();
}

inline uint64_t firstReadTimeOnThisThread() {
  return t_first_read_ns;
}

inline void clearFirstReadTime() {
  t_first_read_ns = 0;
}

}  // namespace relay
