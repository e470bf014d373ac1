// Incremental server-sent-events parser: bytes in any split, LF, CRLF or CR line ends; each
// complete event (name, data lines joined by \n) goes to the callback as soon as it ends.
#ifndef RELAY_PLUGINS_OPENAI_SSE_PARSER_H
#define RELAY_PLUGINS_OPENAI_SSE_PARSER_H

#include <functional>
#include <string>
#include <string_view>

namespace relay::openai {

class SseParser {
 public:
  using OnEvent = std::function<void(std::string_view event, std::string_view data)>;

  void feed(std::string_view bytes, const OnEvent& on_event);
  // End of input: an event still missing its blank line is delivered.
  void finish(const OnEvent& on_event);

 private:
  void line(std::string_view text, const OnEvent& on_event);
  void dispatch(const OnEvent& on_event);

  std::string line_;
  bool skip_lf_ = false;  // the previous line ended with CR: a following LF belongs to it
  std::string event_;
  std::string data_;
  bool has_data_ = false;
};

}  // namespace relay::openai

#endif
