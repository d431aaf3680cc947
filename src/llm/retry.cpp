#include "llm/retry.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <random>

#include "llm/json_field.h"

namespace showdown {

namespace {

constexpr size_t kMaxMessage = 300;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const std::string* header(const HttpHeaders& headers, const char* name) {
  auto it = headers.find(name);
  return it == headers.end() ? nullptr : &it->second;
}

bool parse_number(const std::string& text, double* value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *value);
  return ec == std::errc() && ptr == end && std::isfinite(*value);
}

// Seconds the server asked us to wait, or a negative number when it did not say.
double server_retry_after(const HttpHeaders& headers) {
  double value = 0;
  if (const auto* ms = header(headers, "retry-after-ms"); ms && parse_number(*ms, &value)) {
    return value / 1000;
  }
  if (const auto* after = header(headers, "retry-after")) {
    if (parse_number(*after, &value)) return value;
    time_t when = curl_getdate(after->c_str(), nullptr);
    if (when != -1) return std::difftime(when, std::time(nullptr));
  }
  return -1;
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(' ');
  text = text.substr(begin, end - begin + 1);
  if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage) + "...";
  return text;
}

nlohmann::json parse_body(const std::string& body) {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

bool retry_forbidden(const HttpHeaders& headers) {
  const auto* value = header(headers, "x-should-retry");
  return value && lower(*value) == "false";
}

bool should_retry_status(int status, const HttpHeaders& headers) {
  if (const auto* value = header(headers, "x-should-retry")) {
    std::string v = lower(*value);
    if (v == "true") return true;
    if (v == "false") return false;
  }
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

double retry_wait_seconds(const ProviderOptions& options, int retry, const HttpHeaders& headers) {
  double asked = server_retry_after(headers);
  if (asked >= 0) return std::min(asked, options.max_retry_after_seconds);
  double wait = std::min(options.backoff_initial_seconds * std::pow(2.0, retry - 1),
                         options.backoff_max_seconds);
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.75, 1.0);
  return std::max(0.0, wait * jitter(rng));
}

std::string server_error_message(const std::string& body) {
  auto j = parse_body(body);
  if (j.is_discarded()) {
    std::string text = one_line(body);
    return text.empty() ? "(empty body)" : text;
  }
  if (const auto* error = json_field(j, "error")) {
    if (error->is_string()) return one_line(error->get<std::string>());
    std::string message = json_string(*error, "message");
    if (!message.empty()) return one_line(message);
  }
  for (const char* key : {"message", "detail"}) {
    std::string message = json_string(j, key);
    if (!message.empty()) return one_line(message);
  }
  return one_line(j.dump());
}

bool is_context_overflow_message(const std::string& message) {
  std::string m = lower(message);
  for (const char* phrase :
       {"context size", "context length", "context_length", "context window", "maximum context",
        "prompt is too long", "context overflow", "exceeds the available context"}) {
    if (m.find(phrase) != std::string::npos) return true;
  }
  return false;
}

bool is_context_overflow(const std::string& body) {
  auto j = parse_body(body);
  if (const auto* error = json_object(j, "error")) {
    std::string type = json_string(*error, "type");
    std::string code = json_string(*error, "code");
    if (type == "exceed_context_size_error" || code == "context_length_exceeded") return true;
  }
  return is_context_overflow_message(server_error_message(body));
}

FailureKind failure_kind_for_status(int status, const std::string& body) {
  if ((status == 400 || status == 413 || status == 422 || status == 500) &&
      is_context_overflow(body)) {
    return FailureKind::context_overflow;
  }
  if (status == 401 || status == 403) return FailureKind::auth;
  if (status == 404) return FailureKind::not_found;
  if (status >= 400 && status < 500 && status != 408 && status != 409 && status != 429) {
    return FailureKind::bad_request;
  }
  return FailureKind::infrastructure;
}

}  // namespace showdown
