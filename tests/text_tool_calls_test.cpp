// links: showdown_detect
#include "detect/text_tool_calls.h"

#include <chrono>

#include <gtest/gtest.h>

namespace showdown {
namespace {

using nlohmann::json;

std::vector<ToolSpec> tools() {
  return {
      {"execute", "run a shell command",
       json::parse(R"({"type":"object","properties":{"command":{"type":"string"},
                       "timeout":{"type":"integer"},"background":{"type":"boolean"}},
                       "required":["command"]})")},
      {"read_file", "read a file",
       json::parse(R"({"type":"object","properties":{"path":{"type":"string"},
                       "offset":{"type":"integer"},"lines":{"type":["integer","null"]}},
                       "required":["path"]})")},
      {"write_file", "write a file",
       json::parse(R"({"type":"object","properties":{"path":{"type":"string"},
                       "content":{"type":"string"}},"required":["path","content"]})")},
      {"edit_file", "replace text",
       json::parse(R"({"type":"object","properties":{"path":{"type":"string"},
                       "edits":{"type":"array"}},"required":["path"]})")},
  };
}

struct Expected {
  std::string name;
  std::string format;
  json arguments;
};

struct Case {
  const char* label;
  std::string text;
  std::vector<Expected> calls;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"hermes",
       "<tool_call>\n{\"name\": \"execute\", \"arguments\": {\"command\": \"ls\"}}\n</tool_call>",
       {{"execute", "hermes", {{"command", "ls"}}}}},
      {"hermes_two_calls_after_prose",
       "Let me look around first.\n\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": "
       "{\"path\": \"package.json\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"execute\", "
       "\"arguments\": {\"command\": \"git log --oneline -5\"}}\n</tool_call>",
       {{"read_file", "hermes", {{"path", "package.json"}}},
        {"execute", "hermes", {{"command", "git log --oneline -5"}}}}},
      {"hermes_arguments_as_string_with_escaped_quotes",
       R"(<tool_call>{"name": "execute", "arguments": "{\"command\": \"echo \\\"hi }\\\" > a.txt\"}"}</tool_call>)",
       {{"execute", "hermes", {{"command", "echo \"hi }\" > a.txt"}}}}},
      {"hermes_nested_json_and_unicode",
       "<tool_call>\n{\"name\": \"write_file\", \"arguments\": {\"path\": \"data/日本.json\", "
       "\"content\": \"{\\\"tags\\\": [{\\\"name\\\": \\\"café\\\", \\\"n\\\": 2}]}\\n\"}}\n"
       "</tool_call>",
       {{"write_file", "hermes",
         {{"path", "data/日本.json"}, {"content", "{\"tags\": [{\"name\": \"café\", \"n\": 2}]}\n"}}}}},
      {"hermes_unclosed_at_end_of_text",
       "<tool_call>\n{\"name\": \"execute\", \"arguments\": {\"command\": \"npm run build\"}}",
       {{"execute", "hermes", {{"command", "npm run build"}}}}},
      {"hermes_function_tag_with_json",
       "<function=read_file>{\"path\": \"src/lib/posts.ts\"}</function>",
       {{"read_file", "hermes", {{"path", "src/lib/posts.ts"}}}}},
      {"qwen3_coder_xml_typed_parameters",
       "<tool_call>\n<function=execute>\n<parameter=command>\ncd ~/blog && npm run build\n"
       "</parameter>\n<parameter=timeout>\n120\n</parameter>\n<parameter=background>\nfalse\n"
       "</parameter>\n</function>\n</tool_call>",
       {{"execute", "qwen3_coder_xml",
         {{"command", "cd ~/blog && npm run build"}, {"timeout", 120}, {"background", false}}}}},
      {"qwen3_coder_xml_multiline_value_and_two_calls",
       "I'll write the file.\n<tool_call>\n<function=write_file>\n<parameter=path>\nsrc/a.ts\n"
       "</parameter>\n<parameter=content>\nexport const a = 1;\n\nexport const b = \"<b>\";\n"
       "</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=read_file>\n"
       "<parameter=path>\nsrc/a.ts\n</parameter>\n<parameter=lines>\nnull\n</parameter>\n"
       "</function>\n</tool_call>",
       {{"write_file", "qwen3_coder_xml",
         {{"path", "src/a.ts"}, {"content", "export const a = 1;\n\nexport const b = \"<b>\";"}}},
        {"read_file", "qwen3_coder_xml", {{"path", "src/a.ts"}, {"lines", nullptr}}}}},
      {"qwen3_coder_xml_typed_array",
       "<function=edit_file>\n<parameter=path>\na.txt\n</parameter>\n<parameter=edits>\n"
       "[{\"old\": \"x\", \"new\": \"y\"}]\n</parameter>\n</function>",
       {{"edit_file", "qwen3_coder_xml",
         {{"path", "a.txt"}, {"edits", json::parse(R"([{"old":"x","new":"y"}])")}}}}},
      {"mistral_array_with_ids",
       "[TOOL_CALLS][{\"name\": \"execute\", \"arguments\": {\"command\": \"ls\"}, \"id\": "
       "\"a1b2c3d4e\"}, {\"name\": \"read_file\", \"arguments\": {\"path\": \"README.md\"}, "
       "\"id\": \"f5g6h7i8j\"}]",
       {{"execute", "mistral", {{"command", "ls"}}},
        {"read_file", "mistral", {{"path", "README.md"}}}}},
      {"mistral_v11_two_markers",
       "[TOOL_CALLS]execute[ARGS]{\"command\": \"pwd\"}[TOOL_CALLS]read_file[ARGS]{\"path\": "
       "\"a.txt\"}",
       {{"execute", "mistral_v11", {{"command", "pwd"}}},
        {"read_file", "mistral_v11", {{"path", "a.txt"}}}}},
      {"mistral_v11_with_call_id",
       "[TOOL_CALLS]read_file[CALL_ID]000000001[ARGS]{\"path\": \"a.txt\"}",
       {{"read_file", "mistral_v11", {{"path", "a.txt"}}}}},
      {"llama3_json_alone",
       "{\"name\": \"execute\", \"parameters\": {\"command\": \"cat package.json\"}}",
       {{"execute", "llama3_json", {{"command", "cat package.json"}}}}},
      {"llama3_json_typed_function",
       "  {\"type\": \"function\", \"name\": \"read_file\", \"parameters\": {\"path\": \"x.md\"}}\n",
       {{"read_file", "llama3_json", {{"path", "x.md"}}}}},
      {"llama3_python_tag_json",
       "<|python_tag|>{\"name\": \"execute\", \"parameters\": {\"command\": \"ls\"}}<|eom_id|>",
       {{"execute", "llama3_python_tag", {{"command", "ls"}}}}},
      {"llama3_python_tag_call_syntax",
       "<|python_tag|>read_file.call(path=\"notes/todo.txt\")",
       {{"read_file", "llama3_python_tag", {{"path", "notes/todo.txt"}}}}},
      {"deepseek_r1",
       "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>execute\n```json\n"
       "{\"command\": \"ls\"}\n```<｜tool▁call▁end｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>"
       "read_file\n```json\n{\"path\": \"a.txt\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
       {{"execute", "deepseek", {{"command", "ls"}}}, {"read_file", "deepseek", {{"path", "a.txt"}}}}},
      {"deepseek_v31",
       "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>execute<｜tool▁sep｜>{\"command\": \"git status\"}"
       "<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
       {{"execute", "deepseek", {{"command", "git status"}}}}},
      {"harmony",
       "<|start|>assistant<|channel|>commentary to=functions.execute <|constrain|>json"
       "<|message|>{\"command\":\"ls -la\"}<|call|>",
       {{"execute", "harmony", {{"command", "ls -la"}}}}},
      {"functionary_v3",
       ">>>read_file\n{\"path\": \"src/index.ts\"}\n>>>execute\n{\"command\": \"npm test\"}",
       {{"read_file", "functionary", {{"path", "src/index.ts"}}},
        {"execute", "functionary", {{"command", "npm test"}}}}},
      {"gemma_tool_code",
       "```tool_code\nexecute(command=\"ls -la ~/blog\", timeout=30)\n```",
       {{"execute", "tool_code", {{"command", "ls -la ~/blog"}, {"timeout", 30}}}}},
      {"tool_code_print_default_api_and_positional",
       "```tool_code\nprint(default_api.read_file(\"src/lib/tags.ts\"))\n```",
       {{"read_file", "tool_code", {{"path", "src/lib/tags.ts"}}}}},
      {"fenced_json",
       "I'll run it:\n```json\n{\"name\": \"execute\", \"arguments\": {\"command\": \"npm run build\"}}\n```",
       {{"execute", "fenced_json", {{"command", "npm run build"}}}}},
      {"kimi_k2_two_calls",
       "<|tool_calls_section_begin|><|tool_call_begin|>functions.read_file:0"
       "<|tool_call_argument_begin|>{\"path\": \"a.txt\"}<|tool_call_end|><|tool_call_begin|>"
       "functions.execute:1<|tool_call_argument_begin|>{\"command\": \"ls\"}<|tool_call_end|>"
       "<|tool_calls_section_end|>",
       {{"read_file", "kimi_k2", {{"path", "a.txt"}}}, {"execute", "kimi_k2", {{"command", "ls"}}}}},
      {"glm",
       "<tool_call>read_file\n<arg_key>path</arg_key>\n<arg_value>a.txt</arg_value>\n"
       "<arg_key>offset</arg_key>\n<arg_value>10</arg_value>\n</tool_call>",
       {{"read_file", "glm", {{"path", "a.txt"}, {"offset", 10}}}}},
      {"minimax",
       "<minimax:tool_call>\n<invoke name=\"read_file\">\n<parameter name=\"path\">a.txt"
       "</parameter>\n</invoke>\n<invoke name=\"execute\">\n<parameter name=\"command\">ls"
       "</parameter>\n</invoke>\n</minimax:tool_call>",
       {{"read_file", "minimax", {{"path", "a.txt"}}}, {"execute", "minimax", {{"command", "ls"}}}}},
      {"gemma4",
       "<|tool_call>call:write_file{path:<|\"|>a, b.txt<|\"|>,content:<|\"|>x: {y}\n<|\"|>}"
       "<tool_call|>",
       {{"write_file", "gemma4", {{"path", "a, b.txt"}, {"content", "x: {y}\n"}}}}},
      {"gemma4_numbers_and_nesting",
       "<|tool_call>call:execute{command:<|\"|>sleep 1<|\"|>,timeout:5,env:{A:<|\"|>1<|\"|>}}"
       "<tool_call|>",
       {{"execute", "gemma4",
         {{"command", "sleep 1"}, {"timeout", 5}, {"env", {{"A", "1"}}}}}}},
      {"llama_cpp_generic",
       "{\"tool_call\": {\"name\": \"read_file\", \"arguments\": {\"path\": \"a.txt\"}}}",
       {{"read_file", "generic", {{"path", "a.txt"}}}}},
      {"generic_inside_fence",
       "```json\n{\"tool_calls\": [{\"name\": \"execute\", \"arguments\": {\"command\": \"ls\"}}]}\n```",
       {{"execute", "generic", {{"command", "ls"}}}}},
      // What must not parse: prose, code samples, JSON that is data.
      {"prose_naming_tools",
       "I will use execute to run `ls`, then read_file on package.json. The <tool_call> "
       "format is not needed here.",
       {}},
      {"package_json_in_fence",
       "Here is the manifest:\n```json\n{\"name\": \"blog\", \"version\": \"1.0.0\", "
       "\"scripts\": {\"build\": \"next build\"}}\n```",
       {}},
      {"json_with_unknown_name",
       "{\"name\": \"lookup_weather\", \"parameters\": {\"city\": \"Oslo\"}}",
       {}},
      {"python_sample_calling_a_function_named_like_a_tool",
       "```python\ndef main():\n    read_file(\"config.yaml\")\n```",
       {}},
      {"doctest_prompt_is_not_functionary", ">>> print(1 + 1)\n2", {}},
  };
  return all;
}

