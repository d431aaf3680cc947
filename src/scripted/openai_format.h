#pragma once
// The scripted server's answers in OpenAI Chat Completions JSON (WIRE-FORMATS.md
// §1), with llama-server's `timings` when the turn asks for them (§2).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scripted/reply.h"

namespace showdown {

nlohmann::json openai_response(const ScriptedReply& reply);

/// The chunks of a streamed answer, ending with `[DONE]`. Text comes in a few
/// pieces and each call's arguments over at least two chunks (when longer than
/// one character), as real servers fragment them.
std::vector<ScriptedEvent> openai_stream(const ScriptedReply& reply, bool include_usage);

/// `{"error": {"message", "type", "code"}}`.
nlohmann::json openai_error(const std::string& message, const std::string& type,
                            const nlohmann::json& code);

}  // namespace showdown
