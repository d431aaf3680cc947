#include "report/html_records.h"

#include <map>
#include <regex>

#include "report/html_text.h"
#include "result/metrics.h"

namespace showdown {

namespace {

const nlohmann::json* field(const Record& r, const char* key) {
  if (!r.is_object()) return nullptr;
  auto it = r.find(key);
  return it == r.end() ? nullptr : &*it;
}

bool git_did(const std::string& command, const char* verb) {
  // `git commit`, `git -C repo commit`, `git --no-pager commit`.
  const std::regex pattern(std::string(R"(\bgit(\s+(-[Cc]\s+\S+|--?[\w-]+(=\S+)?))*\s+)") + verb +
                           R"(\b)");
  return std::regex_search(command, pattern);
}

}  // namespace

double number_field(const Record& r, const char* key, double fallback) {
  const nlohmann::json* f = field(r, key);
  return f && f->is_number() ? f->get<double>() : fallback;
}

std::string json_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string record_anchor(const std::string& run, const Record& r) {
  int64_t message = int_field(r, "message");
  if (message > 0) return message_anchor(run, static_cast<int>(message));
  return html_id(run) + "-s" + std::to_string(int_field(r, "seq", -1));
}

std::string call_target(const std::string& name, const nlohmann::json& arguments) {
  if (arguments.is_object()) {
    if (name == "execute") return text_field(arguments, "command");
    std::string path = text_field(arguments, "path");
    if (!path.empty()) return path;
  }
  if (arguments.is_null()) return "";
  return arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<ToolStep> tool_steps(const std::vector<Record>& records, const std::string& build) {
  std::vector<ToolStep> steps;
  std::multimap<std::string, size_t> open;  // call id -> index in steps, awaiting a result
  int assistant_message = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    const std::string type = text_field(r, "type");
    if (type == "response") {
      assistant_message = static_cast<int>(int_field(r, "message"));
    } else if (type == "tool_call") {
      ToolStep s;
      s.call_seq = i;
      s.index = int_field(r, "index", static_cast<int>(steps.size()) + 1);
      s.step = static_cast<int>(int_field(r, "step"));
      s.name = text_field(r, "name");
      const nlohmann::json* args = field(r, "arguments");
      s.summary = args ? call_target(s.name, *args) : "";
      s.rescued = bool_field(r, "rescued");
      s.call_message = assistant_message;
      open.emplace(text_field(r, "id"), steps.size());
      steps.push_back(std::move(s));
    } else if (type == "tool_result") {
      auto it = open.find(text_field(r, "id"));
      if (it == open.end()) continue;
      ToolStep& s = steps[it->second];
      open.erase(it);
      s.has_result = true;
      s.result_seq = static_cast<int64_t>(i);
      s.message = static_cast<int>(int_field(r, "message"));
      bool timed_out = bool_field(r, "timed_out");
      const nlohmann::json* code = field(r, "exit_code");
      bool exited = code && code->is_number();
      int64_t exit_code = exited ? int_field(r, "exit_code") : 0;
      s.failed = bool_field(r, "is_error") || timed_out || exit_code != 0;
      if (timed_out)
        s.exit = "timed out";
      else if (exited)
        s.exit = "exit " + std::to_string(exit_code);
      if (s.name != "execute") continue;
      s.build = runs_build(s.summary, build);
      if (s.build) {
        try {
          s.build_ok = build_passed(r);
        } catch (const nlohmann::json::exception&) {
          s.build_ok = false;  // a mistyped record: not a pass anyone could check
        }
      }
      bool ok = exited && exit_code == 0 && !timed_out;
      s.commit = ok && git_did(s.summary, "commit");
      s.push = ok && git_did(s.summary, "push");
    }
  }
  return steps;
}

std::string head_of(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  size_t line = text.rfind('\n', cut);
  if (line != std::string::npos && line + 1 >= cut / 2 && line > 0) cut = line + 1;
  return text.substr(0, cut);
}

}  // namespace showdown
