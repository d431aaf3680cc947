#include "scripted/script.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace showdown {

namespace {

const struct {
  ScriptFault fault;
  const char* name;
} kFaults[] = {
    {ScriptFault::none, "none"},
    {ScriptFault::http_500, "http_500"},
    {ScriptFault::http_429, "http_429"},
    {ScriptFault::reset, "reset"},
    {ScriptFault::truncated_stream, "truncated_stream"},
    {ScriptFault::malformed_json, "malformed_json"},
    {ScriptFault::hang, "hang"},
};

constexpr int64_t kMaxRepeat = 100000;

// Reports the first problem found, prefixed with the file and the field's path.
class Checker {
 public:
  Checker(const std::string& source, std::string* err) : source_(source), err_(err) {}

  bool fail(const std::string& field, const std::string& message) {
    if (err_) *err_ = source_ + ": " + (field.empty() ? "" : field + ": ") + message;
    return false;
  }

  bool only_keys(const nlohmann::json& j, const std::string& field,
                 std::initializer_list<const char*> keys) {
    for (const auto& [key, value] : j.items()) {
      bool known = std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
      if (!known) return fail(join(field, key), "unknown field");
    }
    return true;
  }

  bool string_field(const nlohmann::json& j, const std::string& field, const char* key,
                    std::string* out) {
    if (!j.contains(key)) return true;
    if (!j[key].is_string()) return fail(join(field, key), "must be a string");
    *out = j[key].get<std::string>();
    return true;
  }

  bool count_field(const nlohmann::json& j, const std::string& field, const char* key,
                   int64_t* out) {
    if (!j.contains(key)) return true;
    const auto& v = j[key];
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      return fail(join(field, key), "must be a non-negative integer");
    *out = v.get<int64_t>();
    return true;
  }

  bool timings_field(const nlohmann::json& j, const std::string& field,
                     std::optional<TimingSpeeds>* out) {
    if (!j.contains("timings")) return true;
    const auto& v = j["timings"];
    std::string path = join(field, "timings");
    if (v.is_boolean()) {
      if (v.get<bool>())
        *out = TimingSpeeds{};
      else
        out->reset();
      return true;
    }
    if (!v.is_object()) return fail(path, "must be true, false or an object");
    if (!only_keys(v, path, {"prompt_per_second", "predicted_per_second"})) return false;
    TimingSpeeds speeds;
    for (auto [key, slot] : {std::pair{"prompt_per_second", &speeds.prompt_per_second},
                             std::pair{"predicted_per_second", &speeds.predicted_per_second}}) {
      if (!v.contains(key)) continue;
      if (!v[key].is_number() || v[key].get<double>() <= 0)
        return fail(join(path, key), "must be a positive number");
      *slot = v[key].get<double>();
    }
    *out = speeds;
    return true;
  }

  static std::string join(const std::string& field, const std::string& key) {
    return field.empty() ? key : field + "." + key;
  }

 private:
  std::string source_;
  std::string* err_;
};

bool parse_turn(const nlohmann::json& j, const std::string& field, Checker& check,
                const std::optional<TimingSpeeds>& script_timings, ScriptTurn* turn,
                int64_t* repeat) {
  if (!j.is_object()) return check.fail(field, "must be an object");
  if (!check.only_keys(j, field,
                       {"content", "reasoning", "tool_calls", "usage", "delay_ms", "fault",
                        "retry_after", "repeat", "timings", "finish_reason"}))
    return false;
  if (!check.string_field(j, field, "content", &turn->content)) return false;
  if (!check.string_field(j, field, "reasoning", &turn->reasoning)) return false;
  if (!check.string_field(j, field, "finish_reason", &turn->finish_reason)) return false;
  if (j.contains("finish_reason") && turn->finish_reason.empty())
    return check.fail(field + ".finish_reason", "must not be empty");
  if (!check.count_field(j, field, "delay_ms", &turn->delay_ms)) return false;
  if (!check.count_field(j, field, "retry_after", &turn->retry_after_s)) return false;

  if (j.contains("fault")) {
    if (!j["fault"].is_string()) return check.fail(field + ".fault", "must be a string");
    std::string name = j["fault"].get<std::string>();
    if (!parse_fault(name, &turn->fault))
      return check.fail(field + ".fault", "unknown fault \"" + name +
                                              "\" (one of http_500, http_429, reset, "
                                              "truncated_stream, malformed_json, hang)");
  }

  if (j.contains("tool_calls")) {
    const auto& calls = j["tool_calls"];
    if (!calls.is_array()) return check.fail(field + ".tool_calls", "must be an array");
    for (size_t i = 0; i < calls.size(); ++i) {
      std::string call_field = field + ".tool_calls[" + std::to_string(i) + "]";
      const auto& c = calls[i];
      if (!c.is_object()) return check.fail(call_field, "must be an object");
      if (!check.only_keys(c, call_field, {"name", "arguments"})) return false;
      ScriptedCall call;
      if (!c.contains("name")) return check.fail(call_field + ".name", "is required");
      if (!check.string_field(c, call_field, "name", &call.name)) return false;
      if (call.name.empty()) return check.fail(call_field + ".name", "must not be empty");
      if (c.contains("arguments")) {
        if (!c["arguments"].is_object() && !c["arguments"].is_string())
          return check.fail(call_field + ".arguments",
                            "must be an object (or a string sent verbatim)");
        call.arguments = c["arguments"];
      }
      turn->tool_calls.push_back(std::move(call));
    }
  }

  if (j.contains("usage")) {
    const auto& u = j["usage"];
    std::string usage_field = field + ".usage";
    if (!u.is_object()) return check.fail(usage_field, "must be an object");
    if (!check.only_keys(u, usage_field, {"prompt_tokens", "completion_tokens"})) return false;
    int64_t n = 0;
    if (u.contains("prompt_tokens")) {
      if (!check.count_field(u, usage_field, "prompt_tokens", &n)) return false;
      turn->prompt_tokens = n;
    }
    if (u.contains("completion_tokens")) {
      if (!check.count_field(u, usage_field, "completion_tokens", &n)) return false;
      turn->completion_tokens = n;
    }
  }

  turn->timings = script_timings;
  if (!check.timings_field(j, field, &turn->timings)) return false;

  *repeat = 1;
  if (j.contains("repeat")) {
    const auto& r = j["repeat"];
    if (!r.is_number_integer() || r.get<int64_t>() < 1 || r.get<int64_t>() > kMaxRepeat)
      return check.fail(field + ".repeat",
                        "must be an integer from 1 to " + std::to_string(kMaxRepeat));
    *repeat = r.get<int64_t>();
  }
  return true;
}

// nlohmann reports a byte offset; people look for a line and column.
std::string position_of(const std::string& text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

bool load_script_file(const std::filesystem::path& path, Script* script, std::string* err) {
  std::string source = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (err) *err = source + ": cannot read the file";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    size_t colon = what.rfind(": ");
    if (err)
      *err = source + ": " + position_of(text, e.byte == 0 ? 0 : e.byte - 1) +
             ": invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
    return false;
  }
  return parse_script(j, source, script, err);
}

}  // namespace

