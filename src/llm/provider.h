#pragma once
// A provider turns a conversation plus tool schemas into one model response. It
// owns HTTP, streaming, dialects and retries; the agent sees only this interface.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "llm/message.h"

namespace showdown {

/// Why a request finally failed. Infrastructure failures (server down, 5xx after
/// retries, dropped connections, hangs) are never the model's fault; the others
/// are answers from a working server.
enum class FailureKind { none, infrastructure, bad_request, auth, not_found, context_overflow };
const char* failure_kind_name(FailureKind kind);

struct ProviderFailure {
  FailureKind kind = FailureKind::none;
  int http_status = 0;  // 0: no HTTP answer
  std::string message;  // one line, for a person
  std::vector<RetryNotice> retries;  // the attempts that failed before this one
};

struct ProviderOptions {
  std::string provider = "openai";  // "openai" | "anthropic"
  std::string base_url;             // openai: ".../v1"; anthropic: host root
  std::string model;                // sent as `model`; may be empty for llama-server
  std::string api_key;              // never logged
  bool stream = true;
  int max_retries = 4;
  double backoff_initial_seconds = 0.5;
  double backoff_max_seconds = 8;
  double max_retry_after_seconds = 60;
  double connect_timeout_seconds = 10;
  double idle_timeout_seconds = 300;  // no byte for this long: the attempt failed
  std::function<void(const RetryNotice&)> on_retry;
  std::function<void(const std::string& text_delta)> on_text;  // streamed text, for live views
};

class Provider {
 public:
  virtual ~Provider() = default;
  /// Sends `request`, retrying infrastructure failures within the options' bounds.
  /// Returns false with `*failure` filled when no usable response came back.
  virtual bool complete(const Request& request, Response* response, ProviderFailure* failure) = 0;
};

/// The client for `options.provider`; null with `*err` set for an unknown provider.
std::unique_ptr<Provider> make_provider(const ProviderOptions& options, std::string* err);

}  // namespace showdown
