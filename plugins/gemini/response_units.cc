#include "response_units.h"

namespace relay::gemini {

void ResponseUnits::append(std::string& buffer, std::string_view bytes) {
  if (buffer.size() + bytes.size() > kMaxUnit) {
    overflow_ = true;
    buffer.clear();
    return;
  }
  buffer.append(bytes);
}

void ResponseUnits::feed(std::string_view bytes) {
  if (overflow_ || bytes.empty()) return;
  if (framing_ == Framing::kSse) return feedSse(bytes);
  feedJson(bytes);
}

void ResponseUnits::feedSse(std::string_view bytes) {
  while (!bytes.empty() && !overflow_) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      append(line_, bytes);
      return;
    }
    if (line_.empty()) {
      onSseLine(bytes.substr(0, nl));
    } else {
      line_.append(bytes.substr(0, nl));
      std::string line = std::move(line_);
      line_.clear();
      onSseLine(line);
    }
    bytes.remove_prefix(nl + 1);
  }
}

void ResponseUnits::onSseLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return dispatchSse();
  if (line.substr(0, 5) != "data:") return;  // gemini-cli ignores other lines too
  line.remove_prefix(5);
  if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  if (!data_.empty()) data_.push_back('\n');
  append(data_, line);
}

void ResponseUnits::dispatchSse() {
  if (data_.empty()) return;
  std::string unit = std::move(data_);
  data_.clear();
  sink_(unit, Framing::kSse);
}

void ResponseUnits::feedJson(std::string_view bytes) {
  for (char c : bytes) {
    if (overflow_ || done_) return;
    jsonByte(c);
  }
}

// Tracks strings and nesting only: enough to find where each unit ends.
void ResponseUnits::jsonByte(char c) {
  bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
  if (framing_ == Framing::kUnknown) {
    if (space) return;
    framing_ = c == '[' ? Framing::kJsonArray : Framing::kJsonObject;
    if (framing_ == Framing::kJsonArray) {
      depth_ = 1;
      return;
    }
  }
  if (!in_unit_) {
    if (space || c == ',') return;
    if (c == ']' && framing_ == Framing::kJsonArray) {
      done_ = true;
      return;
    }
    in_unit_ = true;
  }
  if (unit_.size() >= kMaxUnit) {
    overflow_ = true;
    unit_.clear();
    return;
  }
  unit_.push_back(c);
  if (in_string_) {
    if (escaped_) {
      escaped_ = false;
    } else if (c == '\\') {
      escaped_ = true;
    } else if (c == '"') {
      in_string_ = false;
    }
    return;
  }
  if (c == '"') {
    in_string_ = true;
  } else if (c == '{' || c == '[') {
    ++depth_;
  } else if (c == '}' || c == ']') {
    --depth_;
  }
  int base = framing_ == Framing::kJsonArray ? 1 : 0;
  if (depth_ == base && (c == '}' || c == ']')) {
    std::string unit = std::move(unit_);
    unit_.clear();
    in_unit_ = false;
    if (framing_ == Framing::kJsonObject) done_ = true;
    sink_(unit, framing_);
  }
}

void ResponseUnits::finish() {
  if (overflow_) return;
  if (framing_ == Framing::kSse) {
    if (!line_.empty()) {
      std::string line = std::move(line_);
      line_.clear();
      onSseLine(line);
    }
    dispatchSse();
  }
}

}  // namespace relay::gemini
