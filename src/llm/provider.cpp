#include "llm/provider.h"

#include <chrono>
#include <thread>

#include "llm/dialect.h"
#include "llm/http.h"
#include "llm/retry.h"

namespace showdown {

const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::none:
      return "none";
    case FailureKind::infrastructure:
      return "infrastructure";
    case FailureKind::bad_request:
      return "bad_request";
    case FailureKind::auth:
      return "auth";
    case FailureKind::not_found:
      return "not_found";
    case FailureKind::context_overflow:
      return "context_overflow";
  }
  return "infrastructure";
}

std::string normalise_finish_reason(const std::string& reason, bool has_tool_calls) {
  // Some servers say "stop" although they sent tool calls; the calls are what count.
  if (has_tool_calls && (reason == "stop" || reason.empty())) return "tool_calls";
  if (reason == "function_call") return "tool_calls";
  return reason;
}

namespace {

using Clock = std::chrono::steady_clock;

// Failure messages are one line; stream data quoted in them may hold newlines.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// One attempt's outcome: a response, a failure not worth retrying, or a failure
// to retry (`retry_reason` set).
struct Attempt {
  bool ok = false;
  ProviderFailure failure;
  std::string retry_reason;
  HttpHeaders headers;
  double seconds = 0;
};

class HttpProvider : public Provider {
 public:
  HttpProvider(const ProviderOptions& options, std::unique_ptr<Dialect> dialect)
      : options_(options), dialect_(std::move(dialect)) {}

  bool complete(const Request& request, Response* response, ProviderFailure* failure) override {
    HttpRequest http;
    http.url = dialect_->url();
    http.headers = dialect_->headers();
    http.body = dialect_->body(request);
    http.connect_timeout_seconds = options_.connect_timeout_seconds;
    http.idle_timeout_seconds = options_.idle_timeout_seconds;

    int max_attempts = 1 + std::max(0, options_.max_retries);
    std::vector<RetryNotice> retries;
    for (int attempt = 1;; ++attempt) {
      Attempt a = send(http, response);
      if (a.ok) {
        response->attempts = attempt;
        response->retries = std::move(retries);
        response->latency_seconds = a.seconds;
        *failure = ProviderFailure{};
        return true;
      }
      if (a.retry_reason.empty()) {
        *failure = a.failure;
        failure->retries = std::move(retries);
        return false;
      }
      if (attempt >= max_attempts || retry_forbidden(a.headers)) {
        *failure = a.failure;
        failure->kind = FailureKind::infrastructure;
        failure->message = "gave up after " + std::to_string(attempt) +
                           (attempt == 1 ? " attempt: " : " attempts: ") + a.failure.message;
        failure->retries = std::move(retries);
        return false;
      }
      RetryNotice notice;
      notice.attempt = attempt;
      notice.http_status = a.failure.http_status;
      notice.reason = a.retry_reason;
      notice.wait_seconds = retry_wait_seconds(options_, attempt, a.headers);
      if (options_.on_retry) options_.on_retry(notice);
      retries.push_back(notice);
      std::this_thread::sleep_for(std::chrono::duration<double>(notice.wait_seconds));
    }
  }

 private:
  Attempt send(const HttpRequest& http, Response* response) {
    auto decoder = dialect_->decoder(options_.on_text);
    SseParser parser;
    std::vector<SseEvent> events;
    DecodeError decode_error;
    bool decode_failed = false;
    bool streaming = false;
    bool decided = false;
    std::string body;
    HttpResponse reply;

    auto decode = [&](const std::vector<SseEvent>& batch) {
      for (const auto& event : batch) {
        if (!decoder->on_event(event, &decode_error)) {
          decode_failed = true;
          return false;
        }
      }
      return true;
    };
    auto sink = [&](std::string_view chunk) {
      if (!decided) {
        decided = true;
        // A server that ignores `stream` answers with one JSON body.
        auto type = reply.headers.find("content-type");
        bool json_body =
            type != reply.headers.end() && type->second.find("json") != std::string::npos;
        streaming = options_.stream && !json_body;
      }
      if (!streaming) {
        body.append(chunk);
        return true;
      }
      events.clear();
      parser.feed(chunk, &events);
      return decode(events);
    };

    auto start = Clock::now();
    bool completed = http_post(http, sink, &reply);
    if (!decode_failed) {
      if (!completed) return connection_failure(http, reply);
      if (reply.status < 200 || reply.status >= 300) return http_error(reply);
      Response r;
      bool ok;
      if (streaming) {
        events.clear();
        parser.finish(&events);
        ok = decode(events) && decoder->finish_stream(&r, &decode_error);
      } else {
        ok = decoder->parse_body(body, &r, &decode_error);
        if (ok && options_.on_text && !r.content.empty()) options_.on_text(r.content);
      }
      if (ok) {
        Attempt a;
        a.ok = true;
        a.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        *response = std::move(r);
        return a;
      }
    }
    return decode_failure(http, reply, decode_error);
  }

  static Attempt connection_failure(const HttpRequest& http, const HttpResponse& reply) {
    Attempt a;
    a.headers = reply.headers;
    a.failure.http_status = reply.status;
    a.retry_reason = reply.error_reason;
    a.failure.message = reply.error_reason + " at " + http.url + " (" + reply.error + ")";
    return a;
  }

  // A 2xx answer that was no usable response: retried, unless the server said
  // mid-stream that the prompt does not fit.
  static Attempt decode_failure(const HttpRequest& http, const HttpResponse& reply,
                                const DecodeError& error) {
    Attempt a;
    a.headers = reply.headers;
    a.failure.http_status = reply.status;
    if (!error.server_message.empty() && is_context_overflow_message(error.server_message)) {
      a.failure.kind = FailureKind::context_overflow;
      a.failure.message =
          "context overflow at " + http.url + ": \"" + one_line(error.server_message) + "\"";
      return a;
    }
    a.retry_reason = error.reason;
    a.failure.message = error.reason + " from " + http.url + " (" + one_line(error.detail) + ")";
    return a;
  }

  Attempt http_error(const HttpResponse& reply) {
    Attempt a;
    a.headers = reply.headers;
    a.failure.http_status = reply.status;
    std::string quoted = "HTTP " + std::to_string(reply.status) + " from " + dialect_->url() +
                         ": \"" + server_error_message(reply.body) + "\"";
    a.failure.kind = failure_kind_for_status(reply.status, reply.body);
    a.failure.message = quoted;
    if (a.failure.kind != FailureKind::context_overflow &&
        should_retry_status(reply.status, reply.headers)) {
      a.retry_reason = "HTTP " + std::to_string(reply.status);
    }
    return a;
  }

  ProviderOptions options_;
  std::unique_ptr<Dialect> dialect_;
};

}  // namespace

std::unique_ptr<Provider> make_provider(const ProviderOptions& options, std::string* err) {
  if (options.provider == "openai") {
    return std::make_unique<HttpProvider>(options, make_openai_dialect(options));
  }
  if (options.provider == "anthropic") {
    return std::make_unique<HttpProvider>(options, make_anthropic_dialect(options));
  }
  *err = "unknown provider \"" + options.provider + "\" (expected \"openai\" or \"anthropic\")";
  return nullptr;
}

}  // namespace showdown
