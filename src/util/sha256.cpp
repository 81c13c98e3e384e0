#include "util/sha256.hpp"

#include <cstdint>

#include <sha2.h>

namespace migrate::util {

std::string sha256_hex(std::string_view bytes) {
  char hex[SHA256_DIGEST_STRING_LENGTH];
  SHA256Data(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), hex);
  return std::string(hex, SHA256_DIGEST_STRING_LENGTH - 1);
}

}  // namespace migrate::util