class TextToolCallFormats : public ::testing::TestWithParam<Case> {};

TEST_P(TextToolCallFormats, ParsesToNameFormatAndArguments) {
  const Case& c = GetParam();
  auto calls = parse_text_tool_calls(c.text, tools());
  ASSERT_EQ(calls.size(), c.calls.size()) << c.text;
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].name, c.calls[i].name) << c.label;
    EXPECT_EQ(calls[i].format, c.calls[i].format) << c.label;
    EXPECT_EQ(calls[i].arguments, c.calls[i].arguments) << c.label;
    EXPECT_LT(calls[i].begin, calls[i].end);
    EXPECT_LE(calls[i].end, c.text.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Literal, TextToolCallFormats, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(TextToolCalls, SpanCoversTheWholeTagSoRescueCanCutItOut) {
  std::string prefix = "Checking.\n";
  std::string call =
      "<tool_call>\n{\"name\": \"execute\", \"arguments\": {\"command\": \"ls\"}}\n</tool_call>";
  auto calls = parse_text_tool_calls(prefix + call + "\nDone.", tools());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].begin, prefix.size());
  EXPECT_EQ(calls[0].end, prefix.size() + call.size());
}

TEST(TextToolCalls, WithoutSchemasRawTextValuesStayStrings) {
  auto calls = parse_text_tool_calls(
      "<function=execute>\n<parameter=timeout>\n120\n</parameter>\n</function>",
      std::vector<std::string>{"execute"});
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].arguments, json({{"timeout", "120"}}));
}

