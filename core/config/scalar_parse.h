// Strict text -> value conversions for configuration scalars (no partial matches).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace relay {

// Decimal with an optional sign; nothing else ("3000", "-1"; not "3k", "0x10", "1.5").
std::optional<int64_t> parseInt64(std::string_view text);

// true/false, yes/no, on/off in any case.
std::optional<bool> parseBool(std::string_view text);

// A byte count: "1048576", "64KiB", "32 MiB", "1GiB", "512B"; K/M/G and KiB/MiB/GiB are
// powers of 1024, KB/MB/GB powers of 1000; the unit's case is ignored. nullopt on overflow.
std::optional<uint64_t> parseSize(std::string_view text);

}  // namespace relay
