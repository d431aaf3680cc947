#include "scripted/anthropic_format.h"

namespace showdown {

namespace {

std::string message_id(const ScriptedReply& reply) {
  return "msg_scripted_" + std::to_string(reply.turn_index);
}

std::string tool_use_id(const ScriptedReply& reply, size_t i) {
  return "toolu_" + std::to_string(reply.turn_index) + "_" + std::to_string(i);
}

// Anthropic clients expect Anthropic words; a script may still override with any word.
std::string stop_word(const std::string& reason) {
  if (reason == "stop") return "end_turn";
  if (reason == "tool_calls") return "tool_use";
  if (reason == "length") return "max_tokens";
  return reason;
}

// A call's input as an object; arguments that are not a JSON object (a script
// playing broken arguments) go out as they are, as a string.
nlohmann::json tool_input(const std::string& arguments) {
  nlohmann::json input = nlohmann::json::parse(arguments, nullptr, false);
  return input.is_object() ? input : nlohmann::json(arguments);
}

ScriptedEvent event(const std::string& name, nlohmann::json data) {
  data["type"] = name;
  return {name, data.dump()};
}

}  // namespace

nlohmann::json anthropic_response(const ScriptedReply& reply) {
  nlohmann::json content = nlohmann::json::array();
  if (!reply.reasoning.empty())
    content.push_back({{"type", "thinking"}, {"thinking", reply.reasoning}, {"signature", ""}});
  if (!reply.content.empty()) content.push_back({{"type", "text"}, {"text", reply.content}});
  for (size_t i = 0; i < reply.call_names.size(); ++i)
    content.push_back({{"type", "tool_use"},
                       {"id", tool_use_id(reply, i)},
                       {"name", reply.call_names[i]},
                       {"input", tool_input(reply.call_arguments[i])}});
  return {{"id", message_id(reply)},
          {"type", "message"},
          {"role", "assistant"},
          {"model", reply.model},
          {"content", std::move(content)},
          {"stop_reason", stop_word(reply.finish_reason)},
          {"stop_sequence", nullptr},
          {"usage",
           {{"input_tokens", reply.prompt_tokens},
            {"output_tokens", reply.completion_tokens},
            {"cache_creation_input_tokens", 0},
            {"cache_read_input_tokens", 0}}}};
}

std::vector<ScriptedEvent> anthropic_stream(const ScriptedReply& reply) {
  std::vector<ScriptedEvent> events;
  events.push_back(
      event("message_start",
            {{"message",
              {{"id", message_id(reply)},
               {"type", "message"},
               {"role", "assistant"},
               {"content", nlohmann::json::array()},
               {"model", reply.model},
               {"stop_reason", nullptr},
               {"stop_sequence", nullptr},
               {"usage", {{"input_tokens", reply.prompt_tokens}, {"output_tokens", 1}}}}}}));

  int index = 0;
  auto block = [&](nlohmann::json start, const std::vector<nlohmann::json>& deltas) {
    events.push_back(event("content_block_start", {{"index", index}, {"content_block", start}}));
    for (const auto& delta : deltas)
      events.push_back(event("content_block_delta", {{"index", index}, {"delta", delta}}));
    events.push_back(event("content_block_stop", {{"index", index}}));
    ++index;
  };

  if (!reply.reasoning.empty()) {
    std::vector<nlohmann::json> deltas;
    for (const auto& piece : split_text(reply.reasoning, 2))
      deltas.push_back({{"type", "thinking_delta"}, {"thinking", piece}});
    deltas.push_back({{"type", "signature_delta"}, {"signature", ""}});
    block({{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}, deltas);
  }
  if (!reply.content.empty()) {
    std::vector<nlohmann::json> deltas;
    for (const auto& piece : split_text(reply.content, 4))
      deltas.push_back({{"type", "text_delta"}, {"text", piece}});
    block({{"type", "text"}, {"text", ""}}, deltas);
  }
  for (size_t i = 0; i < reply.call_names.size(); ++i) {
    std::vector<nlohmann::json> deltas;
    for (const auto& piece : split_text(reply.call_arguments[i], 3))
      deltas.push_back({{"type", "input_json_delta"}, {"partial_json", piece}});
    block({{"type", "tool_use"},
           {"id", tool_use_id(reply, i)},
           {"name", reply.call_names[i]},
           {"input", nlohmann::json::object()}},
          deltas);
  }

  events.push_back(event(
      "message_delta",
      {{"delta", {{"stop_reason", stop_word(reply.finish_reason)}, {"stop_sequence", nullptr}}},
       {"usage",
        {{"input_tokens", reply.prompt_tokens}, {"output_tokens", reply.completion_tokens}}}}));
  events.push_back(event("message_stop", nlohmann::json::object()));
  return events;
}

nlohmann::json anthropic_error(const std::string& type, const std::string& message) {
  return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
}

}  // namespace showdown