TEST(TextToolCalls, MarkedFormatsAcceptToolsTheRunDidNotOffer) {
  auto calls = parse_text_tool_calls(
      "<tool_call>\n{\"name\": \"browser_navigate\", \"arguments\": {\"url\": \"http://x\"}}\n"
      "</tool_call>",
      std::vector<std::string>{"execute"});
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].name, "browser_navigate");
}

TEST(TextToolCalls, MalformedJsonInsideATagIsNotACall) {
  EXPECT_TRUE(parse_text_tool_calls("<tool_call>\n{\"name\": \"execute\", \"arguments\": {\"comm",
                                    tools())
                  .empty());
  EXPECT_TRUE(parse_text_tool_calls("[TOOL_CALLS]execute[ARGS]{\"command\": ", tools()).empty());
}

TEST(TextToolCalls, TextCutAnywhereNeverCrashesOrLeavesTheText) {
  for (const auto& c : cases()) {
    for (size_t n = 0; n <= c.text.size(); ++n) {
      std::string cut = c.text.substr(0, n);
      auto calls = parse_text_tool_calls(cut, tools());
      for (const auto& call : calls) {
        EXPECT_LE(call.begin, call.end);
        EXPECT_LE(call.end, cut.size());
        EXPECT_TRUE(call.arguments.is_object());
      }
      find_suspected_tool_calls(cut, {"execute", "read_file"}, calls);
    }
  }
}

