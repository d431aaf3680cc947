#pragma once
// An API dialect (OpenAI Chat Completions, Anthropic Messages): how a Request
// becomes an HTTP request and how an answer becomes a Response. The retrying
// client in provider.cpp drives it and knows neither dialect.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "llm/provider.h"
#include "llm/sse.h"

namespace showdown {

/// Why an attempt's answer could not be used. `server_message` is set when the
/// server itself reported an error inside a 2xx answer (a mid-stream error event).
struct DecodeError {
  std::string reason;          // short, for RetryNotice: "malformed JSON", "stream truncated"
  std::string detail;          // one line, for a person
  std::string server_message;  // the server's words, when it reported an error
};

/// Reads one attempt's answer; a retry gets a fresh decoder, so nothing leaks
/// from a failed attempt into the response.
class Decoder {
 public:
  virtual ~Decoder() = default;
  /// One streamed event; false with `*error` when the stream is unusable.
  virtual bool on_event(const SseEvent& event, DecodeError* error) = 0;
  /// The stream ended; false with `*error` when it ended before the answer did.
  virtual bool finish_stream(Response* response, DecodeError* error) = 0;
  /// A whole (non-streamed) body; false with `*error` when it is not an answer.
  virtual bool parse_body(const std::string& body, Response* response, DecodeError* error) = 0;
};

/// One API dialect, configured by the provider options it was made with.
class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string url() const = 0;
  virtual std::vector<std::string> headers() const = 0;
  virtual std::string body(const Request& request) const = 0;
  /// A decoder that reports streamed text through `on_text` (may be empty).
  virtual std::unique_ptr<Decoder> decoder(
      const std::function<void(const std::string&)>& on_text) const = 0;
};

std::unique_ptr<Dialect> make_openai_dialect(const ProviderOptions& options);
std::unique_ptr<Dialect> make_anthropic_dialect(const ProviderOptions& options);

/// Shared by both dialects: the normalised finish reason given the server's word
/// (already mapped to OpenAI's vocabulary) and whether tool calls came back.
std::string normalise_finish_reason(const std::string& reason, bool has_tool_calls);

}  // namespace showdown
