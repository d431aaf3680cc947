#include "probe/probe.h"

#include <chrono>
#include <cstdlib>
#include <functional>

#include "detect/text_tool_calls.h"

namespace showdown {

using nlohmann::json;

namespace {

const char* const kSystem =
    "You are taking a short test of tool calling. Follow each instruction exactly. When told "
    "to call a tool, make a real tool call through the tools you are given; never describe "
    "the call or write it out as text.";

const char* const kCodeWord = "QUARTZ-7391-ORCHID";

std::vector<ToolSpec> probe_tools() {
  auto string_schema = [](std::vector<std::pair<std::string, std::string>> fields) {
    json properties = json::object();
    json required = json::array();
    for (const auto& [name, description] : fields) {
      properties[name] = {{"type", "string"}, {"description", description}};
      required.push_back(name);
    }
    return json{{"type", "object"}, {"properties", properties}, {"required", required}};
  };
  return {
      {"read_file", "Read a text file and return its content.",
       string_schema({{"path", "the file to read"}})},
      {"write_file", "Create or overwrite a text file with the given content.",
       string_schema({{"path", "the file to write"}, {"content", "the whole new content"}})},
  };
}

// Quotes, a line break, non-ASCII text and a long line: what servers and chat
// templates most often mangle on the way into a tool call's arguments.
json tricky_arguments() {
  std::string long_line;
  for (int i = 1; i <= 10; ++i) {
    if (i > 1) long_line += "; ";
    long_line += "item " + std::string(i < 10 ? "0" : "") + std::to_string(i) +
                 " of the long argument";
  }
  long_line += ".";
  return {{"path", "probe.txt"},
          {"content", "He said \"hello\" and left.\nSecond line: naïve — 日本語 ✓\n" + long_line}};
}

ToolCall call(const std::string& id, const std::string& name, json arguments) {
  ToolCall c;
  c.id = id;
  c.name = name;
  c.raw_arguments = arguments.dump();
  c.arguments = std::move(arguments);
  return c;
}

Message assistant_calls(std::vector<ToolCall> calls) {
  Message m;
  m.role = Role::assistant;
  m.tool_calls = std::move(calls);
  return m;
}

Message tool_result(const ToolCall& answered, const std::string& content) {
  Message m;
  m.role = Role::tool;
  m.tool_call_id = answered.id;
  m.tool_name = answered.name;
  m.content = content;
  return m;
}

// A quoted excerpt for a one-line detail: at most `max` bytes, cut on a UTF-8
// boundary, escaped as a JSON string so quotes and line breaks stay visible.
std::string excerpt(const std::string& text, size_t max = 80) {
  size_t end = std::min(text.size(), max);
  while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  std::string quoted =
      json(text.substr(0, end)).dump(-1, ' ', false, json::error_handler_t::replace);
  if (end < text.size()) quoted.insert(quoted.size() - 1, "…");
  return quoted;
}

size_t char_start(const std::string& text, size_t i) {
  while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return i;
}

// Why a string argument differs, pointing at the first differing byte.
std::string string_difference(const std::string& key, const std::string& expected,
                              const std::string& got) {
  size_t i = 0;
  while (i < expected.size() && i < got.size() && expected[i] == got[i]) ++i;
  if (i == got.size() && i < expected.size())
    return "argument \"" + key + "\" is cut short: " + std::to_string(got.size()) +
           " bytes, expected " + std::to_string(expected.size());
  size_t from = char_start(expected, i >= 12 ? i - 12 : 0);
  return "argument \"" + key + "\" differs at byte " + std::to_string(i) + ": expected " +
         excerpt(expected.substr(from), 40) + ", got " +
         excerpt(got.substr(std::min(from, got.size())), 40);
}

// Empty when `c` calls `name` with exactly `expected`; otherwise why not.
std::string call_mismatch(const ToolCall& c, const std::string& name, const json& expected) {
  if (c.name != name) return "called " + excerpt(c.name, 40) + ", expected " + name;
  if (!c.arguments_error.empty())
    return "arguments are not a JSON object (" + c.arguments_error +
           "): " + excerpt(c.raw_arguments);
  for (const auto& [key, want] : expected.items()) {
    if (!c.arguments.contains(key)) return "argument \"" + key + "\" is missing";
    const json& got = c.arguments[key];
    if (got == want) continue;
    if (got.is_string() && want.is_string())
      return string_difference(key, want.get<std::string>(), got.get<std::string>());
    return "argument \"" + key + "\" is " + got.dump() + ", expected " + want.dump();
  }
  for (const auto& [key, value] : c.arguments.items())
    if (!expected.contains(key)) return "unexpected argument \"" + key + "\"";
  return "";
}

// Why a reply that should have made tool calls made none: above all, whether the
// model wrote them as text because the server did not parse them.
std::string no_call_detail(const Response& r, const ProbeOptions& options) {
  const std::vector<ToolSpec> tools = probe_tools();
  for (const std::string* text : {&r.content, &r.reasoning}) {
    auto calls = parse_text_tool_calls(*text, tools);
    if (calls.empty()) continue;
    return std::string("tool call written as text") +
           (text == &r.reasoning ? " in the reasoning" : "") + " (" + calls[0].format +
           " format): the server did not parse it — is llama-server running with --jinja?";
  }
  auto suspects = find_suspected_tool_calls(r.content, {"read_file", "write_file"}, {});
  if (!suspects.empty())
    return "tool call written as text in no known format (" + excerpt(suspects[0].line) +
           "): the server did not parse it";
  if (r.finish_reason == "length")
    return "cut off at the " + std::to_string(options.max_output_tokens) +
           "-token output limit before making a call";
  if (r.content.empty()) return "no tool call and no text";
  return "no tool call; the model answered with text: " + excerpt(r.content);
}

struct ExpectedCall {
  std::string name;
  json arguments;
};

// Empty when the reply makes exactly `expected` (in any order), nothing more.
std::string expect_calls(const Response& r, const std::vector<ExpectedCall>& expected,
                         const ProbeOptions& options) {
  if (r.tool_calls.empty()) return no_call_detail(r, options);
  if (r.tool_calls.size() != expected.size()) {
    std::string made = std::to_string(r.tool_calls.size()) +
                       (r.tool_calls.size() == 1 ? " call" : " calls");
    return "made " + made + " in the turn, expected " + std::to_string(expected.size());
  }
  std::vector<bool> used(r.tool_calls.size(), false);
  for (const auto& want : expected) {
    std::string first_mismatch;
    bool found = false;
    for (size_t i = 0; i < r.tool_calls.size() && !found; ++i) {
      if (used[i]) continue;
      std::string why = call_mismatch(r.tool_calls[i], want.name, want.arguments);
      if (why.empty()) {
        used[i] = found = true;
      } else if (first_mismatch.empty()) {
        first_mismatch = why;
      }
    }
    if (!found) return first_mismatch;
  }
  return "";
}

// One check: the user's instruction that starts it (empty: the request ends with
// the previous step's tool results), how its reply is judged, and the answer and
// results a model that passed would have produced, which later checks build on.
struct Step {
  std::string name;
  std::string user;
  std::function<std::string(const Response&, const ProbeOptions&)> verify;
  Message answer;
  std::vector<Message> results;
};

// The battery is one conversation: check k is sent with the ideal transcript of
// checks 1..k-1, so each is judged on its own and request k holds exactly k-1
// assistant messages (which is also how a scripted server picks its turn).
std::vector<Step> battery() {
  std::vector<Step> steps;

  ToolCall notes = call("probe_call_1", "read_file", {{"path", "notes.txt"}});
  steps.push_back({"simple_call",
                   "Call the read_file tool with the path \"notes.txt\". Make exactly this one "
                   "tool call and write nothing else.",
                   [](const Response& r, const ProbeOptions& o) {
                     return expect_calls(r, {{"read_file", {{"path", "notes.txt"}}}}, o);
                   },
                   assistant_calls({notes}),
                   {tool_result(notes, "Remember to water the plants.\n")}});

  const json tricky = tricky_arguments();
  ToolCall write = call("probe_call_2", "write_file", tricky);
  const std::string written = std::to_string(tricky["content"].get<std::string>().size());
  steps.push_back({"tricky_arguments",
                   "Now call the write_file tool once, with exactly these arguments, shown here "
                   "as JSON. The content has quotes, a line break, non-ASCII characters and a "
                   "long line: copy every character exactly.\n" + tricky.dump(),
                   [tricky](const Response& r, const ProbeOptions& o) {
                     return expect_calls(r, {{"write_file", tricky}}, o);
                   },
                   assistant_calls({write}),
                   {tool_result(write, "Wrote " + written + " bytes to probe.txt.")}});

  ToolCall a = call("probe_call_3a", "read_file", {{"path", "a.txt"}});
  ToolCall b = call("probe_call_3b", "read_file", {{"path", "b.txt"}});
  steps.push_back({"two_calls",
                   "Now read the two files \"a.txt\" and \"b.txt\": make both read_file calls in "
                   "this one reply, at the same time, without waiting for the first result. Once "
                   "you have their contents, reply with only the code word that one of them "
                   "contains.",
                   [](const Response& r, const ProbeOptions& o) {
                     return expect_calls(r,
                                         {{"read_file", {{"path", "a.txt"}}},
                                          {"read_file", {{"path", "b.txt"}}}},
                                         o);
                   },
                   assistant_calls({a, b}),
                   {tool_result(a, std::string("The code word is ") + kCodeWord + ".\n"),
                    tool_result(b, "There is no code word in this file.\n")}});

  Message word;
  word.role = Role::assistant;
  word.content = kCodeWord;
  steps.push_back({"tool_result", "",
                   [](const Response& r, const ProbeOptions& o) -> std::string {
                     if (!r.tool_calls.empty())
                       return "made a tool call (" + excerpt(r.tool_calls[0].name, 40) +
                              ") instead of answering from the tool results";
                     if (r.content.find(kCodeWord) != std::string::npos) return "";
                     if (r.finish_reason == "length")
                       return "cut off at the " + std::to_string(o.max_output_tokens) +
                              "-token output limit before answering";
                     return "the answer does not contain the code word from the tool result: " +
                            excerpt(r.content);
                   },
                   word,
                   {}});

  steps.push_back({"multi_turn",
                   "Thank you. Now call the write_file tool once, with the path \"token.txt\" "
                   "and, as the content, the code word you found: only the code word.",
                   [](const Response& r, const ProbeOptions& o) {
                     // A trailing newline in a file's content is a matter of taste.
                     Response trimmed = r;
                     for (auto& c : trimmed.tool_calls) {
                       if (!c.arguments.is_object() || !c.arguments.contains("content")) continue;
                       json& content = c.arguments["content"];
                       if (!content.is_string()) continue;
                       std::string s = content.get<std::string>();
                       while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
                       content = s;
                     }
                     return expect_calls(
                         trimmed, {{"write_file", {{"path", "token.txt"}, {"content", kCodeWord}}}},
                         o);
                   },
                   {},
                   {}});
  return steps;
}

// Failures that every later request would meet again.
bool repeats_for_every_request(FailureKind kind) {
  return kind == FailureKind::infrastructure || kind == FailureKind::auth ||
         kind == FailureKind::not_found;
}

std::string failure_detail(const ProviderFailure& f) {
  std::string out = std::string("no answer (") + failure_kind_name(f.kind);
  if (f.http_status) out += ", HTTP " + std::to_string(f.http_status);
  return out + "): " + f.message;
}

}  // namespace

bool ProbeReport::passed() const {
  if (checks.empty()) return false;
  for (const auto& c : checks)
    if (!c.passed) return false;
  return true;
}

std::string ProbeReport::first_failure() const {
  for (const auto& c : checks)
    if (!c.passed) return c.name + ": " + c.detail;
  return checks.empty() ? "no checks ran" : "";
}

std::vector<std::string> probe_check_names() {
  std::vector<std::string> names;
  for (const auto& step : battery()) names.push_back(step.name);
  return names;
}

ProbeReport probe_model(Provider& provider, const ProbeOptions& options) {
  ProbeReport report;
  Request request;
  request.system = kSystem;
  request.tools = probe_tools();
  request.max_output_tokens = options.max_output_tokens;
  std::string unreachable;
  for (const auto& step : battery()) {
    ProbeCheck check;
    check.name = step.name;
    if (!unreachable.empty()) {
      check.detail = "skipped: " + unreachable;
      report.checks.push_back(std::move(check));
      continue;
    }
    Request sent = request;
    if (!step.user.empty()) {
      Message user;
      user.content = step.user;
      sent.messages.push_back(std::move(user));
    }
    Response response;
    ProviderFailure failure;
    auto start = std::chrono::steady_clock::now();
    bool answered = provider.complete(sent, &response, &failure);
    check.latency_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (answered) {
      check.tokens = response.usage.total();
      check.detail = step.verify(response, options);
      check.passed = check.detail.empty();
    } else {
      check.detail = failure_detail(failure);
      if (repeats_for_every_request(failure.kind))
        unreachable = "no answer to " + step.name;
    }
    report.checks.push_back(std::move(check));

    request.messages = sent.messages;
    if (!step.answer.content.empty() || !step.answer.tool_calls.empty())
      request.messages.push_back(step.answer);
    for (const auto& r : step.results) request.messages.push_back(r);
  }
  return report;
}

ProviderOptions probe_provider_options(const ModelConfig& model) {
  ProviderOptions options;
  options.provider = model.provider;
  options.base_url = model.base_url;
  options.model = model.model;
  options.stream = model.stream;
  if (!model.api_key_env.empty())
    if (const char* key = getenv(model.api_key_env.c_str())) options.api_key = key;
  options.max_retries = 1;
  options.backoff_max_seconds = 2;
  options.max_retry_after_seconds = 5;
  options.connect_timeout_seconds = 5;
  options.idle_timeout_seconds = 60;
  return options;
}

ProbeReport probe_config(const ModelConfig& model, const ProbeOptions& options) {
  auto setup_failure = [&model](const std::string& detail) {
    ProbeReport report;
    report.model = model.name;
    report.checks.push_back({"setup", false, detail, 0, 0});
    return report;
  };
  if (!model.api_key_env.empty() && !getenv(model.api_key_env.c_str()))
    return setup_failure("api_key_env: environment variable " + model.api_key_env +
                         " is not set");
  std::string err;
  auto provider = make_provider(probe_provider_options(model), &err);
  if (!provider) return setup_failure(err);
  ProbeReport report = probe_model(*provider, options);
  report.model = model.name;
  return report;
}

bool probe_passes(const ModelConfig& model, std::string* why) {
  ProbeReport report = probe_config(model, ProbeOptions{});
  if (report.passed()) return true;
  *why = "probe failed: " + report.first_failure();
  return false;
}

}  // namespace showdown
