// SHA-256 through libmd (internal). Built into migrate_io, which hashes each migration
// file it reads whole (the applied-file check of `migrate check`).
#pragma once

#include <string>
#include <string_view>

namespace migrate::util {

/// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace migrate::util
