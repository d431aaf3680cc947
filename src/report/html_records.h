#pragma once
// Transcript records read for display. The records come from a file a model's
// output went into, so every field is read defensively: a missing or mistyped
// field reads as empty, never as an exception.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detect/run_context.h"
#include "transcript/transcript.h"

namespace showdown {

/// A number field; `fallback` when absent or not a number. (Text, integer and
/// boolean fields are read with detect/run_context.h's readers.)
double number_field(const Record& r, const char* key, double fallback = 0);

/// JSON as a person reads it: pretty-printed, bad UTF-8 replaced rather than thrown on.
std::string json_text(const nlohmann::json& j);

/// The element id a record has in the run's transcript viewer: its message's
/// anchor ("run-3-m34") when it adds a message, else "run-3-s<seq>".
std::string record_anchor(const std::string& run, const Record& r);

/// One tool call and what it did, from its `tool_call` record and the
/// `tool_result` answering it.
struct ToolStep {
  size_t call_seq = 0;    // position of the tool_call record in the transcript
  int64_t result_seq = -1;  // position of its tool_result; -1 when it has none
  int index = 0;          // among the run's tool calls, from 1
  int step = 0;
  int message = 0;        // the tool result's message number; 0 when it has none
  int call_message = 0;   // the assistant message that made the call; 0 when unknown
  std::string name;
  std::string summary;    // "npm run build", "src/lib/tags.ts": what the call acted on
  bool rescued = false;   // parsed out of text the model wrote
  bool has_result = false;
  bool failed = false;    // is_error, a nonzero exit or a timeout
  std::string exit;       // "exit 1", "timed out", "" when not an execute
  bool build = false;     // ran the task's build command
  bool build_ok = false;
  bool commit = false;    // a `git commit` that exited 0
  bool push = false;      // a `git push` that exited 0
};

/// The run's tool calls in transcript order, each matched to the first later
/// result with its id (models may reuse ids).
std::vector<ToolStep> tool_steps(const std::vector<Record>& records, const std::string& build);

/// What a call acts on, in one line: execute's command, a file tool's path,
/// else its arguments as compact JSON.
std::string call_target(const std::string& name, const nlohmann::json& arguments);

/// The first `max_bytes` of `text`, cut at a line end when one is near and
/// never inside a UTF-8 sequence; `text` itself when it is short enough.
std::string head_of(const std::string& text, size_t max_bytes);

}  // namespace showdown
