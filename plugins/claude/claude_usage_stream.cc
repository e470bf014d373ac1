// The response_begin/data/end hooks around UsageTap: an observer (response_observes): reads the
// usage from the bytes the host forwards itself, emits nothing.
#include <memory>
#include <vector>

#include "claude_usage_tap.h"
#include "host_api.h"

namespace relay::claude {

namespace {

struct UsageStream {
  relay_host_request_t* req;
  UsageTap tap;
  bool reported = false;
};

UsageStream* fromHandle(relay_plugin_stream_t* s) {
  return reinterpret_cast<UsageStream*>(s);
}

// Finished streams of this thread (each worker loop runs on its own): the next answer reuses
// one and the buffers it grew instead of allocating them again.
constexpr size_t kMaxSpareStreams = 8;
thread_local std::vector<std::unique_ptr<UsageStream>> t_spare_streams;

UsageStream* takeStream(relay_host_request_t* req, bool event_stream) {
  if (t_spare_streams.empty())
    return new UsageStream{req, UsageTap(event_stream)};  // owned through the handle
  UsageStream* s = t_spare_streams.back().release();
  t_spare_streams.pop_back();
  s->req = req;
  s->tap.reset(event_stream);
  s->reported = false;
  return s;
}

void giveStream(UsageStream* s) {
  if (t_spare_streams.size() >= kMaxSpareStreams) {
    delete s;
    return;
  }
  s->tap.reset(false);  // lets go of what grew large, now rather than at the next answer
  t_spare_streams.emplace_back(s);
}

// Whether `needle` (lower case) occurs in `text` in any case, without a lowered copy.
bool containsIgnoreCase(std::string_view text, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= text.size(); ++i)
    if (equalsIgnoreCase(text.substr(i, needle.size()), needle)) return true;
  return false;
}

void report(UsageStream& s) {
  if (s.reported) return;
  s.reported = true;
  const UsageCounts& u = s.tap.usage();
  const relay_host_t* h = host();
  if (!u.seen || !h || !RELAY_HOST_HAS(h, report_usage)) return;
  relay_usage_t usage{};
  usage.struct_size = sizeof(usage);
  usage.model = toSlice(u.model);
  usage.input_tokens = u.input_tokens;
  usage.output_tokens = u.output_tokens;
  usage.cache_creation_input_tokens = u.cache_creation_input_tokens;
  usage.cache_read_input_tokens = u.cache_read_input_tokens;
  h->report_usage(s.req, &usage);
}

}  // namespace

relay_plugin_stream_t* usageTapBegin(relay_host_request_t* req, int32_t status,
                                     const relay_header_t* headers, size_t header_count) {
  if (status < 200 || status >= 300) return nullptr;  // errors pass through untouched
  const relay_header_t* encoding = findHeader(headers, header_count, "content-encoding");
  if (encoding && !equalsIgnoreCase(toView(encoding->value), "identity"))
    return nullptr;  // compressed bytes cannot be read
  const relay_header_t* type = findHeader(headers, header_count, "content-type");
  bool event_stream = type && containsIgnoreCase(toView(type->value), "text/event-stream");
  return reinterpret_cast<relay_plugin_stream_t*>(takeStream(req, event_stream));
}

int usageTapData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end) {
  UsageStream& s = *fromHandle(stream);
  s.tap.feed(toView(bytes));
  if (end) {
    s.tap.finish();
    report(s);
  }
  return RELAY_OK;
}

void usageTapEnd(relay_plugin_stream_t* stream) {
  UsageStream* s = fromHandle(stream);
  if (!s) return;
  // An aborted stream still reports what was counted (req is valid until this returns).
  report(*s);
  giveStream(s);
}

}  // namespace relay::claude
