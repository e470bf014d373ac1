#include "sse_parser.h"

namespace relay::openai {

void SseParser::feed(std::string_view bytes, const OnEvent& on_event) {
  for (char c : bytes) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    if (c == '\n' || c == '\r') {
      skip_lf_ = c == '\r';
      line(line_, on_event);
      line_.clear();
    } else {
      line_ += c;
    }
  }
}

void SseParser::finish(const OnEvent& on_event) {
  if (!line_.empty()) {
    line(line_, on_event);
    line_.clear();
  }
  dispatch(on_event);
}

void SseParser::line(std::string_view text, const OnEvent& on_event) {
  if (text.empty()) {
    dispatch(on_event);
    return;
  }
  if (text[0] == ':') return;  // comment
  size_t colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (field == "event") {
    event_.assign(value);
  } else if (field == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  }
}

void SseParser::dispatch(const OnEvent& on_event) {
  if (has_data_) on_event(event_, data_);
  event_.clear();
  data_.clear();
  has_data_ = false;
}

}  // namespace relay::openai
