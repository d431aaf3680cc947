#pragma once
// The conversation as the agent sees it, independent of any API dialect. The
// provider clients translate these to and from OpenAI and Anthropic JSON; nothing
// else knows either dialect.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace showdown {

enum class Role { system, user, assistant, tool };
const char* role_name(Role role);
bool parse_role(const std::string& name, Role* role);

/// A structured tool call as the model made it. `arguments` is the parsed object;
/// when the model sent arguments that are not a JSON object, `arguments` is null,
/// `arguments_error` says why and `raw_arguments` keeps what was sent.
struct ToolCall {
  std::string id;
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
  std::string raw_arguments;
  std::string arguments_error;

  bool operator==(const ToolCall&) const = default;
};

struct Message {
  Role role = Role::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant only
  std::string tool_call_id;          // tool only: the call this answers
  std::string tool_name;             // tool only
  bool is_error = false;             // tool only: the tool reported failure

  bool operator==(const Message&) const = default;
};

/// What the agent offers the model: a name, a description and a JSON Schema.
struct ToolSpec {
  std::string name;
  std::string description;
  nlohmann::json parameters = nlohmann::json::object();
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total() const { return prompt_tokens + completion_tokens; }
};

/// llama-server's per-response `timings`; `present` is false for servers without them.
struct Timings {
  bool present = false;
  int64_t prompt_n = 0;
  double prompt_ms = 0;
  double prompt_per_second = 0;
  int64_t predicted_n = 0;
  double predicted_ms = 0;
  double predicted_per_second = 0;
  int64_t cache_n = 0;
};

struct Request {
  std::string system;
  std::vector<Message> messages;  // user / assistant / tool, in order
  std::vector<ToolSpec> tools;
  int max_output_tokens = 4096;
};

/// One retried attempt, reported as it happens so it can be recorded.
struct RetryNotice {
  int attempt = 0;      // the attempt that failed, from 1
  int http_status = 0;  // 0: connection-level failure
  std::string reason;   // e.g. "HTTP 429", "connection reset", "stream truncated"
  double wait_seconds = 0;
};

/// One model turn. `finish_reason` is normalised: "stop", "tool_calls", "length",
/// "content_filter", or the server's own word when it is none of these.
struct Response {
  std::string content;
  std::string reasoning;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;
  Usage usage;
  bool usage_reported = false;  // false: the server sent no usage
  Timings timings;
  std::string server_model;     // the model id the server answered with
  double latency_seconds = 0;   // request sent -> last byte
  int attempts = 1;             // 1 + retries
  std::vector<RetryNotice> retries;  // the failed attempts before the one that answered
};

nlohmann::json to_json(const ToolCall& call);
nlohmann::json to_json(const Usage& usage);
nlohmann::json to_json(const Timings& timings);
nlohmann::json to_json(const ToolSpec& spec);
ToolCall tool_call_from_json(const nlohmann::json& j);
Usage usage_from_json(const nlohmann::json& j);
Timings timings_from_json(const nlohmann::json& j);

/// Parses a tool call's argument string into `call->arguments`, filling
/// `arguments_error` when it is not a JSON object. An empty string is `{}`.
void parse_tool_arguments(const std::string& raw, ToolCall* call);

}  // namespace showdown
