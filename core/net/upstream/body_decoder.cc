#include "core/net/upstream/body_decoder.h"

#include "core/http/headers.h"

namespace relay {

std::unique_ptr<BodyDecoder> BodyDecoder::forEncoding(std::string_view encoding) {
  if (equalsIgnoreCase(encoding, "gzip") || equalsIgnoreCase(encoding, "x-gzip"))
    return std::unique_ptr<BodyDecoder>(new BodyDecoder(true));
  if (equalsIgnoreCase(encoding, "deflate"))
    return std::unique_ptr<BodyDecoder>(new BodyDecoder(false));
  return nullptr;
}

BodyDecoder::BodyDecoder(bool gzip) : gzip_(gzip) {
  // 16+: gzip wrapper only; 15: zlib wrapper ("deflate" per RFC 9110, raw tried as fallback).
  inflateInit2(&zs_, gzip ? 16 + MAX_WBITS : MAX_WBITS);
}

BodyDecoder::~BodyDecoder() {
  inflateEnd(&zs_);
}

bool BodyDecoder::restartAsRawDeflate() {
  inflateEnd(&zs_);
  zs_ = z_stream{};
  return inflateInit2(&zs_, -MAX_WBITS) == Z_OK;
}

bool BodyDecoder::decode(std::string_view input, std::string& out) {
  if (!error_.empty()) return false;
  if (finished_) return input.empty();
  // Until "deflate" proves to carry a zlib wrapper, keep its bytes to replay them raw.
  bool may_fall_back = !gzip_ && !fell_back_ && !any_output_;
  if (may_fall_back) replay_.append(input);
  input_bytes_ += input.size();
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs_.avail_in = static_cast<uInt>(input.size());
  char buf[16384];
  while (zs_.avail_in > 0 && !finished_) {
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = sizeof(buf);
    int rc = inflate(&zs_, Z_NO_FLUSH);
    if (rc == Z_DATA_ERROR && may_fall_back) {
      // Some servers send raw deflate under "deflate"; retry once without the zlib wrapper.
      fell_back_ = true;
      std::string replay = std::move(replay_);
      replay_.clear();
      if (!restartAsRawDeflate()) break;
      input_bytes_ -= replay.size();  // counted again by the replay
      return decode(replay, out);
    }
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      error_ = std::string("content-encoding: corrupt compressed body (") +
               (zs_.msg != nullptr ? zs_.msg : "zlib error") + ")";
      return false;
    }
    size_t produced = sizeof(buf) - zs_.avail_out;
    output_bytes_ += produced;
    if (output_bytes_ > kFreeOutputBytes && output_bytes_ > input_bytes_ * kMaxExpansion) {
      error_ = "content-encoding: the body expands more than " + std::to_string(kMaxExpansion) +
               " times (a decompression bomb?)";
      return false;
    }
    out.append(buf, produced);
    if (produced > 0 && !any_output_) {
      any_output_ = true;
      replay_.clear();
      replay_.shrink_to_fit();
    }
    if (rc == Z_STREAM_END) finished_ = true;
    if (rc == Z_BUF_ERROR && produced == 0) break;
  }
  return true;
}

}  // namespace relay
