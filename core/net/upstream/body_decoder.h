// Undoes a gzip or deflate content-encoding that arrived despite "accept-encoding: identity".
#pragma once

#include <zlib.h>

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

  // Appends the decoded bytes to `out`; false (with error()) on corrupt input.
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
  std::string replay_;  // "deflate" input kept until the first output byte
  std::string error_;
};

}  // namespace relay
