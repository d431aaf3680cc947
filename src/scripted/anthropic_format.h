#pragma once
// The scripted server's answers in Anthropic Messages JSON (WIRE-FORMATS.md §3).
// Reasoning goes out as a `thinking` block, the API's own shape for it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scripted/reply.h"

namespace showdown {

nlohmann::json anthropic_response(const ScriptedReply& reply);

/// message_start, one content_block_start/delta.../stop per block (tool input as
/// `input_json_delta` pieces over at least two chunks when longer than one
/// character), message_delta with the stop reason and usage, message_stop.
std::vector<ScriptedEvent> anthropic_stream(const ScriptedReply& reply);

/// `{"type": "error", "error": {"type", "message"}}`.
nlohmann::json anthropic_error(const std::string& type, const std::string& message);

}  // namespace showdown