TEST(TextToolCalls, AModelLoopingOnAMarkerStaysCheap) {
  std::string text;
  while (text.size() < 100000) text += "<tool_call>\n{\"name\": \"execute\", \"arguments\": {";
  auto start = std::chrono::steady_clock::now();
  parse_text_tool_calls(text, tools());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  EXPECT_LT(ms, 500);
}

TEST(SuspectedToolCalls, FindsPseudoCallsInAFakeConversation) {
  std::string text =
      "User: please fix the bug in app.py\n"
      "Assistant: Let me look at the project.\n"
      "execute(\"ls -la\")\n"
      "Tool: app.py  requirements.txt\n"
      "Assistant: read_file(\"app.py\")\n"
      "  - `write_file {\"path\": \"app.py\"}`\n"
      "Then I executed the tests (all passed).\n";
  std::vector<std::string> names = {"execute", "read_file", "write_file"};
  auto exact = parse_text_tool_calls(text, names);
  EXPECT_TRUE(exact.empty());
  auto suspected = find_suspected_tool_calls(text, names, exact);
  ASSERT_EQ(suspected.size(), 3u);
  EXPECT_EQ(suspected[0].name, "execute");
  EXPECT_EQ(suspected[0].line, "execute(\"ls -la\")");
  EXPECT_EQ(suspected[1].name, "read_file");
  EXPECT_EQ(suspected[2].name, "write_file");
}

TEST(SuspectedToolCalls, LinesInsideExactCallsAreNotCountedTwice) {
  std::string text = "```tool_code\nexecute(command=\"ls\")\n```";
  std::vector<std::string> names = {"execute"};
  auto exact = parse_text_tool_calls(text, names);
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_TRUE(find_suspected_tool_calls(text, names, exact).empty());
}

TEST(SuspectedToolCalls, ProseMentioningAToolIsNotSuspected) {
  std::vector<std::string> names = {"execute", "read_file"};
  EXPECT_TRUE(find_suspected_tool_calls(
                  "I'll execute the build next (it takes a minute).\nread_file is handy.", names, {})
                  .empty());
}

}  // namespace
}  // namespace showdown
