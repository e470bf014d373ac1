// Per-thread spare request states whose strings keep their memory: a finished chain gives its
// state back and the next request's filters assign into it (model, session key, account, the
// usage's model...), so a warm loop writes names it has written before without allocating.
// Every other field starts as in a new RequestState. Bounded; nothing is kept under
// AddressSanitizer (kRecyclingStorage) or once the thread's spares are gone (thread exit).
#pragma once

#include <cstddef>

#include "core/chain/request_state.h"

namespace relay {

// A state as RequestState{} but for the capacity of its strings.
RequestState takeRequestState();
// Takes the state's strings' memory (when kept; the state's strings are left empty). Call it
// as the state ends: nothing else of it is reset.
void giveRequestState(RequestState& state);
// Spare states on this thread (for tests).
size_t spareRequestStates();

}  // namespace relay
