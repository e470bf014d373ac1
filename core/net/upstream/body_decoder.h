// Undoes a gzip or deflate content-encoding that arrived despite "accept-encoding: identity".
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace relay {

class BodyDecoder {
 public:
  // Null for identity or unknown encodings (the body then passes through untouched).
  static std::unique_ptr<BodyDecoder> forEncoding(std::string_view content_encoding);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // Beyond kFreeOutputBytes, output may be at most kMaxExpansion times the input so far: a
  // compressed body cannot grow a buffer without bound (a "gzip bomb").
  static constexpr size_t kFreeOutputBytes = 1024 * 1024;
  static constexpr size_t kMaxExpansion = 200;

  // Appends the decoded bytes to `out`; false (with error()) on corrupt input or one that
  // expands beyond the limit above.
  bool decode(std::string_view input, std::string& out);
  // True once the compressed stream said it was complete.
  bool finished() const { return finished_; }
  const std::string& error() const { return error_; }

 private:
  explicit BodyDecoder(bool gzip);
  bool restartAsRawDeflate();
  z_stream zs_{};
  bool gzip_;
  bool finished_ = false;
  bool any_output_ = false;
  bool fell_back_ = false;
  uint64_t input_bytes_ = 0;
  uint64_t output_bytes_ = 0;
  std::string replay_;  // "deflate" input kept until the first output byte
  std::string error_;
};

}  // namespace relay
