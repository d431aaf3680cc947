#pragma once
// One HTTP POST over libcurl, with the body streamed to the caller as it arrives
// and a stall detector: a server that sends nothing for too long fails the attempt.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace showdown {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  double connect_timeout_seconds = 10;
  double idle_timeout_seconds = 300;  // no byte either way for this long: give up
};

/// What came back. `status` and `headers` are filled before the first body byte
/// reaches the sink. `error` is empty when the exchange completed; otherwise it
/// says what went wrong at the connection level and `error_reason` names it briefly
/// ("connection refused", "connection reset", "idle timeout", ...).
struct HttpResponse {
  int status = 0;                              // 0: no status line arrived
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // the body when it was not handed to the sink
  std::string error;
  std::string error_reason;
};

/// Receives body bytes of a 2xx answer as they arrive; returning false aborts.
using BodySink = std::function<bool(std::string_view chunk)>;

/// POSTs `request`. A 2xx body goes to `sink` (when set); any other body is kept
/// in `response->body`. Returns false when the exchange did not complete (see
/// `response->error`), including when the sink aborted it.
bool http_post(const HttpRequest& request, const BodySink& sink, HttpResponse* response);

}  // namespace showdown
