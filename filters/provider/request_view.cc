#include "filters/provider/request_view.h"

namespace relay {

AbiHeaders::AbiHeaders(const Headers& h) : items(h.all().size()) {
  relay_header_t* out = items.data();
  for (const auto& x : h.all()) *out++ = {toSlice(x.name), toSlice(x.value)};
}

ProviderRequestView::ProviderRequestView(const Request& req, const RequestState& state)
    : headers_(req.headers) {
  view_.struct_size = sizeof view_;
  view_.method = toSlice(req.method);
  // The target split once (path() and query() each look for the '?').
  std::string_view target = req.target;
  size_t q = target.find('?');
  view_.path = toSlice(target.substr(0, q));
  view_.query = toSlice(q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
  view_.headers = headers_.items.data();
  view_.header_count = headers_.items.size();
  view_.body = toSlice(req.body);
  view_.model = toSlice(state.upstream_model.empty() ? state.model : state.upstream_model);
  view_.client_format = toSlice(wireFormatName(state.format));  // static text
  view_.stream = state.stream ? 1 : 0;
}

}  // namespace relay
