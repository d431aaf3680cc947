#pragma once
// A scripted turn made concrete for one request, independent of the API dialect:
// token counts settled (scripted or estimated), arguments rendered as text, and
// the pieces streams split text into.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scripted/script.h"

namespace showdown {

/// What one request gets back. `finish_reason` is in OpenAI's words (or the
/// script's own override, passed through); each dialect maps it.
struct ScriptedReply {
  std::string model;
  size_t turn_index = 0;  // ids are derived from it, so replays are reproducible
  std::string content;
  std::string reasoning;
  std::vector<std::string> call_names;
  std::vector<std::string> call_arguments;  // each call's arguments as JSON text
  std::string finish_reason;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  std::optional<TimingSpeeds> timings;
};

/// `prompt_bytes` is the size of the request's conversation and tools.
ScriptedReply make_reply(const Script& script, const ScriptTurn& turn, size_t turn_index,
                         size_t prompt_bytes);

/// llama-server's `timings` object for a reply's token counts.
nlohmann::json timings_json(const ScriptedReply& reply, const TimingSpeeds& speeds);

/// One Server-Sent Event: an optional `event:` name and one `data:` line.
struct ScriptedEvent {
  std::string event;
  std::string data;
};

std::string format_sse(const ScriptedEvent& event);

/// Splits text into up to `pieces` parts of similar size, never inside a UTF-8
/// character (each part must stay valid inside a JSON string). Empty text gives
/// no parts.
std::vector<std::string> split_text(const std::string& text, size_t pieces);

}  // namespace showdown
