#pragma once
// Tool calls a model wrote as text inside `content` instead of making structured
// calls (WIRE-FORMATS.md §5 and §7). The same parse feeds the text_tool_calls
// detector and the agent's rescue_text_tool_calls option.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/message.h"

namespace showdown {

/// One call recognised in a known model format. `format` is one of: hermes,
/// qwen3_coder_xml, mistral, mistral_v11, llama3_json, llama3_python_tag, deepseek,
/// harmony, functionary, fenced_json, tool_code, kimi_k2, glm, minimax, gemma4,
/// generic. `arguments` is always a JSON object (empty when the model wrote none or
/// wrote something that is not an object). [begin, end) is the byte span in the text.
struct TextToolCall {
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
  std::string format;
  size_t begin = 0;
  size_t end = 0;

  bool operator==(const TextToolCall&) const = default;
};

/// A line that looks like a call to a known tool (`execute("ls")`, `read_file {...}`)
/// without being in any known format: counted apart, never executed.
struct SuspectedToolCall {
  std::string name;
  std::string line;   // the line, trimmed
  size_t begin = 0;   // byte offset of the line

  bool operator==(const SuspectedToolCall&) const = default;
};

/// Every call in the text, in order. Formats with an explicit marker (tags, special
/// tokens) accept any tool name; marker-less ones (a bare JSON object, a fenced block,
/// `>>>name`) only names in `known_tools`, so prose and code samples do not parse.
/// An empty `known_tools` accepts any name everywhere. Parameter values written as
/// raw text (Qwen3-Coder XML, GLM, MiniMax) stay strings.
std::vector<TextToolCall> parse_text_tool_calls(const std::string& text,
                                                const std::vector<std::string>& known_tools);

/// The same, typing raw-text parameter values by each tool's JSON Schema (integers,
/// numbers, booleans, arrays and objects parsed; strings verbatim).
std::vector<TextToolCall> parse_text_tool_calls(const std::string& text,
                                                const std::vector<ToolSpec>& tools);

/// Lines that start (after indentation, quote marks, bullets, backticks or a role
/// label such as `Assistant:`) with a known tool name followed by `(` or `{`,
/// outside the spans of `exact`.
std::vector<SuspectedToolCall> find_suspected_tool_calls(
    const std::string& text, const std::vector<std::string>& known_tools,
    const std::vector<TextToolCall>& exact);

}  // namespace showdown