const char* fault_name(ScriptFault fault) {
  for (const auto& f : kFaults)
    if (f.fault == fault) return f.name;
  return "none";
}

bool parse_fault(const std::string& name, ScriptFault* fault) {
  for (const auto& f : kFaults) {
    if (f.fault != ScriptFault::none && name == f.name) {
      *fault = f.fault;
      return true;
    }
  }
  return false;
}

bool parse_script(const nlohmann::json& j, const std::string& source, Script* script,
                  std::string* err) {
  Checker check(source, err);
  if (!j.is_object()) return check.fail("", "a script must be a JSON object");
  if (!check.only_keys(j, "", {"model", "turns", "timings", "description"})) return false;
  if (!j.contains("model")) return check.fail("model", "is required");
  if (!check.string_field(j, "", "model", &script->model)) return false;
  if (script->model.empty()) return check.fail("model", "must not be empty");
  std::string description;
  if (!check.string_field(j, "", "description", &description)) return false;
  if (!check.timings_field(j, "", &script->timings)) return false;
  if (!j.contains("turns")) return check.fail("turns", "is required");
  if (!j["turns"].is_array()) return check.fail("turns", "must be an array");

  script->source = source;
  script->turns.clear();
  const auto& turns = j["turns"];
  for (size_t i = 0; i < turns.size(); ++i) {
    ScriptTurn turn;
    int64_t repeat = 1;
    if (!parse_turn(turns[i], "turns[" + std::to_string(i) + "]", check, script->timings, &turn,
                    &repeat))
      return false;
    if (script->turns.size() + repeat > static_cast<size_t>(kMaxRepeat))
      return check.fail("turns[" + std::to_string(i) + "].repeat",
                        "the script would have more than " + std::to_string(kMaxRepeat) + " turns");
    script->turns.insert(script->turns.end(), repeat, turn);
  }
  return true;
}

bool load_scripts(const std::filesystem::path& path, std::vector<Script>* scripts,
                  std::string* err) {
  std::error_code ec;
  scripts->clear();
  if (!std::filesystem::is_directory(path, ec)) {
    if (!std::filesystem::exists(path, ec)) {
      if (err) *err = path.string() + ": no such file or folder";
      return false;
    }
    Script script;
    if (!load_script_file(path, &script, err)) return false;
    scripts->push_back(std::move(script));
    return true;
  }

  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec))
    if (entry.is_regular_file(ec) && entry.path().extension() == ".json")
      files.push_back(entry.path());
  if (ec) {
    if (err) *err = path.string() + ": cannot list the folder: " + ec.message();
    return false;
  }
  if (files.empty()) {
    if (err) *err = path.string() + ": no scripts (*.json files) in the folder";
    return false;
  }
  std::sort(files.begin(), files.end());

  std::set<std::string> models;
  for (const auto& file : files) {
    Script script;
    if (!load_script_file(file, &script, err)) return false;
    if (!models.insert(script.model).second) {
      if (err)
        *err = file.string() + ": model: \"" + script.model +
               "\" is already the model of another script in " + path.string();
      return false;
    }
    scripts->push_back(std::move(script));
  }
  return true;
}

const Script* select_script(const std::vector<Script>& scripts, const std::string& model) {
  if (scripts.size() == 1) return &scripts[0];
  for (const auto& s : scripts)
    if (s.model == model) return &s;
  return nullptr;
}

ScriptTurn turn_at(const Script& script, size_t assistant_messages) {
  if (assistant_messages < script.turns.size()) return script.turns[assistant_messages];
  ScriptTurn final_turn;
  final_turn.content = "Done.";
  final_turn.finish_reason = "stop";
  final_turn.timings = script.timings;
  return final_turn;
}

int64_t estimate_tokens(size_t bytes) {
  return std::max<int64_t>(1, static_cast<int64_t>(bytes / 4));
}

}  // namespace showdown
