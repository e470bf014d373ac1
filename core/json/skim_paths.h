// The skim's two implementations, named for the tests, the fuzz target and the micro-benchmark
// (production code calls skimObject() in skim.h only).
//
// The fast skim (skim.cc) walks the grammar in one pass like the reference, with its state in
// registers and strings scanned by the widest kernel the CPU has (skim_scan.h). It answers valid
// or not: when it refuses a text, the reference skim (skim_reference.cc, the skim as it was
// before, byte-exact error reporting) runs over the text again and names the error, so error
// sentences and byte offsets are the reference's. Refusals are rare; valid bodies pay one pass.
#pragma once

#include <string_view>
#include <vector>

#include "core/json/skim.h"

namespace relay::json {

// How the fast skim scans strings. kScalar runs everywhere; kSse2 is the x86-64 baseline; kAvx2
// and kAvx512 (AVX-512BW) run only where the CPU has them (availableSkimKernels()).
enum class SkimKernel { kScalar, kSse2, kAvx2, kAvx512 };

// The kernels this CPU runs, narrowest first; skimObject() uses the last.
std::vector<SkimKernel> availableSkimKernels();
const char* skimKernelName(SkimKernel kernel);

// The fast skim alone: true, with the root object's members appended to `members`, when `text`
// is one valid JSON object nested at most kMaxJsonDepth deep; false for any other text (then
// `members` holds whatever was appended before the refusal).
bool fastSkim(std::string_view text, SkimKernel kernel, std::vector<SkimMember>& members);

// skimObject() with the given kernel (must be available).
ObjectSkim skimObjectWith(std::string_view text, SkimKernel kernel);

// The byte-at-a-time skim: the reference the fast skim is fuzzed against, and the one that
// names the error of a refused text.
ObjectSkim skimObjectReference(std::string_view text);

}  // namespace relay::json
