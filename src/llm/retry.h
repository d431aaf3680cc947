#pragma once
// What happens after a failed attempt, as the official SDKs decide it: which
// answers are worth another try, how long to wait, and how a final error answer
// is classified.
#include <map>
#include <string>

#include "llm/provider.h"

namespace showdown {

using HttpHeaders = std::map<std::string, std::string>;  // names in lower case

/// Whether an error answer is worth retrying: `x-should-retry: true|false` decides
/// when present, else 408, 409, 429 and every 5xx (Anthropic's 529 included).
bool should_retry_status(int status, const HttpHeaders& headers);

/// Whether the server forbade retrying with `x-should-retry: false`.
bool retry_forbidden(const HttpHeaders& headers);

/// Seconds to wait before retry number `retry` (1: the first). The server's
/// `retry-after-ms` or `retry-after` (seconds or an HTTP date) wins, capped at
/// `max_retry_after_seconds`; otherwise exponential backoff from
/// `backoff_initial_seconds` up to `backoff_max_seconds`, less up to 25% jitter.
double retry_wait_seconds(const ProviderOptions& options, int retry, const HttpHeaders& headers);

/// The server's own words from an error body (`error.message`, `error` as a string,
/// `message`, `detail`), or the start of a body that is not JSON; always one line.
std::string server_error_message(const std::string& body);

/// Whether an error body, or an error message, says the prompt did not fit the
/// model's context (llama-server, vLLM, OpenAI, Anthropic wordings).
bool is_context_overflow(const std::string& body);
bool is_context_overflow_message(const std::string& message);

/// How a non-2xx answer that will not be retried is classified.
FailureKind failure_kind_for_status(int status, const std::string& body);

}  // namespace showdown
