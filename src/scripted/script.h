#pragma once
// Scripts for the scripted model server: what each assistant turn answers, loaded
// from JSON files and validated strictly so a typo fails at start, not mid-showdown.
// The format is described in docs/scripts.md.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace showdown {

/// How a turn's first request fails; the retry gets the turn itself.
enum class ScriptFault { none, http_500, http_429, reset, truncated_stream, malformed_json, hang };

const char* fault_name(ScriptFault fault);
bool parse_fault(const std::string& name, ScriptFault* fault);

/// A scripted tool call. `arguments` is normally an object; a string is sent
/// verbatim as the arguments text, so a script can play a model that writes
/// broken arguments.
struct ScriptedCall {
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
};

/// Token speeds behind the llama-server style `timings` a turn reports.
struct TimingSpeeds {
  double prompt_per_second = 1000;
  double predicted_per_second = 50;
};

/// One assistant turn as the script plays it (after `repeat` expansion).
/// Unset token counts are estimated from the request and the turn.
struct ScriptTurn {
  std::string content;
  std::string reasoning;
  std::vector<ScriptedCall> tool_calls;
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> completion_tokens;
  int64_t delay_ms = 0;
  ScriptFault fault = ScriptFault::none;
  int64_t retry_after_s = 1;
  std::optional<TimingSpeeds> timings;  // set: OpenAI answers carry `timings`
  std::string finish_reason;            // empty: "tool_calls" with calls, else "stop"
};

/// A loaded script: the model name requests pick it by, where it came from (for
/// messages), and its turns with every `repeat` expanded.
struct Script {
  std::string model;
  std::string source;
  std::vector<ScriptTurn> turns;
  std::optional<TimingSpeeds> timings;  // the script-wide default, kept for the final turn
};

/// Parses one script; errors name `source` and the field, e.g.
/// `demo/a.json: turns[3].fault: unknown fault "http_501"`.
bool parse_script(const nlohmann::json& j, const std::string& source, Script* script,
                  std::string* err);

/// Loads a script file, or every `*.json` file of a folder (sorted by name).
/// Model names must be unique across the folder.
bool load_scripts(const std::filesystem::path& path, std::vector<Script>* scripts,
                  std::string* err);

/// The script a request's `model` names; with one script loaded, that one
/// whatever the name. Null when none matches.
const Script* select_script(const std::vector<Script>& scripts, const std::string& model);

/// The turn played after `assistant_messages` assistant messages; past the last
/// turn, a plain final message ("Done.", finish "stop").
ScriptTurn turn_at(const Script& script, size_t assistant_messages);

/// The rough token count of `bytes` bytes of text (4 bytes a token, at least 1).
int64_t estimate_tokens(size_t bytes);

}  // namespace showdown
