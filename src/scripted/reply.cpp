#include "scripted/reply.h"

#include <algorithm>

namespace showdown {

ScriptedReply make_reply(const Script& script, const ScriptTurn& turn, size_t turn_index,
                         size_t prompt_bytes) {
  ScriptedReply reply;
  reply.model = script.model;
  reply.turn_index = turn_index;
  reply.content = turn.content;
  reply.reasoning = turn.reasoning;
  size_t completion_bytes = turn.content.size() + turn.reasoning.size();
  for (const auto& call : turn.tool_calls) {
    std::string arguments =
        call.arguments.is_string() ? call.arguments.get<std::string>() : call.arguments.dump();
    completion_bytes += call.name.size() + arguments.size();
    reply.call_names.push_back(call.name);
    reply.call_arguments.push_back(std::move(arguments));
  }
  reply.finish_reason = !turn.finish_reason.empty() ? turn.finish_reason
                        : turn.tool_calls.empty()   ? "stop"
                                                    : "tool_calls";
  reply.prompt_tokens = turn.prompt_tokens.value_or(estimate_tokens(prompt_bytes));
  reply.completion_tokens = turn.completion_tokens.value_or(estimate_tokens(completion_bytes));
  reply.timings = turn.timings;
  return reply;
}

nlohmann::json timings_json(const ScriptedReply& reply, const TimingSpeeds& speeds) {
  double prompt_ms = reply.prompt_tokens * 1000.0 / speeds.prompt_per_second;
  double predicted_ms = reply.completion_tokens * 1000.0 / speeds.predicted_per_second;
  return {{"cache_n", 0},
          {"prompt_n", reply.prompt_tokens},
          {"prompt_ms", prompt_ms},
          {"prompt_per_token_ms", 1000.0 / speeds.prompt_per_second},
          {"prompt_per_second", speeds.prompt_per_second},
          {"predicted_n", reply.completion_tokens},
          {"predicted_ms", predicted_ms},
          {"predicted_per_token_ms", 1000.0 / speeds.predicted_per_second},
          {"predicted_per_second", speeds.predicted_per_second}};
}

std::string format_sse(const ScriptedEvent& event) {
  std::string out;
  if (!event.event.empty()) out += "event: " + event.event + "\n";
  out += "data: " + event.data + "\n\n";
  return out;
}

std::vector<std::string> split_text(const std::string& text, size_t pieces) {
  std::vector<std::string> parts;
  if (text.empty() || pieces == 0) return parts;
  size_t target = std::max<size_t>(1, (text.size() + pieces - 1) / pieces);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + target);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    parts.push_back(text.substr(start, end - start));
    start = end;
  }
  return parts;
}

}  // namespace showdown
