#include "scripted/openai_format.h"

#include <ctime>

namespace showdown {

namespace {

std::string completion_id(const ScriptedReply& reply) {
  return "chatcmpl-scripted-" + std::to_string(reply.turn_index);
}

std::string call_id(const ScriptedReply& reply, size_t i) {
  return "call_" + std::to_string(reply.turn_index) + "_" + std::to_string(i);
}

nlohmann::json usage_json(const ScriptedReply& reply) {
  return {{"prompt_tokens", reply.prompt_tokens},
          {"completion_tokens", reply.completion_tokens},
          {"total_tokens", reply.prompt_tokens + reply.completion_tokens}};
}

// OpenAI clients expect OpenAI words; a script may still override with any word.
std::string finish_word(const std::string& reason) {
  if (reason == "end_turn") return "stop";
  if (reason == "tool_use") return "tool_calls";
  if (reason == "max_tokens") return "length";
  return reason;
}

nlohmann::json chunk(const ScriptedReply& reply, nlohmann::json choices) {
  return {{"id", completion_id(reply)},
          {"object", "chat.completion.chunk"},
          {"created", static_cast<int64_t>(std::time(nullptr))},
          {"model", reply.model},
          {"choices", std::move(choices)}};
}

nlohmann::json delta_choice(nlohmann::json delta) {
  return nlohmann::json::array(
      {{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", nullptr}}});
}

}  // namespace

nlohmann::json openai_response(const ScriptedReply& reply) {
  nlohmann::json message = {{"role", "assistant"}};
  bool has_calls = !reply.call_names.empty();
  message["content"] =
      reply.content.empty() && has_calls ? nlohmann::json(nullptr) : nlohmann::json(reply.content);
  if (!reply.reasoning.empty()) message["reasoning_content"] = reply.reasoning;
  if (has_calls) {
    nlohmann::json calls = nlohmann::json::array();
    for (size_t i = 0; i < reply.call_names.size(); ++i)
      calls.push_back(
          {{"id", call_id(reply, i)},
           {"type", "function"},
           {"function", {{"name", reply.call_names[i]}, {"arguments", reply.call_arguments[i]}}}});
    message["tool_calls"] = std::move(calls);
  }
  nlohmann::json body = {
      {"id", completion_id(reply)},
      {"object", "chat.completion"},
      {"created", static_cast<int64_t>(std::time(nullptr))},
      {"model", reply.model},
      {"choices", nlohmann::json::array({{{"index", 0},
                                          {"finish_reason", finish_word(reply.finish_reason)},
                                          {"message", std::move(message)}}})},
      {"usage", usage_json(reply)}};
  if (reply.timings) body["timings"] = timings_json(reply, *reply.timings);
  return body;
}

std::vector<ScriptedEvent> openai_stream(const ScriptedReply& reply, bool include_usage) {
  std::vector<nlohmann::json> chunks;
  chunks.push_back(chunk(reply, delta_choice({{"role", "assistant"}, {"content", ""}})));
  for (const auto& piece : split_text(reply.reasoning, 2))
    chunks.push_back(chunk(reply, delta_choice({{"reasoning_content", piece}})));
  for (const auto& piece : split_text(reply.content, 4))
    chunks.push_back(chunk(reply, delta_choice({{"content", piece}})));
  for (size_t i = 0; i < reply.call_names.size(); ++i) {
    chunks.push_back(chunk(
        reply, delta_choice(
                   {{"tool_calls",
                     nlohmann::json::array(
                         {{{"index", i},
                           {"id", call_id(reply, i)},
                           {"type", "function"},
                           {"function", {{"name", reply.call_names[i]}, {"arguments", ""}}}}})}})));
    for (const auto& piece : split_text(reply.call_arguments[i], 3))
      chunks.push_back(chunk(
          reply, delta_choice({{"tool_calls",
                                nlohmann::json::array(
                                    {{{"index", i}, {"function", {{"arguments", piece}}}}})}})));
  }
  chunks.push_back(
      chunk(reply, nlohmann::json::array({{{"index", 0},
                                           {"delta", nlohmann::json::object()},
                                           {"finish_reason", finish_word(reply.finish_reason)}}})));
  if (include_usage) {
    nlohmann::json usage_chunk = chunk(reply, nlohmann::json::array());
    usage_chunk["usage"] = usage_json(reply);
    chunks.push_back(std::move(usage_chunk));
  }
  // llama-server puts `timings` on the last chunk before [DONE].
  if (reply.timings) chunks.back()["timings"] = timings_json(reply, *reply.timings);

  std::vector<ScriptedEvent> events;
  for (const auto& c : chunks) events.push_back({"", c.dump()});
  events.push_back({"", "[DONE]"});
  return events;
}

nlohmann::json openai_error(const std::string& message, const std::string& type,
                            const nlohmann::json& code) {
  return {{"error", {{"message", message}, {"type", type}, {"code", code}}}};
}

}  // namespace showdown
