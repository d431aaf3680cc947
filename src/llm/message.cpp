#include "llm/message.h"

namespace showdown {

const char* role_name(Role role) {
  switch (role) {
    case Role::system: return "system";
    case Role::user: return "user";
    case Role::assistant: return "assistant";
    case Role::tool: return "tool";
  }
  return "user";
}

bool parse_role(const std::string& name, Role* role) {
  if (name == "system") *role = Role::system;
  else if (name == "user") *role = Role::user;
  else if (name == "assistant") *role = Role::assistant;
  else if (name == "tool") *role = Role::tool;
  else return false;
  return true;
}

nlohmann::json to_json(const ToolCall& call) {
  nlohmann::json j = {{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}};
  if (!call.arguments_error.empty()) {
    j["raw_arguments"] = call.raw_arguments;
    j["arguments_error"] = call.arguments_error;
  }
  return j;
}

nlohmann::json to_json(const Usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.total()}};
}

nlohmann::json to_json(const Timings& t) {
  if (!t.present) return nullptr;
  return {{"prompt_n", t.prompt_n},         {"prompt_ms", t.prompt_ms},
          {"prompt_per_second", t.prompt_per_second},
          {"predicted_n", t.predicted_n},   {"predicted_ms", t.predicted_ms},
          {"predicted_per_second", t.predicted_per_second}, {"cache_n", t.cache_n}};
}

nlohmann::json to_json(const ToolSpec& spec) {
  return {{"name", spec.name}, {"description", spec.description}, {"parameters", spec.parameters}};
}

ToolCall tool_call_from_json(const nlohmann::json& j) {
  ToolCall call;
  call.id = j.value("id", "");
  call.name = j.value("name", "");
  if (j.contains("arguments")) call.arguments = j["arguments"];
  call.raw_arguments = j.value("raw_arguments", "");
  call.arguments_error = j.value("arguments_error", "");
  return call;
}

Usage usage_from_json(const nlohmann::json& j) {
  Usage usage;
  if (!j.is_object()) return usage;
  usage.prompt_tokens = j.value("prompt_tokens", int64_t{0});
  usage.completion_tokens = j.value("completion_tokens", int64_t{0});
  return usage;
}

Timings timings_from_json(const nlohmann::json& j) {
  Timings t;
  if (!j.is_object()) return t;
  t.present = true;
  t.prompt_n = j.value("prompt_n", int64_t{0});
  t.prompt_ms = j.value("prompt_ms", 0.0);
  t.prompt_per_second = j.value("prompt_per_second", 0.0);
  t.predicted_n = j.value("predicted_n", int64_t{0});
  t.predicted_ms = j.value("predicted_ms", 0.0);
  t.predicted_per_second = j.value("predicted_per_second", 0.0);
  t.cache_n = j.value("cache_n", int64_t{0});
  return t;
}

void parse_tool_arguments(const std::string& raw, ToolCall* call) {
  call->raw_arguments = raw;
  call->arguments_error.clear();
  if (raw.find_first_not_of(" \t\r\n") == std::string::npos) {
    call->arguments = nlohmann::json::object();
    return;
  }
  auto parsed = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    call->arguments = nullptr;
    call->arguments_error = "arguments are not valid JSON";
  } else if (!parsed.is_object()) {
    call->arguments = nullptr;
    call->arguments_error = "arguments are not a JSON object";
  } else {
    call->arguments = std::move(parsed);
  }
}

}  // namespace showdown
